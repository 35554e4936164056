#!/usr/bin/env python3
"""Runs a command in the test guest: guest.py SOCKET COMMAND [TIMEOUT].

SOCKET is the unix socket of the guest's second serial port, where its
/init (guest-init) reads a command a line and answers with the command's
output and a last line "@@rc=STATUS". Prints the output and exits with the
command's status; 124 if no answer came within TIMEOUT seconds (default 60).
"""
import socket
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: guest.py SOCKET COMMAND [TIMEOUT]")
    path, command = sys.argv[1], sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
    end = time.monotonic() + timeout
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(command.encode() + b"\n")
    buf = b""
    while True:
        left = end - time.monotonic()
        if left <= 0:
            sys.stdout.write(buf.decode(errors="replace"))
            print("guest.py: no answer within %g s" % timeout, file=sys.stderr)
            sys.exit(124)
        s.settimeout(left)
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        if not data:
            sys.stdout.write(buf.decode(errors="replace"))
            print("guest.py: the guest's serial port closed", file=sys.stderr)
            sys.exit(125)
        buf += data
        text = buf.decode(errors="replace").replace("\r", "")
        mark = text.rfind("@@rc=")
        if mark >= 0 and text.endswith("\n"):
            sys.stdout.write(text[:mark])
            sys.exit(int(text[mark + 5:].strip()))


if __name__ == "__main__":
    main()
