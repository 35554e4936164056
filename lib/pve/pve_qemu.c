/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Proxmox VM's nets as dpbond VM ports, and the QEMU arguments that plug
 * them in over vhost-user: QEMU serves RUN_DIR/tap<VMID>i<N>.sock (server=on)
 * and dpbond's VM port connects to it (NAME:client), at once when dpbond
 * restarts (measured: test restart); vhost-user needs the guest's memory
 * shared with dpbond, so the VM's memory becomes one memfd NUMA node.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dpb_mac.h"
#include "dpb_pve.h"

void dpb_pve_port_name(const struct dpb_pve_vm *vm, const struct dpb_pve_net *net,
		       char name[DPB_PVE_NAME_LEN])
{
	snprintf(name, DPB_PVE_NAME_LEN, "tap%ui%u", vm->vmid, net->index);
}

static bool ours(const struct dpb_pve_net *n, bool (*is_ours)(const char *, void *), void *ctx)
{
	return n->bridge[0] && (is_ours == NULL || is_ours(n->bridge, ctx));
}

int dpb_pve_ports(const struct dpb_pve_vm *vm, bool (*is_ours)(const char *bridge, void *ctx),
		  void *ctx, bool unfiltered_ok, struct dpb_strbuf *ports, struct dpb_strbuf *notes)
{
	int n = 0;

	for (unsigned int k = 0; k < vm->n_nets; k++) {
		const struct dpb_pve_net *net = &vm->nets[k];
		char name[DPB_PVE_NAME_LEN];

		if (!ours(net, is_ours, ctx))
			continue;
		if (strcmp(net->model, "virtio") != 0) {
			dpb_strbuf_printf(notes, "net%u: model %s: a dpbond VM port is vhost-user, which only virtio speaks; make it virtio\n",
					  net->index, net->model[0] ? net->model : "(none)");
			return -EINVAL;
		}
		if (net->tag && net->trunks[0]) {
			dpb_strbuf_printf(notes, "net%u: tag=%u and trunks= together (VLAN %u untagged and the trunks tagged): a dpbond VM port takes one of them\n",
					  net->index, net->tag, net->tag);
			return -EINVAL;
		}
		if (net->firewall && !unfiltered_ok) {
			dpb_strbuf_printf(notes, "net%u: firewall=1: Proxmox's firewall filters a Linux bridge's tap, which a dpbond VM port is not: set firewall=0, or accept an unfiltered NIC (--unfiltered)\n",
					  net->index);
			return -EINVAL;
		}
		dpb_pve_port_name(vm, net, name);
		dpb_strbuf_printf(ports, "%s %s", net->bridge, name);
		if (net->tag)
			dpb_strbuf_printf(ports, ":tag=%u,client\n", net->tag);
		else if (net->trunks[0])
			dpb_strbuf_printf(ports, ":trunks=%s,client\n", net->trunks);
		else
			dpb_strbuf_puts(ports, ":client\n");
		if (net->firewall)
			dpb_strbuf_printf(notes, "net%u: firewall=1: this NIC is not filtered (--unfiltered)\n",
					  net->index);
		if (net->rate)
			dpb_strbuf_printf(notes, "net%u: rate=: dpbond does not limit a VM port's rate\n",
					  net->index);
		if (net->link_down)
			dpb_strbuf_printf(notes, "net%u: link_down=1: the VM port is added all the same; the guest's link follows the VM's own setting\n",
					  net->index);
		n++;
	}
	return n;
}

int dpb_pve_qemu_args(const struct dpb_pve_vm *vm, const char *run_dir,
		      bool (*is_ours)(const char *bridge, void *ctx), void *ctx,
		      struct dpb_strbuf *args, struct dpb_strbuf *notes)
{
	int n = 0;

	if (vm->numa || vm->hugepages_mb) {
		dpb_strbuf_puts(notes, vm->numa ?
				"numa: 1: Proxmox then makes NUMA nodes of its own, which cannot share memory with dpbond: set numa: 0\n" :
				"hugepages: Proxmox gives them only with numa: 1, whose NUMA nodes cannot share memory with dpbond: remove hugepages (the VM's memory is shared memfd)\n");
		return -EINVAL;
	}
	for (unsigned int k = 0; k < vm->n_nets; k++) {
		const struct dpb_pve_net *net = &vm->nets[k];
		char name[DPB_PVE_NAME_LEN], mac[DPB_MAC_STR_LEN];
		struct dpb_mac m;

		if (!ours(net, is_ours, ctx))
			continue;
		if (n++ == 0) {
			dpb_strbuf_printf(args, "-object\nmemory-backend-memfd,id=dpbond-mem,size=%uM,share=on\n",
					  vm->memory_mb);
			dpb_strbuf_puts(args, "-numa\nnode,memdev=dpbond-mem\n");
		}
		dpb_pve_port_name(vm, net, name);
		dpb_strbuf_printf(args, "-chardev\nsocket,id=dpbond-chr%u,path=%s/%s.sock,server=on,wait=off\n",
				  net->index, run_dir, name);
		dpb_strbuf_printf(args, "-netdev\nvhost-user,id=dpbond-net%u,chardev=dpbond-chr%u",
				  net->index, net->index);
		if (net->queues > 1)
			dpb_strbuf_printf(args, ",queues=%u", net->queues);
		dpb_strbuf_printf(args, "\n-device\nvirtio-net-pci,netdev=dpbond-net%u,id=dpbond-dev%u",
				  net->index, net->index);
		if (net->has_mac) {
			memcpy(m.b, net->mac, sizeof(m.b));
			dpb_strbuf_printf(args, ",mac=%s", dpb_mac_format(&m, mac));
		}
		/* mtu=1 is "the bridge's": the guest's default, which dpbond caps to the bridge's. */
		if (net->mtu > 1)
			dpb_strbuf_printf(args, ",host_mtu=%u", net->mtu);
		if (net->queues > 1)
			dpb_strbuf_printf(args, ",mq=on,vectors=%u", 2 * net->queues + 2);
		dpb_strbuf_puts(args, "\n");
	}
	return n;
}
