#!/usr/bin/env python3
"""Fault storm driver for test/integration/storm.sh (run inside its namespace).

Flaps bond members thousands of times at random intervals while frames flow,
half through dpbond's console (`set link-down|link-up port`), half from the
kernel side of the member's TAP (IFF_UP, as `ip link set dpaN down`), which
dpbond's link monitor reads from the device. bond0 (eth0-eth2) goes through
every mode dpbond can switch to at run time; bond1 (eth3, eth4) is 802.3ad
against a second dpbond. VM ports are added to and removed from vmbr0, some
with a testpmd virtio_user VM attached. Checked, and the first failure ends
the run with exit 1:
  - after EVERY flap that takes a member down and leaves another up, in
    every mode and in both bonds: the bond reports the member down and
    traffic is on its surviving members (a survivor sent frames between
    two console polls that both saw the member out, and the member was
    given none) within one monitor interval plus ALLOW_MS, timed from the
    moment before the flap (check_failover); for bond1, when no survivor
    was collecting and distributing at the flap (LACP must form the
    aggregator again), within LACP_BOUND_MS of that survivor's link-up;
  - after one flap in 40 (chosen by the seeded RNG), once miimon +
    MARGIN_MS have passed: each member's MII status is its link's; a member
    whose link is down sends nothing; the bond sends on its surviving
    members as its mode says;
  - at the end of each mode's phase, with forwarding stopped: per port,
    received = forwarded + dropped under a named reason, and what vmbr0's and
    vmbr1's ports forwarded is what left their other ports (sent or dropped
    there), less what LACP sent itself; each phase's counters span a reload
    that changes bond0's miimon and the mode change, both under traffic;
  - at the start of each mode's phase, `reload` of the unchanged file
    (with the console's VM ports in vmbr0) changes nothing; then, with
    frames flowing, a `reload` of the file with bond0's miimon changed
    (20 ms and 10 ms in turn) rebuilds bond0 alone, and `set bonding mode`
    puts bond0 in the phase's mode: its members carry traffic as the mode
    says within one monitor interval plus ALLOW_MS;
  - at the end: every link up again, bond1's ports collecting and
    distributing on both sides, traffic on every member.
Arguments: T (the test's folder: cmd, out, peer.cmd, peer.out), seed, flaps.
"""
import fcntl
import json
import os
import random
import socket
import struct
import subprocess
import sys
import multiprocessing
import time

T, SEED, FLAPS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
TESTPMD = os.environ.get("STORM_TESTPMD", "")
RUN_DIR = os.path.join(T, "run")
MIIMON_MS = 20      # bond1's, and bond0's in the file storm.sh writes
MIIMON_ALT_MS = 10  # bond0's in the changed file every other phase reloads
MARGIN_MS = 30
# Traffic on the survivors within one monitor interval of a flap, timed from
# the flap's completion: a console poll sent more than the bound after it
# that still shows the bond sending on a member whose link is down (or on none
# that is up) fails the run (Failover). ALLOW_MS is dpbond's control loop
# tick, on which the monitor runs, and one more for the snapshot it publishes
# to reach the datapath. A poll's own latency (1.5-3 ms mostly, up to 35 ms
# seen when the scheduler runs the two busy-polling dpbonds first on the two
# cores) is not counted against dpbond: its counters were read at some time
# between its sending and its answer. The figures printed are from the answer,
# so they are upper bounds. SCHED_MS: on these 2-core machines the two
# busy-polling dpbonds, the VMs and the test share the cores, and dpbond's
# monitor was seen to run 28 ms after the one before at miimon 20: its
# control loop descheduled for 8 ms. A run fails beyond that.
SCHED_MS = 10
ALLOW_MS = 2 + SCHED_MS
# From that poll on, the member whose link is down must be handed nothing
# and one that is up must send: within TRAFFIC_MS, the source's 2 ms between
# bursts and two more polls.
TRAFFIC_MS = 30
# When no survivor of bond1 was collecting and distributing at the flap,
# LACP must (re)form its aggregator first (lib/lacp, as Linux): the link
# seen (one miimon), the mux's wait_while (Aggregate_Wait_Time, 2 s, from
# when the port is selected), then one LACPDU each way carrying Sync, which
# the transmit machine may hold back to its limit of 3 LACPDUs a
# Fast_Periodic_Time (1 s) after churn. Timed from the flap.
LACP_BOUND_MS = MIIMON_MS + 2000 + 1000 + ALLOW_MS
MODES = ["balance-rr", "active-backup", "balance-xor", "broadcast", "balance-tlb", "balance-alb"]
BOND0 = ["eth0", "eth1", "eth2"]
BOND1 = ["eth3", "eth4"]
TAP = {"eth%d" % i: "dpa%d" % i for i in range(5)}
D0 = bytes.fromhex("020000000d00")   # learned on bond0 (from its members' far side)
D1 = bytes.fromhex("020000000d01")   # learned on bond1 (from the partner's bridge)
N_SRC = 64
rng = random.Random(SEED)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


