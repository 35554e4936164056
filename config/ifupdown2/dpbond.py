# SPDX-License-Identifier: BSD-3-Clause
"""ifupdown2 addon: leaves dpbond's interfaces to dpbond.

dpbond's interfaces are the stanzas of dpbond's own file (policy
"dpbond-interfaces", default /etc/dpbond/interfaces), which the host's
/etc/network/interfaces reads with a `source` line; while that line is not
there (a host back on kernel networking), nothing is dpbond's and stanzas of
the same names are the kernel's again. ifupdown2 parses them with the rest,
and then this addon, in its translate step:

- empties each one's options (they stay dpbond's: bridge-ports, bond-slaves,
  address, hooks...), so no other addon makes a Linux bridge, a bond or an
  address of them;
- takes them out of `-a` (auto off), so ifup -a, ifdown -a and ifreload -a
  never bring them up or down, and ifreload never sees them change;
- marks them link slaves, so an explicit `ifup NAME` / `ifdown NAME` leaves
  their link state alone, and `address-purge no`, so it leaves their
  addresses alone.

When ifupdown2 brings interfaces up (ifup, ifreload) and dpbond's stanzas
differ from those dpbond last accepted from this addon, it runs
`dpbondctl reload` once (policy "dpbondctl", a command line). dpbond reads
its file again and applies what changed; a refusal is raised as an error
with dpbond's FILE:LINE messages, so ifreload exits non-zero. A dpbond that
is not running (boot, before dpbond.service) reads its file when it starts.
"""

import glob
import hashlib
import json
import os
import shlex
import subprocess
from collections import OrderedDict

try:
    from ifupdown2.lib.addon import Addon
    from ifupdown2.ifupdown.iface import ifaceLinkType
    from ifupdown2.ifupdown.networkinterfaces import networkInterfaces
    from ifupdown2.ifupdownaddons.modulebase import moduleBase
    import ifupdown2.ifupdown.ifupdownflags as ifupdownflags
    import ifupdown2.ifupdown.policymanager as policymanager
    import ifupdown2.ifupdown.statemanager as statemanager
except (ImportError, ModuleNotFoundError):
    from lib.addon import Addon
    from ifupdown.iface import ifaceLinkType
    from ifupdown.networkinterfaces import networkInterfaces
    from ifupdownaddons.modulebase import moduleBase
    import ifupdown.ifupdownflags as ifupdownflags
    import ifupdown.policymanager as policymanager
    import ifupdown.statemanager as statemanager

DEFAULT_FILE = '/etc/dpbond/interfaces'
HOST_FILE = '/etc/network/interfaces'
DEFAULT_CTL = '/usr/sbin/dpbondctl'
DIGEST_FILE = 'dpbond.reloaded'

# dpbond's options that no ifupdown2 3.0 addon declares: declared here so
# that ifupdown2's syntax check (addon_syntax_check=1) takes dpbond's stanzas.
_OWN = ('dpdk-devargs', 'bridge-vhost-ports', 'bridge-disable-mac-learning',
        'bond-hash-buckets', 'bond-master', 'bond-ad-actor-port-prio', 'bond-ad-select',
        'bond-ad-user-port-key', 'bond-all-slaves-active', 'bond-arp-all-targets',
        'bond-arp-interval', 'bond-arp-ip-target', 'bond-arp-missed-max',
        'bond-arp-validate', 'bond-coupled-control', 'bond-fail-over-mac',
        'bond-lacp-active', 'bond-lacp-dedicated-queue', 'bond-lp-interval',
        'bond-ns-ip6-target', 'bond-packets-per-slave', 'bond-peer-notif-delay',
        'bond-queue-id', 'bond-resend-igmp', 'bond-tlb-dynamic-lb')


