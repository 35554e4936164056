/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Proxmox VM's configuration, as qm.conf(5) writes it, into dpbond VM
 * ports and QEMU's vhost-user arguments: netN lines with tags, trunks, MTU,
 * queues and MACs; what a VM port cannot carry over said; snapshots left
 * alone; lines that cannot be read refused with file:line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_pve.h"

/* A VM as Proxmox 8 writes it: two nets on dpbond's bridges, one on another. */
static const char *vm100 =
	"#web server\n"
	"boot: order=scsi0;net0\n"
	"cores: 2\n"
	"memory: 2048\n"
	"name: web\n"
	"net0: virtio=BC:24:11:2D:7E:01,bridge=vmbr0,firewall=1,tag=20\n"
	"net1: bridge=vmbr1,mtu=9000,queues=4,virtio=BC:24:11:2D:7E:02,trunks=10;20;30-40\n"
	"net2: e1000=BC:24:11:2D:7E:03,bridge=lxcbr0\n"
	"numa: 0\n"
	"scsi0: local-lvm:vm-100-disk-0,size=32G\n"
	"\n"
	"[before-upgrade]\n"
	"memory: 1024\n"
	"net3: virtio=BC:24:11:2D:7E:04,bridge=vmbr0\n";

static bool dpbond_bridge(const char *bridge, void *ctx)
{
	(void)ctx;
	return strcmp(bridge, "vmbr0") == 0 || strcmp(bridge, "vmbr1") == 0;
}

static struct dpb_pve_vm vm;

static void parse_ok(const char *text, unsigned int vmid)
{
	struct dpb_strbuf err;

	dpb_strbuf_init(&err);
	if (dpb_pve_parse(text, "100.conf", vmid, &vm, &err) != 0)
		fail_msg("%s", dpb_strbuf_str(&err));
	dpb_strbuf_free(&err);
}

static void test_parse(void **state)
{
	(void)state;
	parse_ok(vm100, 100);
	assert_int_equal(vm.memory_mb, 2048);
	assert_int_equal(vm.hugepages_mb, 0);
	assert_false(vm.numa);
	/* The snapshot's net3 and memory are not what runs. */
	assert_int_equal(vm.n_nets, 3);
	assert_int_equal(vm.nets[0].index, 0);
	assert_int_equal(vm.nets[0].line, 6);
	assert_string_equal(vm.nets[0].model, "virtio");
	assert_true(vm.nets[0].has_mac);
	assert_int_equal(vm.nets[0].mac[5], 0x01);
	assert_string_equal(vm.nets[0].bridge, "vmbr0");
	assert_int_equal(vm.nets[0].tag, 20);
	assert_true(vm.nets[0].firewall);
	/* MODEL=MAC after other options, as Proxmox takes it too. */
	assert_string_equal(vm.nets[1].model, "virtio");
	assert_int_equal(vm.nets[1].mac[5], 0x02);
	assert_string_equal(vm.nets[1].trunks, "10;20;30-40");
	assert_int_equal(vm.nets[1].mtu, 9000);
	assert_int_equal(vm.nets[1].queues, 4);
	assert_string_equal(vm.nets[2].model, "e1000");
}

