#!/usr/bin/env python3
# Writes the seed corpus of the lacp, frame and cli fuzz targets
# (test/fuzz/corpus/NAME/), built field by field from 802.1AX, the Ethernet,
# ARP, IPv4/IPv6 and ND layouts, and the console reference (doc/console.md).
# The cfg seeds are the project's interfaces files (see doc/testing.md).
# Documentation addresses only. Run from anywhere: test/fuzz/seeds.py
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    d = os.path.join(here, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def mac(last):
    return bytes([0x00, 0x00, 0x5e, 0x00, 0x53, last])


SLOW_DST = bytes([0x01, 0x80, 0xc2, 0x00, 0x00, 0x02])


def info(tlv, prio, system, key, pprio, port, state):
    return struct.pack('!BBH6sHHHB3x', tlv, 20, prio, system, key, pprio, port, state)


def lacpdu(actor_port, actor_state, partner_port=0, partner_state=0x40, partner_sys=b'\0' * 6,
           version=1):
    pdu = bytes([1, version])
    pdu += info(1, 32768, mac(0x99), 33, 128, actor_port, actor_state)
    pdu += info(2, 65535 if partner_port else 0, partner_sys, 9 if partner_port else 0,
                255 if partner_port else 0, partner_port, partner_state)
    pdu += struct.pack('!BBH12x', 3, 16, 5) + bytes([0, 0]) + bytes(50)
    assert len(pdu) == 110
    return pdu


def marker(response=False):
    pdu = bytes([2, 1]) + struct.pack('!BBH6sI2x', 2 if response else 1, 16, 7, mac(0x99),
                                      0xdeadbeef)
    return pdu + bytes([0, 0]) + bytes(90)


def frame(dst, src, etype, payload):
    return dst + src + struct.pack('!H', etype) + payload


# --- lacp: parameter byte, then records CTL LEN PDU (fuzz_lacp.c)
ACTOR = bytes([0x02, 0x00, 0x5e, 0x00, 0x53, 0x01])


def rec(port, pdu, steps=0):
    return bytes([steps << 4 | port, len(pdu)]) + pdu


# A partner that answers on all four ports, then goes quiet (expiry, default).
conv = bytes([0x03])  # active, fast
for p in range(4):
    conv += rec(p, lacpdu(p + 1, 0x07), 1)
for p in range(4):
    conv += rec(p, lacpdu(p + 1, 0x3f, p + 1, 0x3f, ACTOR), 2)
conv += bytes([0xf4 | 8]) * 40  # 40 x 1.5 s, link up (no change)
put('lacp', 'converge-then-silent', conv)
put('lacp', 'passive-slow', bytes([0x00]) + rec(0, lacpdu(1, 0x05), 3) + rec(0, lacpdu(1, 0x3d, 1, 0x3c, ACTOR), 3))
put('lacp', 'marker-info', bytes([0x01]) + rec(1, marker()))
put('lacp', 'marker-response', bytes([0x01]) + rec(1, marker(True)))
put('lacp', 'link-flap', bytes([0x13]) + rec(0, lacpdu(1, 0x3f, 1, 0x3f, ACTOR), 1) +
    bytes([0x14, 0x1c, 0x24, 0x2c]) + rec(0, lacpdu(1, 0x3f, 1, 0x3f, ACTOR), 1))
put('lacp', 'damaged', bytes([0x01]) + rec(0, lacpdu(1, 0x3f)[:60]) +
    rec(1, lacpdu(1, 0x3f, version=0)) + rec(2, bytes([10, 1]) + bytes(108)) +
    rec(3, lacpdu(1, 0x3f)[:2] + b'\x01\x13' + lacpdu(1, 0x3f)[4:]))
put('lacp', 'two-partners', bytes([0x03]) + rec(0, lacpdu(1, 0x3f, 1, 0x3f, ACTOR), 1) +
    rec(1, lacpdu(2, 0x3f, 2, 0x3f, ACTOR)[:4] + b'\x80\x00' + mac(0x77) + lacpdu(2, 0x3f)[12:], 1))

# --- frame: one Ethernet frame
BC = b'\xff' * 6
VM, HOST = mac(0x10), mac(0x20)
put('frame', 'lacpdu', frame(SLOW_DST, mac(0x99), 0x8809, lacpdu(1, 0x3f)))
put('frame', 'marker', frame(SLOW_DST, mac(0x99), 0x8809, marker()))
put('frame', 'slow-subtype-10', frame(SLOW_DST, mac(0x99), 0x8809, bytes([10, 1]) + bytes(108)))


def arp(op, sha, sip, tha, tip):
    return struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, op, sha, bytes(sip), tha, bytes(tip))


