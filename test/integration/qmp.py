#!/usr/bin/env python3
"""A QEMU monitor (QMP) client for the tests: qmp.py SOCKET COMMAND [ARGS-JSON].

Connects to a QMP unix socket, negotiates capabilities, runs COMMAND with
ARGS and prints its "return" as JSON. With COMMAND migrate-wait, starts a
migration to ARGS (a URI) and waits until query-migrate says it completed,
printing that answer (its downtime and total time in ms); exit 1 if it
failed or did not end within 60 s.
"""
import json
import socket
import sys
import time


class Qmp:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(30)   # a QEMU that stops answering fails the test, not hangs it
        self.s.connect(path)
        self.f = self.s.makefile("rw")
        json.loads(self.f.readline())          # the greeting
        self.run("qmp_capabilities")

    def run(self, cmd, args=None):
        msg = {"execute": cmd}
        if args is not None:
            msg["arguments"] = args
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            ans = json.loads(self.f.readline())
            if "return" in ans:
                return ans["return"]
            if "error" in ans:
                raise RuntimeError("%s: %s" % (cmd, ans["error"]))
            # an event: not the answer


def main():
    q = Qmp(sys.argv[1])
    cmd = sys.argv[2]
    if cmd == "migrate-wait":
        q.run("migrate", {"uri": sys.argv[3]})
        end = time.monotonic() + 60
        while time.monotonic() < end:
            st = q.run("query-migrate")
            if st.get("status") == "completed":
                print(json.dumps(st))
                return 0
            if st.get("status") in ("failed", "cancelled"):
                print(json.dumps(st), file=sys.stderr)
                return 1
            time.sleep(0.05)
        print("migration did not end within 60 s", file=sys.stderr)
        return 1
    args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else None
    print(json.dumps(q.run(cmd, args)))
    return 0


sys.exit(main())