static void test_ports(void **state)
{
	struct dpb_strbuf ports, notes;

	(void)state;
	parse_ok(vm100, 100);
	dpb_strbuf_init(&ports);
	dpb_strbuf_init(&notes);
	/* net0's firewall=1: refused unless an unfiltered NIC is accepted. */
	assert_int_equal(dpb_pve_ports(&vm, dpbond_bridge, NULL, false, &ports, &notes), -EINVAL);
	assert_non_null(strstr(dpb_strbuf_str(&notes), "net0: firewall=1: "));
	assert_non_null(strstr(dpb_strbuf_str(&notes), "--unfiltered"));
	/* lxcbr0 is not dpbond's: its e1000 stays Proxmox's business. */
	dpb_strbuf_reset(&ports);
	dpb_strbuf_reset(&notes);
	assert_int_equal(dpb_pve_ports(&vm, dpbond_bridge, NULL, true, &ports, &notes), 2);
	assert_string_equal(dpb_strbuf_str(&ports),
			    "vmbr0 tap100i0:tag=20,client\n"
			    "vmbr1 tap100i1:trunks=10;20;30-40,client\n");
	assert_non_null(strstr(dpb_strbuf_str(&notes), "net0: firewall=1: this NIC is not filtered"));
	assert_null(strstr(dpb_strbuf_str(&notes), "net1:"));
	/* Every bridge dpbond's: the e1000 cannot be a VM port. */
	dpb_strbuf_reset(&ports);
	dpb_strbuf_reset(&notes);
	assert_int_equal(dpb_pve_ports(&vm, NULL, NULL, true, &ports, &notes), -EINVAL);
	assert_non_null(strstr(dpb_strbuf_str(&notes), "net2: model e1000: "));
	/* tag= with trunks= (pvid plus tagged VLANs) is more than a VM port takes. */
	parse_ok("net0: virtio=BC:24:11:2D:7E:01,bridge=vmbr0,tag=5,trunks=10;20\n", 103);
	dpb_strbuf_reset(&notes);
	assert_int_equal(dpb_pve_ports(&vm, NULL, NULL, true, &ports, &notes), -EINVAL);
	assert_non_null(strstr(dpb_strbuf_str(&notes), "net0: tag=5 and trunks= together"));
	/* model=, macaddr=, a bare model; no bridge (not dpbond's); rate, link_down said; firewall=on. */
	parse_ok("net0: model=virtio,macaddr=BC:24:11:2D:7E:09,bridge=vmbr0,rate=10,link_down=1\n"
		 "net1: virtio,bridge=vmbr1,firewall=on\n"
		 "net2: virtio=BC:24:11:2D:7E:0A\n", 104);
	assert_string_equal(vm.nets[0].model, "virtio");
	assert_int_equal(vm.nets[0].mac[5], 0x09);
	assert_false(vm.nets[1].has_mac);
	assert_true(vm.nets[1].firewall);
	assert_string_equal(vm.nets[2].bridge, "");
	dpb_strbuf_reset(&ports);
	dpb_strbuf_reset(&notes);
	assert_int_equal(dpb_pve_ports(&vm, NULL, NULL, true, &ports, &notes), 2);
	assert_string_equal(dpb_strbuf_str(&ports), "vmbr0 tap104i0:client\nvmbr1 tap104i1:client\n");
	assert_non_null(strstr(dpb_strbuf_str(&notes), "net0: rate=: "));
	assert_non_null(strstr(dpb_strbuf_str(&notes), "net0: link_down=1: "));
	dpb_strbuf_free(&ports);
	dpb_strbuf_free(&notes);
}

static void test_qemu_args(void **state)
{
	struct dpb_strbuf args, notes;

	(void)state;
	parse_ok(vm100, 100);
	dpb_strbuf_init(&args);
	dpb_strbuf_init(&notes);
	assert_int_equal(dpb_pve_qemu_args(&vm, "/run/dpbond", dpbond_bridge, NULL, &args, &notes), 2);
	assert_string_equal(dpb_strbuf_str(&args),
			    "-object\nmemory-backend-memfd,id=dpbond-mem,size=2048M,share=on\n"
			    "-numa\nnode,memdev=dpbond-mem\n"
			    "-chardev\nsocket,id=dpbond-chr0,path=/run/dpbond/tap100i0.sock,server=on,wait=off\n"
			    "-netdev\nvhost-user,id=dpbond-net0,chardev=dpbond-chr0\n"
			    "-device\nvirtio-net-pci,netdev=dpbond-net0,id=dpbond-dev0,mac=bc:24:11:2d:7e:01\n"
			    "-chardev\nsocket,id=dpbond-chr1,path=/run/dpbond/tap100i1.sock,server=on,wait=off\n"
			    "-netdev\nvhost-user,id=dpbond-net1,chardev=dpbond-chr1,queues=4\n"
			    "-device\nvirtio-net-pci,netdev=dpbond-net1,id=dpbond-dev1,mac=bc:24:11:2d:7e:02,host_mtu=9000,mq=on,vectors=10\n");
	/* hugepages come from Proxmox only with numa: 1: refused, saying why. */
	parse_ok("memory: 4096\nhugepages: 2\nnet0: virtio=BC:24:11:2D:7E:01,bridge=vmbr0\n", 105);
	assert_int_equal(vm.hugepages_mb, 2);
	dpb_strbuf_reset(&args);
	assert_int_equal(dpb_pve_qemu_args(&vm, "/run/dpbond", NULL, NULL, &args, &notes), -EINVAL);
	assert_non_null(strstr(dpb_strbuf_str(&notes), "hugepages: Proxmox gives them only with numa: 1"));
	/* numa: 1 would give the guest Proxmox's NUMA nodes besides: refused, saying why. */
	parse_ok("memory: 4096\nnuma: 1\nnet0: virtio=BC:24:11:2D:7E:01,bridge=vmbr0\n", 101);
	dpb_strbuf_reset(&args);
	assert_int_equal(dpb_pve_qemu_args(&vm, "/run/dpbond", NULL, NULL, &args, &notes), -EINVAL);
	assert_non_null(strstr(dpb_strbuf_str(&notes), "numa: 1"));
	/* No net of dpbond's: nothing to add, not even the memory. */
	parse_ok("memory: 4096\nnet0: virtio=BC:24:11:2D:7E:01,bridge=lxcbr0\n", 102);
	dpb_strbuf_reset(&args);
	assert_int_equal(dpb_pve_qemu_args(&vm, "/run/dpbond", dpbond_bridge, NULL, &args, &notes), 0);
	assert_string_equal(dpb_strbuf_str(&args), "");
	dpb_strbuf_free(&args);
	dpb_strbuf_free(&notes);
}

