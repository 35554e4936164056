#!/usr/bin/python3
# The service manager's end of sd_notify, for tests: binds a datagram socket
# at ADDR (a path, or @name in the abstract namespace) and appends each
# message to OUT as "UNIX-TIME MESSAGE" (a message's newlines become '|').
# Writes "UNIX-TIME LISTENING" once bound. Ends when killed.
import socket
import sys
import time

addr, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind('\0' + addr[1:] if addr.startswith('@') else addr)
with open(out, 'a', buffering=1) as f:
    f.write('%.3f LISTENING\n' % time.time())
    while True:
        msg = s.recv(4096).decode(errors='replace')
        f.write('%.3f %s\n' % (time.time(), msg.replace('\n', '|')))