put('frame', 'arp-request', frame(BC, VM, 0x0806, arp(1, VM, [192, 0, 2, 11], bytes(6), [192, 0, 2, 1]) + bytes(18)))
put('frame', 'arp-reply', frame(HOST, VM, 0x0806, arp(2, VM, [192, 0, 2, 11], HOST, [192, 0, 2, 1]) + bytes(18)))
put('frame', 'garp-tagged', frame(BC, VM, 0x8100, struct.pack('!HH', 5, 0x0806) +
                                  arp(1, VM, [198, 51, 100, 7], bytes(6), [198, 51, 100, 7]) + bytes(14)))


def ip6(src, dst, nh, payload, hops=255):
    return struct.pack('!IHBB16s16s', 0x60000000, len(payload), nh, hops, src, dst) + payload


A6 = bytes.fromhex('20010db8000000000000000000000011')
B6 = bytes.fromhex('20010db8000000000000000000000001')
SOL = bytes.fromhex('ff0200000000000000000001ff000001')
ALLN = bytes.fromhex('ff020000000000000000000000000001')
ns = struct.pack('!BBHI16s', 135, 0, 0, 0, B6) + bytes([1, 1]) + VM
na = struct.pack('!BBHI16s', 136, 0, 0, 0x20000000, A6) + bytes([2, 1]) + VM
put('frame', 'nd-solicit', frame(bytes.fromhex('3333ff000001'), VM, 0x86dd, ip6(A6, SOL, 58, ns)))
put('frame', 'nd-advert', frame(bytes.fromhex('333300000001'), VM, 0x86dd, ip6(A6, ALLN, 58, na)))


def ip4(src, dst, proto, payload, frag=0, ihl=5):
    opts = bytes((ihl - 5) * 4)
    return struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, 20 + len(opts) + len(payload), 1, frag, 64,
                       proto, 0, bytes(src), bytes(dst)) + opts + payload


S4, D4 = [192, 0, 2, 11], [203, 0, 113, 5]
udp = struct.pack('!HHHH', 40000, 53, 16, 0) + bytes(8)
tcp = struct.pack('!HHIIHHHH', 40001, 443, 1, 0, 0x5002, 1024, 0, 0)
put('frame', 'ipv4-udp', frame(HOST, VM, 0x0800, ip4(S4, D4, 17, udp)))
put('frame', 'ipv4-tcp-options', frame(HOST, VM, 0x0800, ip4(S4, D4, 6, tcp, ihl=8)))
put('frame', 'ipv4-fragment', frame(HOST, VM, 0x0800, ip4(S4, D4, 17, udp, frag=0x2000 | 185)))
put('frame', 'ipv4-icmp-echo', frame(HOST, VM, 0x0800, ip4(S4, D4, 1, struct.pack('!BBHHH', 8, 0, 0, 77, 1) + bytes(16))))
put('frame', 'ipv6-udp', frame(HOST, VM, 0x86dd, ip6(A6, B6, 17, udp, 64)))
put('frame', 'qinq-ipv4', frame(HOST, VM, 0x88a8, struct.pack('!HHHH', 100, 0x8100, 5, 0x0800) + ip4(S4, D4, 17, udp)))
inner = frame(mac(0x30), mac(0x31), 0x0800, ip4([198, 51, 100, 1], [198, 51, 100, 2], 6, tcp))
put('frame', 'gre-teb', frame(HOST, VM, 0x0800, ip4(S4, D4, 47, struct.pack('!HH', 0x2000, 0x6558) + bytes(4) + inner)))
put('frame', 'ipip', frame(HOST, VM, 0x0800, ip4(S4, D4, 4, ip4([198, 51, 100, 1], [198, 51, 100, 2], 17, udp))))
put('frame', 'jumbo-udp', frame(HOST, VM, 0x0800, ip4(S4, D4, 17, struct.pack('!HHHH', 1, 2, 1408, 0) + bytes(1400))))
put('frame', 'runt', HOST + VM[:3])

# --- cli: console lines (doc/console.md), as a control-socket client sends them
put('cli', 'show', 'show bonding bond0\nshow lacp bond0\nshow bridge vmbr0\nshow port stats all\n'
    'show port stats eth0\nshow port stats 3\nshow drops\nshow workers json\nshow ctl\n')
put('cli', 'json', 'show bonding bond0 json\nshow lacp bond1 json\nshow bridge vmbr0 json\n'
    'show port stats all json\nshow drops json\nshow ctl json\n')
put('cli', 'set', 'set bonding primary eth1 bond1\nset bonding mode 802.3ad bond0\n'
    'set bonding mode 4 bond0\nset link-down port eth0\nset link-up port 1\nclear port stats all\n')
put('cli', 'vm-ports', 'add bridge port vmbr0 vhost vm101\nadd bridge port vmbr0 vhost vm102:tag=5\n'
    'add bridge port vmbr0 vhost vm103:trunks=2-4,10\nremove bridge port vmbr0 vm101\n')
put('cli', 'misc', 'start\nstop\nsleep 100\necho mark\nhelp\nquit\n  \t# comment\r\n')
put('cli', 'bad', 'show\nshow bonding\nset bonding mode\nsleep 99999999999\nshow port stats -1\n'
    'frobnicate\nshow bonding bond0 json extra\n')