static void expect_refused(const char *text, const char *msg)
{
	struct dpb_strbuf err;

	dpb_strbuf_init(&err);
	assert_int_equal(dpb_pve_parse(text, "105.conf", 105, &vm, &err), -EINVAL);
	if (strstr(dpb_strbuf_str(&err), msg) == NULL)
		fail_msg("'%s' not in '%s'", msg, dpb_strbuf_str(&err));
	dpb_strbuf_free(&err);
}

/*
 * A VM whose net0 dpbond-pve moved: its description as Proxmox writes it
 * (PVE::Tools::encode_text: ':' as %3A, non-ASCII as UTF-8 %XX), after a
 * `qm set 101 --delete net0 --description "Web front%0Adpbond net0: ..."`.
 */
static const char *vm101_moved =
	"#Web front, caf%C3%A9 50%25\n"
	"#dpbond net0%3A virtio=BC%3A24%3A11%3A2D%3A7E%3A11,bridge=vmbr0,tag=20\n"
	"args: -cpu host -object memory-backend-memfd,id=dpbond-mem,size=1024M,share=on -numa node,memdev=dpbond-mem\n"
	"hookscript: local:snippets/dpbond-pve\n"
	"memory: 1024\n"
	"net1: virtio=BC:24:11:2D:7E:12,bridge=vmbr1\n"
	"net2: virtio=BC:24:11:2D:7E:13,bridge=lxcbr0\n";

