#!/usr/bin/env python3
"""Applies a `qm set` command line to a VM configuration file as Proxmox's
qemu-server writes one (this machine has no Proxmox to run it):
qm_apply.py CONF 'qm set VMID --key value ...'.

Handles --delete LIST, --description TEXT and any --KEY VALUE. The file is
written back as qemu-server writes it: the description first, one '#' line
per line, encoded as PVE::Tools::encode_text encodes (every byte outside
0x20-0x7e, and ':', as %XX of its UTF-8), then the current section's keys
in sorted order, then any [section] as it was.
"""
import shlex
import sys


def encode_text(line):
    out = []
    for b in line.encode("utf-8"):
        if 0x20 <= b <= 0x7E and b != 0x3A:
            out.append(chr(b))
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def decode_text(text):
    from urllib.parse import unquote
    return unquote(text)


def main():
    path, cmdline = sys.argv[1], sys.argv[2]
    words = shlex.split(cmdline)
    if words[:2] != ["qm", "set"] and not (words[0].endswith("qm") and words[1] == "set"):
        sys.exit("not a qm set command: %s" % cmdline)
    with open(path) as f:
        lines = f.read().split("\n")
    descr, keys, rest, in_rest = [], {}, [], False
    for line in lines:
        if in_rest or line.startswith("["):
            in_rest = True
            rest.append(line)
        elif line.startswith("#") and not keys:
            descr.append(decode_text(line[1:]))
        elif ":" in line:
            k, v = line.split(":", 1)
            keys[k.strip()] = v.strip()
    i = 3
    while i < len(words):
        opt, val = words[i], words[i + 1]
        i += 2
        if opt == "--delete":
            for k in val.split(","):
                if k == "description":
                    descr = []
                else:
                    keys.pop(k, None)
        elif opt == "--description":
            descr = val.split("\n")
        elif opt.startswith("--"):
            keys[opt[2:]] = val
        else:
            sys.exit("cannot read %s" % opt)
    out = ["#" + encode_text(d) for d in descr]
    out += ["%s: %s" % (k, keys[k]) for k in sorted(keys)]
    text = "\n".join(out) + "\n"
    if rest:
        text += "\n".join(rest)
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