class Console:
    """A dpbond console: commands into its fifo, answers read from its stdout file."""

    def __init__(self, fifo, out):
        self.w = open(fifo, "w")
        self.out = out
        self.pos = os.path.getsize(out)
        self.n = 0
        self.unsynced = False

    def send(self, *cmds):
        self.w.write("".join(c + "\n" for c in cmds))
        self.w.flush()
        self.unsynced = True

    def run(self, *cmds, timeout=15.0):
        """Runs @cmds and waits for them; returns [(command, answer text)]."""
        self.n += 1
        mark = "storm-%d-%d" % (os.getpid(), self.n)
        self.send(*cmds, "echo " + mark)
        end = time.monotonic() + timeout
        with open(self.out) as f:
            while True:
                f.seek(self.pos)
                buf = f.read()
                k = buf.find("\n" + mark + "\n")
                if k >= 0:
                    break
                if time.monotonic() > end:
                    fail("console did not answer %s; its last output:\n%s" % (cmds, buf[-2000:]))
                time.sleep(0.001)
        self.pos += k + len(mark) + 2
        self.unsynced = False
        answers = []
        for block in buf[:k + 1].split("dpbond> ")[1:]:
            cmd, _, text = block.partition("\n")
            answers.append((cmd, text))
        return answers

    def answer(self, cmd):
        """Runs @cmd; returns its answer (earlier commands sent without waiting answered too)."""
        return [a for c, a in self.run(cmd) if c == cmd][-1]

    def sync(self):
        if self.unsynced:
            self.run()

    def json(self, *cmds):
        """Runs @cmds (each a `... json` command); returns their documents in order."""
        docs = []
        for cmd, text in self.run(*cmds):
            if cmd.endswith(" json"):
                try:
                    docs.append(json.loads(text))
                except ValueError as e:
                    fail("%s: not JSON (%s):\n%s" % (cmd, e, text))
        return docs