class dpbond(Addon, moduleBase):
    """Keeps ifupdown2 off dpbond's interfaces; hands their changes to dpbond."""

    _modinfo = {
        'mhelp': "leaves the interfaces of dpbond's file to dpbond (see dpbond-interfaces(5))",
        'attrs': {name: {'help': "dpbond's option: see dpbond-interfaces(5)", 'required': False}
                  for name in _OWN},
    }

    def __init__(self, *args, **kargs):
        Addon.__init__(self)
        moduleBase.__init__(self, *args, **kargs)
        pm = policymanager.policymanager_api
        self.path = pm.get_module_globals(module_name='dpbond', attr='dpbond-interfaces') or DEFAULT_FILE
        self.ctl = shlex.split(pm.get_module_globals(module_name='dpbond', attr='dpbondctl') or DEFAULT_CTL)
        self.digest = None   # of dpbond's stanzas as this run read them; None: there are none
        self.done = False    # the reload step ran in this process

    def _sourced(self):
        """Whether the host's file reads dpbond's (a `source` or `source-directory` line of its own)."""
        try:
            with open(HOST_FILE) as f:
                lines = f.read().splitlines()
        except OSError:
            return False
        mine = os.path.realpath(self.path)
        for line in lines:
            words = line.split()
            if len(words) != 2:
                continue
            if words[0] == 'source' and mine in {os.path.realpath(p) for p in glob.glob(words[1])}:
                return True
            if words[0] == 'source-directory' and os.path.realpath(words[1]) == os.path.dirname(mine):
                return True
        return False

    def _names(self):
        """The interfaces of dpbond's file, but the loopback (dpbond ignores it)."""
        found = []
        if not os.path.exists(self.path) or not self._sourced():
            return set()
        nifaces = networkInterfaces(self.path)
        nifaces.subscribe('iface_found', found.append)
        nifaces.load()
        return {o.name for o in found if o.addr_method != 'loopback'}

    def translate(self, ifaceobjs):
        names = self._names()
        seen = []
        for o in ifaceobjs:
            if o.name not in names:
                continue
            seen.append([o.name, o.auto, list(o.addr_family), o.addr_method or '',
                         [[k, v] for k, v in o.config.items()]])
            o.config = OrderedDict([('address-purge', ['no'])])
            o.addr_method = 'manual'
            o.auto = False
            o.link_type = ifaceLinkType.LINK_SLAVE
        if seen:
            text = json.dumps(seen, sort_keys=True)
            self.digest = hashlib.sha256(text.encode()).hexdigest()
            self.logger.info('dpbond: %s are dpbond\'s (%s)' % (', '.join(sorted({s[0] for s in seen})), self.path))

    def _digest_path(self):
        state_dir = statemanager.statemanager_api.state_dir or '/run/network/'
        return os.path.join(state_dir, DIGEST_FILE)

    def _last_digest(self):
        try:
            with open(self._digest_path()) as f:
                return f.read().strip()
        except OSError:
            return None

    def _reload(self):
        if self.digest is None or self.digest == self._last_digest():
            return
        cmd = self.ctl + ['reload']
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as e:
            raise Exception('dpbond: cannot run %s: %s' % (cmd[0], e))
        if p.returncode == 2 and 'no dpbond answers' in p.stderr:
            self.logger.info('dpbond: not running; it reads %s when it starts' % self.path)
            return
        if p.returncode != 0:
            raise Exception('dpbond refused %s (nothing of it changed):\n%s'
                            % (self.path, (p.stdout + p.stderr).rstrip()))
        self.logger.info('dpbond: reloaded %s:\n%s' % (self.path, p.stdout.rstrip()))
        with open(self._digest_path(), 'w') as f:
            f.write(self.digest + '\n')

    def _up(self, ifaceobj):
        if self.done:
            return
        self.done = True
        self._reload()

    _run_ops = {'up': _up}

    def get_ops(self):
        return self._run_ops.keys()

    def run(self, ifaceobj, operation, query_ifaceobj=None, **extra_args):
        """On the first interface brought up, hands a change of dpbond's stanzas to dpbond."""
        op_handler = self._run_ops.get(operation)
        if op_handler is None or ifupdownflags.flags.DRYRUN:
            return
        op_handler(self, ifaceobj)