static void test_move_and_back(void **state)
{
	struct dpb_pve_change ch;
	struct dpb_strbuf ports, notes;

	(void)state;
	parse_ok(vm101_moved, 101);
	assert_int_equal(vm.n_nets, 3);
	assert_true(vm.nets[0].moved);
	assert_int_equal(vm.nets[0].index, 0);
	assert_int_equal(vm.nets[0].tag, 20);
	assert_int_equal(vm.nets[0].mac[5], 0x11);
	assert_string_equal(vm.nets[0].value, "virtio=BC:24:11:2D:7E:11,bridge=vmbr0,tag=20");
	assert_false(vm.nets[1].moved);
	/* The description is the VM's own words, decoded, without dpbond's line. */
	assert_string_equal(vm.description, "Web front, caf\xc3\xa9 50%");
	/* A moved net is a port like any other. */
	dpb_strbuf_init(&ports);
	dpb_strbuf_init(&notes);
	assert_int_equal(dpb_pve_ports(&vm, dpbond_bridge, NULL, false, &ports, &notes), 2);
	assert_string_equal(dpb_strbuf_str(&ports), "vmbr0 tap101i0:tag=20,client\nvmbr1 tap101i1:client\n");

	/* move: net1 leaves the netN lines too (net2 is not dpbond's); the
	 * args keep the VM's own (-cpu host), lose dpbond's old ones, and get
	 * both nets'. */
	dpb_pve_change_init(&ch);
	assert_int_equal(dpb_pve_move(&vm, "/run/dpbond", dpbond_bridge, NULL, &ch, &notes), 1);
	assert_string_equal(ch.del, "net1");
	assert_string_equal(dpb_strbuf_str(&ch.description),
			    "Web front, caf\xc3\xa9 50%\n"
			    "dpbond net0: virtio=BC:24:11:2D:7E:11,bridge=vmbr0,tag=20\n"
			    "dpbond net1: virtio=BC:24:11:2D:7E:12,bridge=vmbr1");
	assert_string_equal(dpb_strbuf_str(&ch.args),
			    "-cpu host -object memory-backend-memfd,id=dpbond-mem,size=1024M,share=on "
			    "-numa node,memdev=dpbond-mem "
			    "-chardev socket,id=dpbond-chr0,path=/run/dpbond/tap101i0.sock,server=on,wait=off "
			    "-netdev vhost-user,id=dpbond-net0,chardev=dpbond-chr0 "
			    "-device virtio-net-pci,netdev=dpbond-net0,id=dpbond-dev0,mac=bc:24:11:2d:7e:11 "
			    "-chardev socket,id=dpbond-chr1,path=/run/dpbond/tap101i1.sock,server=on,wait=off "
			    "-netdev vhost-user,id=dpbond-net1,chardev=dpbond-chr1 "
			    "-device virtio-net-pci,netdev=dpbond-net1,id=dpbond-dev1,mac=bc:24:11:2d:7e:12");
	dpb_pve_change_free(&ch);

	/* back: net0 as it was written, the VM's own description and args. */
	dpb_pve_change_init(&ch);
	assert_int_equal(dpb_pve_back(&vm, &ch), 1);
	assert_int_equal(ch.n_set, 1);
	assert_int_equal(ch.set[0].index, 0);
	assert_string_equal(ch.set[0].value, "virtio=BC:24:11:2D:7E:11,bridge=vmbr0,tag=20");
	assert_string_equal(dpb_strbuf_str(&ch.description), "Web front, caf\xc3\xa9 50%");
	assert_string_equal(dpb_strbuf_str(&ch.args), "-cpu host");
	assert_string_equal(ch.del, "hookscript");   /* it would refuse starts without dpbond */
	dpb_pve_change_free(&ch);

	/* Notes that only look like dpbond's are the VM's; a net moved before
	 * stays in the description even on a bridge that is not dpbond's now. */
	parse_ok("#dpbond network%3A see the wiki\n#dpbond net3%3A virtio=BC%3A24%3A11%3A2D%3A7E%3A14,bridge=vmbr7\n"
		 "memory: 512\nnet0: virtio=BC:24:11:2D:7E:15,bridge=vmbr0\n", 103);
	assert_string_equal(vm.description, "dpbond network: see the wiki");
	dpb_pve_change_init(&ch);
	assert_int_equal(dpb_pve_move(&vm, "/run/dpbond", dpbond_bridge, NULL, &ch, &notes), 1);
	assert_string_equal(dpb_strbuf_str(&ch.description),
			    "dpbond network: see the wiki\n"
			    "dpbond net0: virtio=BC:24:11:2D:7E:15,bridge=vmbr0\n"
			    "dpbond net3: virtio=BC:24:11:2D:7E:14,bridge=vmbr7");
	dpb_pve_change_free(&ch);

	/* A net both moved and still a netN line is refused, with its line. */
	{
		struct dpb_strbuf err;

		dpb_strbuf_init(&err);
		assert_int_equal(dpb_pve_parse("#dpbond net1%3A virtio,bridge=vmbr0\nnet1: virtio,bridge=vmbr0\n",
					       "102.conf", 102, &vm, &err), -EINVAL);
		assert_string_equal(dpb_strbuf_str(&err),
				    "102.conf:2: net1 is there twice: a netN line, and moved into the description by dpbond-pve (dpbond-pve VMID back, or remove one)\n");
		dpb_strbuf_free(&err);
	}
	dpb_strbuf_free(&ports);
	dpb_strbuf_free(&notes);
}

static void test_refused(void **state)
{
	(void)state;
	expect_refused("memory: 1024\nnet0: virtio=BC:24:11:2D:7E,bridge=vmbr0\n",
		       "105.conf:2: cannot read 'virtio=BC:24:11:2D:7E' of this network device");
	expect_refused("net1: virtio=BC:24:11:2D:7E:01,bridge=vmbr0,tag=4095\n",
		       "105.conf:1: cannot read 'tag=4095'");
	expect_refused("net0: virtio=BC:24:11:2D:7E:01,bridge=vmbr0,trunks=10;x\n",
		       "105.conf:1: cannot read 'trunks=10;x'");
	expect_refused("net32: virtio=BC:24:11:2D:7E:01,bridge=vmbr0\n",
		       "105.conf:1: net32: Proxmox numbers network devices net0 to net31");
	expect_refused("hugepages: 4\n", "105.conf:1: hugepages: '4' is not 2, 1024 or any");
	expect_refused("net0: virtio=BC:24:11:2D:7E:01,bridge=vm br0\n", "105.conf:1: cannot read 'bridge=vm br0'");
	expect_refused("net0: virtio=BC:24:11:2D:7E:01,bridge=averyverylongbridge\n",
		       "105.conf:1: cannot read 'bridge=averyverylongbridge'");
	/* What a later Proxmox adds is not dpbond's to refuse. */
	parse_ok("net0: virtio=BC:24:11:2D:7E:01,bridge=vmbr0,newoption=7\nnetwork: 1\n", 106);
	assert_int_equal(vm.n_nets, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_qemu_args),
		cmocka_unit_test(test_move_and_back),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
