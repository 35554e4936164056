#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hostile frames for the `hostile` test, and what came out of dpbond.

  hostile_frames.py gen DIR          writes DIR/PORT.in (pcap) for each
                                     input port, and DIR/frames.json: every
                                     frame by its tag, in hex
  hostile_frames.py count DIR PCAP TAG...
                                     prints, per TAG, how many frames of PCAP
                                     are byte for byte the frame of that tag
  hostile_frames.py audit PCAP       prints one line per frame of PCAP that
                                     a Linux bridge never forwards: shorter
                                     than an Ethernet header, a multicast or
                                     zero source, ethertype 0x8809, or to
                                     01:80:c2:00:00:01-0f

Each frame carries "hostile TAG" where it has room, so that a frame found
in an output is known by its tag. Sources are 02:00:00:00:PP:NN (PP the
ingress port's number); good frames are broadcasts of ethertype 0x88b5.
"""
import json
import os
import struct
import sys

BC = bytes.fromhex("ffffffffffff")
SLOW_DST = bytes.fromhex("0180c2000002")


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def src(port, n):
    return bytes([2, 0, 0, 0, port, n])


def payload(tag, size=46):
    p = ("hostile " + tag).encode()
    return p + bytes(max(0, size - len(p)))


def good(port, i):
    tag = "good-%d-%d" % (port, i)
    return tag, BC + src(port, 1) + b"\x88\xb5" + payload(tag)


def sized(port, tag, n, dst=BC):
    """A broadcast of n bytes, its payload a pattern after the tag."""
    head = dst + src(port, 2) + b"\x88\xb5" + ("hostile " + tag + " ").encode()
    return head + bytes((k * 7) & 0xff for k in range(n - len(head)))


def info(tlv, sys_prio, system, key, port_prio, port, state):
    return struct.pack("!BBH6sHHHB3x", tlv, 20, sys_prio, system, key, port_prio, port, state)


def lacpdu(port, actor, partner, tag, version=1, actor_len=20):
    """A LACPDU (802.1AX-2014 6.4.2.3): actor and partner are info() tuples."""
    a = bytearray(info(1, *actor))
    a[1] = actor_len
    body = bytes([1, version]) + bytes(a) + info(2, *partner)
    body += bytes([3, 16]) + struct.pack("!H", 0) + bytes(12) + bytes([0, 0])
    # the 50 reserved octets at the end carry the tag (nobody reads them)
    body += payload(tag, 50)
    assert len(body) == 110
    return SLOW_DST + src(port, 3) + b"\x88\x09" + body


def slow(port, subtype, tag, length=110):
    body = bytes([subtype, 1]) + payload(tag, 108)
    return SLOW_DST + src(port, 4) + b"\x88\x09" + body[:length]


def marker_bad(port, tag):
    body = bytes([2, 1, 1, 15]) + bytes(14) + bytes([0, 0]) + payload(tag, 90)
    return SLOW_DST + src(port, 5) + b"\x88\x09" + body


# dpbond's actor on bond0 (its LACPDUs say the same): system priority 65535,
# system 02:00:00:00:00:aa (bond-ad-actor-system), key 15 (10G full duplex on
# net_pcap), port priority 255, port k+1; the partners' view of it.
US = (65535, mac("02:00:00:00:00:aa"), 15, 255)
IN_SYNC = 0x3d   # activity, aggregation, synchronization, collecting, distributing


def frames():
    """{port: [(tag, frame bytes)]}, in the order each port receives them."""
    out = {}
    # --- bridge ports and balance-xor members: eth2 (br0), eth4 (bond1) ---
    for port in (2, 4):
        f = []
        i = 0

        def g():
            nonlocal i
            f.append(good(port, i))
            i += 1
        g()
        for tag, fr in [
            ("runt10-%d" % port, (BC + src(port, 9))[:10]),
            ("runt13-%d" % port, (BC + src(port, 9))[:13]),
            ("hdr14-%d" % port, BC + src(port, 6) + b"\x88\xb5"),
            ("mcsrc-%d" % port, BC + mac("01:00:5e:00:00:01") + b"\x88\xb5" + payload("mcsrc-%d" % port)),
            ("bcsrc-%d" % port, BC + BC + b"\x88\xb5" + payload("bcsrc-%d" % port)),
            ("zerosrc-%d" % port, BC + bytes(6) + b"\x88\xb5" + payload("zerosrc-%d" % port)),
            ("stp-%d" % port, mac("01:80:c2:00:00:00") + src(port, 7) + struct.pack("!H", 38) +
             b"\x42\x42\x03" + payload("stp-%d" % port, 43)),
            ("pause-%d" % port, mac("01:80:c2:00:00:01") + src(port, 7) + b"\x88\x08" +
             b"\x00\x01\xff\xff" + payload("pause-%d" % port, 42)),
            ("lldp-%d" % port, mac("01:80:c2:00:00:0e") + src(port, 7) + b"\x88\xcc" +
             payload("lldp-%d" % port)),
            ("oam-%d" % port, slow(port, 0x03, "oam-%d" % port)),
            ("esmc-%d" % port, slow(port, 0x0a, "esmc-%d" % port)),
            ("slow20-%d" % port, slow(port, 0x01, "x", 6)),
            ("lacp-%d" % port, lacpdu(port, (32768, mac("02:00:00:00:0a:0a"), 7, 255, 1, IN_SYNC),
                                      (*US, 1, 0x05), "lacp-%d" % port)),
            ("mtu1600-%d" % port, sized(port, "mtu1600-%d" % port, 1600)),
            ("mtu3000-%d" % port, sized(port, "mtu3000-%d" % port, 3000)),
            ("qinq3-%d" % port, BC + src(port, 8) + b"\x81\x00\x00\x05\x81\x00\x00\x06\x81\x00\x00\x07\x88\xb5" +
             payload("qinq3-%d" % port)),
            ("stag-%d" % port, BC + src(port, 8) + b"\x88\xa8\x00\x05\x81\x00\x00\x06\x88\xb5" +
             payload("stag-%d" % port)),
            ("len1514-%d" % port, sized(port, "len1514-%d" % port, 1514)),
        ]:
            f.append((tag, fr))
            g()
        out["eth%d" % port] = f
    # --- VLAN-aware br1: eth6 trunk (VLAN 10), eth7 access 10 ---
    f = []
    for tag, fr in [
        ("v10x3", BC + src(6, 1) + b"\x81\x00\x00\x0a\x81\x00\x00\x06\x81\x00\x00\x07\x88\xb5" + payload("v10x3")),
        ("v20x3", BC + src(6, 1) + b"\x81\x00\x00\x14\x81\x00\x00\x06\x81\x00\x00\x07\x88\xb5" + payload("v20x3")),
        ("stag6", BC + src(6, 1) + b"\x88\xa8\x00\x0a\x81\x00\x00\x06\x88\xb5" + payload("stag6")),
        ("v10mc", BC + mac("01:00:5e:00:00:01") + b"\x81\x00\x00\x0a\x88\xb5" + payload("v10mc")),
        ("v10ll", mac("01:80:c2:00:00:0e") + src(6, 1) + b"\x81\x00\x00\x0a\x88\xcc" + payload("v10ll")),
        ("v10stp", mac("01:80:c2:00:00:00") + src(6, 1) + b"\x81\x00\x00\x0a" + struct.pack("!H", 38) +
         b"\x42\x42\x03" + payload("v10stp", 43)),
    ]:
        f.append((tag, fr))
    out["eth6"] = f
    # --- 802.3ad bond0: eth0 hears partner A, eth1 partner B ---
    a = (32768, mac("02:00:00:00:0a:0a"), 7, 255, 1, IN_SYNC)
    b = (32768, mac("02:00:00:00:0b:0b"), 7, 255, 1, IN_SYNC)
    f = [
        ("lacp-a", lacpdu(0, a, (*US, 1, 0x05), "lacp-a")),
        ("lacp-a-long", lacpdu(0, a, (*US, 1, 0x05), "lacp-a-long") + payload("lacp-a-long", 76)),
        ("lacp-short", lacpdu(0, a, (*US, 1, 0x05), "lacp-short")[:60]),
        ("lacp-v0", lacpdu(0, a, (*US, 1, 0x05), "lacp-v0", version=0)),
        ("lacp-tlv19", lacpdu(0, a, (*US, 1, 0x05), "lacp-tlv19", actor_len=19)),
        ("marker-tlv15", marker_bad(0, "marker-tlv15")),
        ("slow16", slow(0, 0x01, "x", 2)),
        ("oam", slow(0, 0x03, "oam")),
        ("esmc", slow(0, 0x0a, "esmc")),
        ("sub0", slow(0, 0x00, "sub0")),
        ("slow14", SLOW_DST + src(0, 4) + b"\x88\x09"),
        ("data-a", BC + src(0, 1) + b"\x88\xb5" + payload("data-a")),
    ]
    out["eth0"] = f
    out["eth1"] = [
        ("lacp-b", lacpdu(1, b, (*US, 2, 0x05), "lacp-b")),
        ("data-b", BC + src(1, 1) + b"\x88\xb5" + payload("data-b")),
    ]
    return out


def write_pcap(path, frs):
    with open(path, "wb") as fp:
        fp.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for k, fr in enumerate(frs):
            fp.write(struct.pack("<IIII", 1, k, len(fr), len(fr)))
            fp.write(fr)


def read_pcap(path):
    with open(path, "rb") as fp:
        data = fp.read()
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off, out = 24, []
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(end + "IIII", data[off:off + 16])
        out.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return out


def main():
    cmd = sys.argv[1]
    if cmd == "gen":
        d = sys.argv[2]
        allf, tags = frames(), {}
        for port, frs in allf.items():
            write_pcap(os.path.join(d, port + ".in"), [fr for _, fr in frs])
            for tag, fr in frs:
                tags[tag] = fr.hex()
        # what an access port of VLAN 10 sends: the outer tag taken off
        for tag in ("v10x3", "v10stp"):
            fr = bytes.fromhex(tags[tag])
            tags[tag + "-out"] = (fr[:12] + fr[16:]).hex()
        with open(os.path.join(d, "frames.json"), "w") as fp:
            json.dump(tags, fp)
    elif cmd == "count":
        with open(os.path.join(sys.argv[2], "frames.json")) as fp:
            tags = json.load(fp)
        got = read_pcap(sys.argv[3])
        for tag in sys.argv[4:]:
            want = bytes.fromhex(tags[tag])
            print(sum(1 for fr in got if fr == want))
    elif cmd == "audit":
        for k, fr in enumerate(read_pcap(sys.argv[2])):
            why = None
            if len(fr) < 14:
                why = "shorter than an Ethernet header"
            elif fr[6] & 1 or fr[6:12] == bytes(6):
                why = "multicast or zero source"
            elif fr[12:14] == b"\x88\x09":
                why = "ethertype 0x8809"
            elif fr[:5] == bytes.fromhex("0180c20000") and 0 < fr[5] <= 0x0f:
                why = "to an 802.1D reserved address"
            if why:
                print("frame %d (%d bytes, %s): %s" % (k, len(fr), fr[:14].hex(), why))
    else:
        sys.exit("usage: hostile_frames.py gen DIR | count DIR PCAP TAG... | audit PCAP")


if __name__ == "__main__":
    main()