def set_kernel_link(dev, up):
    """IFF_UP of a TAP from the kernel side, as `ip link set DEV up|down`."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        ifr = struct.pack("16sH", dev.encode(), 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s, 0x8913, ifr)[:18])[1]   # SIOCGIFFLAGS
        flags = flags | 1 if up else flags & ~1
        fcntl.ioctl(s, 0x8914, struct.pack("16sH", dev.encode(), flags))      # SIOCSIFFLAGS
    finally:
        s.close()


def raw(dev):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    return s


def frame(dst, src, tag):
    return (dst + src + b"\x88\xb5" + b"dpbond-storm " + tag).ljust(60, b"\0")


SRC0 = [bytes([2, 0x5e, 0, 0, 0, i]) for i in range(N_SRC)]
SRC1 = [bytes([2, 0x5e, 0, 0, 1, i]) for i in range(N_SRC)]


class Traffic:
    """Frames into tst0 (to D0) and tst1 (to D1) from N_SRC sources each, about
    RATE a second each, from a process of its own (a thread would hold this
    script's lock while it sends, and delay the console polls)."""
    RATE = 3000

    def __init__(self):
        self.done = multiprocessing.Event()
        self.proc = multiprocessing.Process(target=self.run, daemon=True)

    def start(self):
        self.proc.start()

    def stop(self):
        self.done.set()
        self.proc.join()

    def run(self):
        s0, s1 = raw("dpt0"), raw("dpt1")
        f0 = [frame(D0, s, b"t0") for s in SRC0]
        f1 = [frame(D1, s, b"t1") for s in SRC1]
        sent = 0
        t0 = time.monotonic()
        while not self.done.is_set():
            for k in range(6):
                i = (sent + k) % N_SRC
                for s, f in ((s0, f0[i]), (s1, f1[i])):
                    try:
                        s.send(f)
                    except OSError:
                        pass   # the TAP's queue full while dpbond is stopped
            sent += 6
            ahead = sent / self.RATE - (time.monotonic() - t0)
            if ahead > 0:
                time.sleep(ahead)


dut = Console(os.path.join(T, "cmd"), os.path.join(T, "out"))
peer = Console(os.path.join(T, "peer.cmd"), os.path.join(T, "peer.out"))

# ---------------------------------------------------------------- the model
cable_in = {m: True for m in BOND0 + BOND1}   # console: set link-up/down
kernel_up = {m: True for m in BOND0 + BOND1}  # the TAP's IFF_UP


def link_up(m):
    return cable_in[m] and kernel_up[m]


def flap(m, up, via_console):
    if via_console:
        dut.send("set link-%s port %s" % ("up" if up else "down", m))
        # the device's own link control: the TAP's IFF_UP follows
        cable_in[m] = up
        kernel_up[m] = up
    else:
        dut.sync()   # a console command for this member must have run first
        set_kernel_link(TAP[m], up)
        kernel_up[m] = up


# ---------------------------------------------------------------- counters
def drops_rx_tx(port):
    rx = tx = 0
    for reason, n in port["drops"].items():
        if reason.startswith("tx-") or reason == "no-mbuf":
            tx += n
        else:
            rx += n
    return rx, tx


def lacp_totals(doc):
    t = {"lacpdu_tx": 0, "marker_tx": 0, "lacpdu_rx": 0, "marker_rx": 0}
    for p in doc["ports"]:
        for k in t:
            t[k] += p[k]
    return t


def quiet_snapshot():
    """With forwarding stopped: port counters and LACP's, read so that no
    LACPDU fell between them (LACP's counters equal before and after; the
    sleeps let the datapath send what LACP queued before)."""
    for _ in range(20):
        a, ports, b = dut.json("sleep 3", "show lacp bond1 json", "sleep 3",
                               "show port stats all json", "sleep 3", "show lacp bond1 json")
        if lacp_totals(a) == lacp_totals(b):
            return {p["name"]: p for p in ports}, lacp_totals(b)
    fail("LACP's counters never stood still for a snapshot")


def check_accounts(ports, lacp, lacp0, what, copies):
    """Per port, received = forwarded + dropped; what a bridge's ports
    forwarded left its other ports (sent, or dropped there): once, or when
    bond0 was in broadcast mode (@copies) once per member that transmits."""
    def side(names, bond=None):
        rx = tx = 0
        for n in names:
            p = ports[n]
            drx, dtx = drops_rx_tx(p)
            if p["rx_packets"] < drx:
                fail("%s: %s dropped %d received frames of %d" % (what, n, drx, p["rx_packets"]))
            rx += p["rx_packets"] - drx
            tx += p["tx_packets"] + dtx
        if bond is not None:
            # a bond's counters are its members' sums, and its own drops (tx-no-slave)
            b = ports[bond]
            if b["tx_packets"] + drops_rx_tx(b)[1] < tx:
                fail("%s: %s counts less than its members" % (what, bond))
            tx = b["tx_packets"] + drops_rx_tx(b)[1]
        return rx, tx

    vms = [n for n, p in ports.items() if p.get("master") == "vmbr0" and n != "tst0"
           and p["kind"] == "port"]
    d = {k: lacp[k] - lacp0[k] for k in lacp}
    # vmbr0: tst0's frames (to D0) leave through bond0; the members' and VMs' through tst0.
    fwd, out = side(["tst0"])[0], side(BOND0, "bond0")[1]
    if copies:
        # a copy per transmitting member: between one and three per frame, none lost
        each = [side([m])[1] for m in BOND0]
        if not (fwd <= out <= len(BOND0) * fwd and max(each) <= fwd):
            fail("%s: tst0 forwarded %d frames, bond0's members sent or dropped %s copies"
                 % (what, fwd, each))
    elif fwd != out:
        fail("%s: tst0 forwarded %d frames (received - dropped), bond0 sent or dropped %d\n%s"
             % (what, fwd, out, json.dumps([ports[n] for n in ["tst0", "bond0"] + BOND0])))
    fwd, out = side(BOND0 + vms)[0], side(["tst0"] + vms)[1]
    if fwd != out:
        fail("%s: bond0's members and VM ports forwarded %d, tst0 and the VMs sent or dropped %d"
             % (what, fwd, out))
    # vmbr1: the same, less LACP's own frames.
    fwd, out = side(["tst1"])[0], side(BOND1, "bond1")[1] - d["lacpdu_tx"] - d["marker_tx"]
    if fwd != out:
        fail("%s: tst1 forwarded %d frames, bond1 sent or dropped %d besides LACP's %d\n%s"
             % (what, fwd, out, d["lacpdu_tx"] + d["marker_tx"],
                json.dumps([ports[n] for n in ["tst1", "bond1"] + BOND1])))
    fwd, out = side(BOND1)[0] - d["lacpdu_rx"] - d["marker_rx"], side(["tst1"])[1]
    if fwd != out:
        fail("%s: bond1's members forwarded %d frames besides LACP's, tst1 sent or dropped %d"
             % (what, fwd, out))
    return sum(ports[n]["rx_packets"] for n in ["tst0", "tst1"])


def tx_of(ports):
    return {p["name"]: p["tx_packets"] for p in ports}


def sample(mode):
    """After miimon + MARGIN_MS: MII status as the links are, and frames on the right members."""
    dut.sync()
    time.sleep((MIIMON_MS + MARGIN_MS) / 1000)
    b0, b1, p1 = dut.json("show bonding bond0 json", "show bonding bond1 json",
                          "show port stats all json")
    time.sleep(0.04)
    b0b, p2 = dut.json("show bonding bond0 json", "show port stats all json")
    t1, t2 = tx_of(p1), tx_of(p2)
    delta = {m: t2[m] - t1[m] for m in BOND0 + BOND1}
    where = "mode %s, links %s, frames sent in 40 ms %s" % (
        mode, {m: link_up(m) for m in BOND0 + BOND1}, delta)
    for bond in (b0, b1):
        for s in bond["slaves"]:
            want = "up" if link_up(s["name"]) else "down"
            if s["mii_status"] != want:
                fail("%s: %s MII status %s, its link is %s; %s" % (bond["name"], s["name"],
                                                                    s["mii_status"], want, where))
        want = "up" if any(link_up(s["name"]) for s in bond["slaves"]) else "down"
        if bond["name"] == "bond0" and bond["mii_status"] != want:
            fail("bond0: MII status %s with its members' links; %s" % (bond["mii_status"], where))
    for m in BOND0 + BOND1:
        if not link_up(m) and delta[m]:
            fail("%s sent %d frames with its link down; %s" % (m, delta[m], where))
    up = [m for m in BOND0 if link_up(m)]
    if not up:
        return
    if mode in ("balance-rr", "broadcast", "balance-xor"):
        for m in up:
            if delta[m] == 0:
                fail("%s: %s (up) sent nothing; %s" % (mode, m, where))
    elif mode == "active-backup":
        act = b0["active_slave"]
        if act not in up or b0b["active_slave"] != act:
            fail("active-backup: active slave %s, %s; %s" % (act, b0b["active_slave"], where))
        for m in up:
            if (delta[m] > 0) != (m == act):
                fail("active-backup: %s sent %d, the active one is %s; %s" % (m, delta[m], act, where))
    elif sum(delta[m] for m in up) == 0:
        fail("%s: no surviving member sent anything; %s" % (mode, where))


# ---------------------------------------------------------------- failover
miimon = {"bond0": MIIMON_MS, "bond1": MIIMON_MS}   # as the loaded file says
bond0_mode = ["balance-rr"]
times = {"bond0": [], "bond1": [], "lacp": [], "mode": [], "reload": []}   # ms to traffic on survivors


def members(bond):
    return BOND0 if bond == "bond0" else BOND1


def look(bond):
    """One console poll of @bond: its members' MII status, its active slave,
    for bond1 whether each member collects and distributes on the active
    aggregator, and per member the frames handed to it (sent, or dropped at
    transmit) and the data frames it sent (less LACP's own); with the time
    the answer came."""
    cmds = ["show bonding %s json" % bond, "show port stats all json"]
    if bond == "bond1":
        cmds.append("show lacp bond1 json")
    docs = dut.json(*cmds)
    t = time.monotonic()
    ports = {p["name"]: p for p in docs[1]}
    lacp = {p["name"]: p for p in docs[2]["ports"]} if bond == "bond1" else {}
    agg = docs[2]["active_aggregator"] if bond == "bond1" else None
    v = {"t": t, "in": ports["tst0" if bond == "bond0" else "tst1"]["rx_packets"],
         "mii": {x["name"]: x["mii_status"] for x in docs[0]["slaves"]},
         "active": docs[0]["active_slave"], "given": {}, "data": {}, "cd": {}, "lacp": lacp}
    for m in members(bond):
        p = ports[m]
        own = lacp[m]["lacpdu_tx"] + lacp[m]["marker_tx"] if m in lacp else 0
        v["given"][m] = p["tx_packets"] + drops_rx_tx(p)[1] - own
        v["data"][m] = p["tx_packets"] - own
        v["cd"][m] = (m in lacp and lacp[m]["mux_state"] == "COLLECTING_DISTRIBUTING"
                      and lacp[m]["aggregator_id"] == agg)
    return v


def taken_out(bond, v):
    """Whether poll @v shows @bond with its traffic on the members whose links
    are up: each member whose link is down out (MII down), and a member up
    that the mode sends on (MII up; the active slave in active-backup; in
    802.3ad collecting and distributing on the active aggregator)."""
    up = [m for m in members(bond) if link_up(m)]
    if any(v["mii"][m] != "down" for m in members(bond) if m not in up):
        return False
    if bond == "bond1":
        return any(v["cd"][m] and v["mii"][m] == "up" for m in up)
    if bond0_mode[0] == "active-backup":
        return v["active"] in up and v["mii"][v["active"]] == "up"
    return any(v["mii"][m] == "up" for m in up)


def carrying(bond, a, b):
    """Whether, from poll @a to poll @b, both taken_out(), the members whose
    links are down were handed nothing, and one that is up (and collects and
    distributes, in 802.3ad) sent data frames."""
    up = [m for m in members(bond) if link_up(m)]
    if not taken_out(bond, b) or any(b["given"][m] != a["given"][m] for m in members(bond)
                                     if m not in up):
        return False
    senders = [m for m in up if a["cd"][m] and b["cd"][m]] if bond == "bond1" else up
    return any(b["data"][m] > a["data"][m] for m in senders)


class Failover:
    """After a flap of @bond at @t0 (seconds, before the flap): a console poll
    shows its traffic on the members that are up (taken_out()) within
    @bound_ms, and from that poll on, within TRAFFIC_MS, a member that is up
    sent frames and none whose link is down was handed any (carrying()).
    step() polls once and returns the first time, once both are shown."""

    def __init__(self, bond, t0, bound_ms, what):
        self.bond, self.t0, self.bound_ms, self.what = bond, t0, bound_ms, what
        self.out = None
        self.seen = []

    def step(self):
        sent = (time.monotonic() - self.t0) * 1000
        v = look(self.bond)
        self.seen.append("%.1f-%.1f ms: in %d, MII %s, active %s, handed %s, data %s%s" % (
            sent, (v["t"] - self.t0) * 1000, v["in"], v["mii"], v["active"], v["given"],
            v["data"], ", collecting and distributing %s" % v["cd"] if self.bond == "bond1" else ""))
        ms = (v["t"] - self.t0) * 1000
        # A poll's counters were read between its sending and its answer:
        # a failure is a poll sent after the bound that still shows it.
        if self.out is None:
            if not taken_out(self.bond, v):
                if sent > self.bound_ms:
                    break_bound(self, ms, v, "the bond still sends on a member whose link is"
                                " down, or on none that is up")
                return None
            self.out = v
            return None
        if carrying(self.bond, self.out, v):
            return (self.out["t"] - self.t0) * 1000
        if sent - (self.out["t"] - self.t0) * 1000 > TRAFFIC_MS:
            break_bound(self, ms, v, "no frames on the members that are up, or frames handed to"
                        " one that is down, %d ms after" % TRAFFIC_MS)
        return None

    def wait(self):
        while True:
            ms = self.step()
            if ms is not None:
                return ms


def break_bound(f, ms, v, why):
    fail("%s: %s, %s: %s (%.1f ms after the flap, bound %d ms);"
         " links %s; the polls since the flap:\n  %s\nLACP at the last: %s"
         % (f.bond, bond0_mode[0] if f.bond == "bond0" else "802.3ad", f.what, why, ms,
            f.bound_ms,
            {m: link_up(m) for m in members(f.bond)}, "\n  ".join(f.seen[-40:]),
            json.dumps(v["lacp"])))


def teach():
    """D0 from bond0's far side, D1 from behind the partner: known on the bonds."""
    for m in BOND0:
        try:
            raw(TAP[m]).send(frame(SRC0[0], D0, b"teach"))
        except OSError:
            pass
    raw("dpq0").send(frame(SRC1[0], D1, b"teach"))


def fdb_port(bridge, mac):
    (doc,) = dut.json("show bridge %s json" % bridge)
    mac = ":".join("%02x" % b for b in mac)
    for e in doc["fdb"]:
        if e["mac"] == mac:
            return e["port"]
    return None


# ---------------------------------------------------------------- VM ports
vm_ports = []      # on vmbr0
vm_proc = {}       # name -> testpmd
vm_seq = 0
vm_connects = 0
vm_wait = []      # VMs told to go, waited for at the end


def vm_churn():
    """Removes a VM port (its VM, if any, told to go) or adds one, names
    reused as Proxmox reuses tapNiM: dpbond keeps an interface slot per name
    it has seen, so new names without end would run out of slots."""
    global vm_seq, vm_connects
    if vm_ports and (rng.random() < 0.4 or len(vm_ports) >= 4):
        name = rng.choice(vm_ports)
        vm_ports.remove(name)
        ans = dut.answer("remove bridge port vmbr0 %s" % name)
        if "removed" not in ans:
            fail("remove bridge port vmbr0 %s: %s" % (name, ans))
        p = vm_proc.pop(name, None)
        if p:
            p.send_signal(2)
            vm_wait.append(p)
        return
    vm_seq += 1
    name = rng.choice(["vm%d" % k for k in range(1, 9) if "vm%d" % k not in vm_ports])
    vm_ports.append(name)
    ans = dut.answer("add bridge port vmbr0 vhost %s" % name)
    if "added" not in ans:
        fail("add bridge port vmbr0 vhost %s: %s" % (name, ans))
    if TESTPMD and rng.random() < 0.5 and len(vm_proc) < 1:
        vm_connects += 1
        vm_proc[name] = subprocess.Popen(
            [TESTPMD, "--lcores", "0@(0,1)", "--no-huge", "-m", "256", "--no-pci",
             "--file-prefix", "dpbt-svm%d-%d" % (vm_seq, os.getppid()),
             "--log-level=lib.eal:warning",
             "--vdev", "net_virtio_user0,path=%s/%s.sock,queues=1" % (RUN_DIR, name),
             "--", "--forward-mode=rxonly", "--total-num-mbufs", "2048", "--stats-period", "1"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def slow_vm():
    """A VM that stops draining its port (SIGSTOP) under a flood from tst0:
    what its full queue refuses is counted tx-full, bond0 still gets every
    frame, and the VM's port works again once it drains."""
    dut.run("add bridge port vmbr0 vhost vmslow")
    vm = subprocess.Popen(
        [TESTPMD, "--lcores", "0@(0,1)", "--no-huge", "-m", "256", "--no-pci",
         "--file-prefix", "dpbt-slow-%d" % os.getppid(), "--log-level=lib.eal:warning",
         "--vdev", "net_virtio_user0,path=%s/vmslow.sock,queues=1" % RUN_DIR,
         "--", "--forward-mode=rxonly", "--total-num-mbufs", "2048", "--stats-period", "1"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            (b,) = dut.json("show bridge vmbr0 json")
            if any(p["name"] == "vmslow" and p["state"] == "up" for p in b["ports"]):
                break
            time.sleep(0.1)
        else:
            fail("vmslow: the VM never brought its port up")
        time.sleep(0.5)
        vm.send_signal(19)   # SIGSTOP: its rx ring fills
        dut.run("stop", "sleep 3", "clear port stats all", "sleep 3", "start")
        s = raw("dpt0")
        n = 3000
        for i in range(n):
            s.send(frame(b"\xff" * 6, SRC0[i % N_SRC], b"flood"))
            if i % 100 == 99:
                time.sleep(0.002)
        time.sleep(0.3)
        dut.run("stop")
        ports, _ = quiet_snapshot()
        vp, tp = ports["vmslow"], ports["tst0"]
        full = vp["drops"]["tx-full"]
        fwd = tp["rx_packets"] - drops_rx_tx(tp)[0]
        to_vm = vp["tx_packets"] + drops_rx_tx(vp)[1]
        to_bond = ports["bond0"]["tx_packets"] + drops_rx_tx(ports["bond0"])[1]
        if fwd != n or to_vm != n or to_bond != n or full == 0:
            fail("slow VM: tst0 forwarded %d of %d broadcasts; the VM port sent %d and dropped %s;"
                 " bond0 sent or dropped %d" % (fwd, n, vp["tx_packets"], vp["drops"], to_bond))
        vm.send_signal(18)   # SIGCONT
        dut.run("start")
        print("storm: a VM that stopped draining: %d of %d broadcasts taken, %d counted tx-full,"
              " bond0 got all %d" % (vp["tx_packets"], n, full, n), flush=True)
    finally:
        vm.send_signal(18)
        vm.send_signal(2)
        try:
            vm.wait(10)
        except subprocess.TimeoutExpired:
            vm.kill()
    dut.run("remove bridge port vmbr0 vmslow")


# ---------------------------------------------------------------- the storm
CONFIG = os.path.join(T, "interfaces")
with open(CONFIG) as f:
    FILE = f.read()


def bond0_file(ms):
    """storm.sh's file with bond0's miimon @ms (bond1's stays)."""
    head, sep, tail = FILE.partition("iface bond1 ")
    return head.replace("bond-miimon %d" % MIIMON_MS, "bond-miimon %d" % ms) + sep + tail


def phase_start(k, mode):
    """Counters cleared with forwarding stopped (LACP's read on both sides of
    the clear, to know what it sent); then, with frames flowing again, a
    reload that changes bond0's miimon (bond0 built again in the file's
    balance-rr) and the switch to @mode: after each, bond0's members that are
    up carry its traffic within one monitor interval. Returns LACP's counters
    at the clear."""
    # A reload of the same file under traffic: the console's VM ports and
    # mode stay, nothing is built again.
    ans = dut.answer("reload")
    if "nothing changed" not in ans:
        fail("reload of the unchanged file: %s" % ans)
    while True:
        dut.run("stop", "sleep 3")
        a, = dut.json("show lacp bond1 json")
        dut.run("sleep 3", "clear port stats all", "sleep 3")
        b, = dut.json("show lacp bond1 json")
        if lacp_totals(a) == lacp_totals(b):
            break
    dut.run("start")
    ms = MIIMON_ALT_MS if k % 2 == 0 else MIIMON_MS
    with open(CONFIG, "w") as f:
        f.write(bond0_file(ms))
    t0 = time.monotonic()
    ans = dut.answer("reload")
    bond0_mode[0] = "balance-rr"
    miimon["bond0"] = ms
    if "built again: bond0" not in ans or "bond1" in ans:
        fail("reload of bond0's miimon changed to %d ms: %s" % (ms, ans))
    (b0,) = dut.json("show bonding bond0 json")
    if b0["miimon_ms"] != ms or b0["mode"] != "balance-rr":
        fail("after the reload bond0 has miimon %s ms, mode %s; the file says %d, balance-rr"
             % (b0["miimon_ms"], b0["mode"], ms))
    if any(link_up(m) for m in BOND0):
        times["reload"].append(Failover("bond0", t0, ms + ALLOW_MS, "reload").wait())
    t0 = time.monotonic()
    ans = dut.answer("set bonding mode %s bond0" % mode)
    bond0_mode[0] = mode
    if ans != "bond0: mode %s\n" % mode:
        fail("set bonding mode %s bond0: %s" % (mode, ans))
    if any(link_up(m) for m in BOND0):
        times["mode"].append(Failover("bond0", t0, ms + ALLOW_MS, "set bonding mode").wait())
    return lacp_totals(b)


def phase_end(mode, lacp0, copies):
    dut.run("stop")
    ports, lacp = quiet_snapshot()
    return check_accounts(ports, lacp, lacp0, "mode %s" % mode, copies)


def main():
    print("storm: seed %d (DPBOND_STORM_SEED=%d replays it), %d flaps" % (SEED, SEED, FLAPS),
          flush=True)
    traffic = Traffic()
    traffic.start()
    # bond1 aggregates with the partner; D0 and D1 learned where they belong.
    for _ in range(100):
        (l,) = dut.json("show lacp bond1 json")
        if all(p["mux_state"] == "COLLECTING_DISTRIBUTING" for p in l["ports"]):
            break
        time.sleep(0.1)
    else:
        fail("bond1 never aggregated with its partner: %s" % l)
    for _ in range(50):
        teach()
        time.sleep(0.05)
        if fdb_port("vmbr0", D0) == "bond0" and fdb_port("vmbr1", D1) == "bond1":
            break
    else:
        fail("the far MACs were not learned on the bonds")
    t_start = time.monotonic()
    per_phase = FLAPS // len(MODES)
    n_flaps = n_samples = n_console = 0
    received = 0
    per_mode = {}
    pending = None   # bond1's survivors waiting for LACP: no flap of bond1 meanwhile
    for k, mode in enumerate(MODES):
        lacp0 = phase_start(k, mode)
        n = per_phase if k < len(MODES) - 1 else FLAPS - per_phase * (len(MODES) - 1)
        t_mode = time.monotonic()
        for i in range(n):
            if pending:
                ms = pending.step()
                if ms is not None:
                    times["lacp"].append(ms)
                    pending = None
            m = rng.choice(BOND0 + ([] if pending else BOND1))
            bond = "bond0" if m in BOND0 else "bond1"
            via_console = rng.random() < 0.5
            n_console += via_console
            up = not link_up(m)
            before = look("bond1") if bond == "bond1" else None
            dut.sync()
            # Timed from the flap's completion: the console's answer to
            # `set link-...` (dpbond may take a while to read the command: up
            # to 35 ms seen) or the ioctl's return (SIOCSIFFLAGS may first wait
            # for the kernel's rtnl lock: 3.8 s seen on a shared machine); the
            # link changed within either, and the answer or return comes a
            # console round trip or the notifiers' run after it at most.
            flap(m, up, via_console)
            dut.sync()
            t0 = time.monotonic()
            n_flaps += 1
            what = "%s %s %s" % (m, "up" if up else "down", "at the console" if via_console
                                 else "from the kernel")
            survivors = [x for x in members(bond) if link_up(x)]
            if bond == "bond0" and survivors:
                times["bond0"].append(Failover(bond, t0, miimon[bond] + ALLOW_MS, what).wait())
            # (a member coming up was no survivor before: its "collecting
            # and distributing" then may be what LACP had not yet taken
            # back from its own last flap)
            elif survivors and any(before["cd"][x] for x in survivors if x != m):
                times["bond1"].append(Failover(bond, t0, miimon[bond] + ALLOW_MS, what).wait())
            elif survivors:
                pending = Failover(bond, t0, LACP_BOUND_MS, what + ", LACP to form")
            time.sleep(rng.uniform(0, 10) / 1000)
            if rng.random() < 1 / 40:
                sample(bond0_mode[0])
                n_samples += 1
            if rng.random() < 1 / 60:
                vm_churn()
        if pending:
            times["lacp"].append(pending.wait())
            pending = None
        received += phase_end(mode, lacp0, "broadcast" in (mode, MODES[k - 1] if k else ""))
        per_mode[mode] = (n, time.monotonic() - t_mode)
        print("storm: %-13s %5d flaps in %5.1f s; counters add up" % (mode, n, per_mode[mode][1]),
              flush=True)
    # Everything back: every link up, bond1 aggregated again on both sides.
    dut.run("start")
    for m in BOND0 + BOND1:
        if not kernel_up[m]:
            flap(m, True, False)
        if not cable_in[m]:
            flap(m, True, True)
    t_back = time.monotonic()
    for _ in range(100):
        (l,) = dut.json("show lacp bond1 json")
        (pl,) = peer.json("show lacp pbond json")
        if all(p["mux_state"] == "COLLECTING_DISTRIBUTING" for p in l["ports"] + pl["ports"]):
            break
        time.sleep(0.1)
    else:
        fail("after the storm bond1 does not collect and distribute on both ports on both sides:"
             " %s\n%s" % (l, pl))
    print("storm: bond1 collecting and distributing on both ports, both sides, %.1f s after the "
          "last flap" % (time.monotonic() - t_back), flush=True)
    sample(bond0_mode[0])
    dut.run("set bonding mode balance-rr bond0")
    bond0_mode[0] = "balance-rr"
    sample("balance-rr")
    for name in list(vm_ports):
        vm_ports.remove(name)
        ans = dut.answer("remove bridge port vmbr0 %s" % name)
        if "removed" not in ans:
            fail("remove bridge port vmbr0 %s: %s" % (name, ans))
    for p in list(vm_proc.values()) + vm_wait:
        p.send_signal(2)
    for p in list(vm_proc.values()) + vm_wait:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
    traffic.stop()
    dut.sync()
    if TESTPMD and os.environ.get("DPBOND_STORM_SLOW_VM"):
        slow_vm()   # not yet by default: the VM port was never seen up (doc/reliability.md)
    print("storm: %d flaps (%d through the console, %d from the kernel), %d sampled, %d VM ports"
          " added (%d with a VM), %d frames received from the sources, %.1f s"
          % (n_flaps, n_console, n_flaps - n_console, n_samples, vm_seq, vm_connects, received,
             time.monotonic() - t_start), flush=True)
    late = sum(1 for key in ("bond0", "bond1", "reload", "mode") for t in times[key]
               if t > (MIIMON_MS if key == "bond1" else MIIMON_MS) + ALLOW_MS)
    print("storm: %d of these first shown by a poll answered after the bound (sent before it)"
          % late, flush=True)
    for key, what, bound in (
            ("bond0", "bond0 flaps leaving a member up", "miimon (%d or %d ms) + %d ms"
             % (MIIMON_MS, MIIMON_ALT_MS, ALLOW_MS)),
            ("bond1", "bond1 flaps with a survivor collecting and distributing",
             "%d + %d ms" % (MIIMON_MS, ALLOW_MS)),
            ("lacp", "bond1 flaps where LACP had to form the aggregator", "%d ms" % LACP_BOUND_MS),
            ("reload", "reloads changing bond0's miimon, under traffic", "miimon + %d ms" % ALLOW_MS),
            ("mode", "mode changes under traffic", "miimon + %d ms" % ALLOW_MS)):
        t = sorted(times[key])
        if not t:
            print("storm: no %s" % what, flush=True)
            continue
        print("storm: %d %s: traffic on the survivors after %.1f ms at worst, %.1f ms median"
              " (bound %s)" % (len(t), what, t[-1], t[len(t) // 2], bound), flush=True)

main()
