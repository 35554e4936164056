#!/usr/bin/env python3
"""Two streams through dpbond while test/integration/reload.sh reloads it.

Stream 0 enters vmbr0 on tst0 (TAP dpt0) and leaves on bond0 (dpa0, dpa1),
which no reload changes; stream 1 enters vmbr1 on tst1 (dpt1) and leaves on
bond1 (dpa2-dpa4), which gains and loses members. Each frame carries its
stream and sequence number; the receiver counts distinct ones per stream on
the bond side. Writes "streaming" to T/stream.state once frames flow, then
after SECONDS and a second of draining prints one JSON line:
{"sent0", "got0", "sent1", "got1"}. Run inside the test's namespace.
"""
import json
import os
import socket
import struct
import sys
import threading
import time

T, SECONDS = sys.argv[1], float(sys.argv[2])
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
PPS = 1000
STREAMS = [  # (sent on, received on, source MAC, destination MAC)
    ("dpt0", ("dpa0", "dpa1"), "020000000a01", "020000000d00"),
    ("dpt1", ("dpa2", "dpa3", "dpa4"), "020000000a02", "020000000d01"),
]
got = [set(), set()]
stop = threading.Event()


def receive():
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.settimeout(0.2)
    while not stop.is_set():
        try:
            data, addr = s.recvfrom(2048)
        except socket.timeout:
            continue
        if addr[2] == PACKET_OUTGOING or len(data) < 22 or data[12:14] != b"\x88\xb5":
            continue
        k = data[14]
        if k in (0, 1) and addr[0] in STREAMS[k][1]:
            got[k].add(struct.unpack("!I", data[15:19])[0])


def main():
    rx = threading.Thread(target=receive)
    rx.start()
    time.sleep(0.3)
    tx = []
    for dev, _, src, dst in STREAMS:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((dev, 0))
        tx.append((s, bytes.fromhex(dst) + bytes.fromhex(src) + b"\x88\xb5"))
    sent = [0, 0]
    start = time.monotonic()
    with open(os.path.join(T, "stream.state"), "w") as f:
        f.write("streaming\n")
    while time.monotonic() - start < SECONDS:
        due = int((time.monotonic() - start) * PPS)
        while sent[0] < due:
            for k in (0, 1):
                s, head = tx[k]
                s.send(head + bytes([k]) + struct.pack("!I", sent[k]) + bytes(41))
                sent[k] += 1
        time.sleep(0.0005)
    time.sleep(1.0)
    stop.set()
    rx.join()
    print(json.dumps({"sent0": sent[0], "got0": len(got[0]), "sent1": sent[1], "got1": len(got[1])}),
          flush=True)


main()
