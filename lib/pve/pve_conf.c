/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Proxmox VM's configuration file, qm.conf(5): `key: value` lines, the
 * current configuration first, then `[snapshot]` and `[PENDING]` sections.
 * Read here: memory, hugepages, numa and the netN lines, whose value is a
 * comma list led by MODEL=MAC (net0: virtio=BC:24:11:00:00:01,bridge=vmbr0,
 * tag=20,firewall=1), and the description: the leading `#` lines, each
 * %-encoded as PVE::Tools::encode_text writes it (':', control and non-ASCII
 * bytes as %XX), where `dpbond netN: VALUE` keeps a net dpbond-pve moved.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpb_mac.h"
#include "dpb_pve.h"

#define LINE_MAX_LEN 8200   /* a description of 8 KiB on one line, its '#' */

static int fail(struct dpb_strbuf *err, const char *file, unsigned int line, const char *fmt,
		const char *what)
{
	dpb_strbuf_printf(err, "%s:%u: ", file, line);
	dpb_strbuf_printf(err, fmt, what);
	dpb_strbuf_puts(err, "\n");
	return -EINVAL;
}

/* @s as a whole number in [lo, hi]. @return 0 or -EINVAL. */
static int number(const char *s, unsigned int lo, unsigned int hi, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtoul(s, &end, 10);
	if (*end || v < lo || v > hi)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static bool is_true(const char *v)
{
	return strcmp(v, "1") == 0 || strcmp(v, "on") == 0 || strcmp(v, "yes") == 0 ||
	       strcmp(v, "true") == 0;
}

/* The NIC models Proxmox knows (qm.conf(5)): MODEL=MAC may stand anywhere in a netN line. */
static bool is_model(const char *k)
{
	static const char *const models[] = {
		"virtio", "e1000", "e1000e", "e1000-82540em", "e1000-82544gc", "e1000-82545em",
		"rtl8139", "vmxnet3", "i82551", "i82557b", "i82559er", "ne2k_isa", "ne2k_pci",
		"pcnet",
	};

	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (strcmp(k, models[i]) == 0)
			return true;
	return false;
}

/* A bridge's name as an interface's: 1-15 of [A-Za-z0-9_.-]. */
static bool bridge_name(const char *v)
{
	size_t n = strlen(v);

	return n > 0 && n < DPB_PVE_NAME_LEN &&
	       strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

/* One item of a netN value. @return 0 or -EINVAL. */
static int net_item(struct dpb_pve_net *n, char *item)
{
	char *eq = strchr(item, '=');
	const char *k = item, *v = eq ? eq + 1 : "";
	struct dpb_mac mac;

	if (eq)
		*eq = '\0';
	if (strcmp(k, "bridge") == 0) {
		if (!bridge_name(v))
			return -EINVAL;
		snprintf(n->bridge, sizeof(n->bridge), "%s", v);
	} else if (strcmp(k, "tag") == 0) {
		return number(v, 1, 4094, &n->tag);
	} else if (strcmp(k, "trunks") == 0) {
		if (strlen(v) >= sizeof(n->trunks) || strspn(v, "0123456789;-") != strlen(v) || !*v)
			return -EINVAL;
		snprintf(n->trunks, sizeof(n->trunks), "%s", v);
	} else if (strcmp(k, "mtu") == 0) {
		return number(v, 1, 65520, &n->mtu);
	} else if (strcmp(k, "queues") == 0) {
		return number(v, 0, 64, &n->queues);
	} else if (strcmp(k, "firewall") == 0) {
		n->firewall = is_true(v);
	} else if (strcmp(k, "link_down") == 0) {
		n->link_down = is_true(v);
	} else if (strcmp(k, "rate") == 0) {
		n->rate = true;
	} else if (strcmp(k, "macaddr") == 0 || (eq && is_model(k))) {
		/* macaddr=MAC, or MODEL=MAC */
		if (dpb_mac_parse(v, &mac) < 0)
			return -EINVAL;
		memcpy(n->mac, mac.b, sizeof(n->mac));
		n->has_mac = true;
		if (strcmp(k, "macaddr") != 0)
			snprintf(n->model, sizeof(n->model), "%.15s", k);
	} else if (strcmp(k, "model") == 0 || (!eq && is_model(k))) {
		/* model=MODEL, or a bare MODEL (a MAC Proxmox makes up) */
		snprintf(n->model, sizeof(n->model), "%.15s", eq ? v : k);
	}
	/* Anything else (a later Proxmox's option) is not dpbond's to read. */
	return 0;
}

static int net_line(struct dpb_pve_vm *vm, unsigned int index, char *value, bool moved,
		    const char *file, unsigned int line, struct dpb_strbuf *err)
{
	struct dpb_pve_net *n;
	char *save = NULL, what[16];

	if (vm->n_nets == DPB_PVE_MAX_NETS)
		return fail(err, file, line, "net%s: too many network devices", "");
	snprintf(what, sizeof(what), "net%u", index);
	for (unsigned int k = 0; k < vm->n_nets; k++)
		if (vm->nets[k].index == index)
			return fail(err, file, line,
				    "%s is there twice: a netN line, and moved into the description by dpbond-pve (dpbond-pve VMID back, or remove one)",
				    what);
	n = &vm->nets[vm->n_nets];
	memset(n, 0, sizeof(*n));
	n->index = index;
	n->line = line;
	n->moved = moved;
	if (strlen(value) >= sizeof(n->value))
		return fail(err, file, line, "a network device of more than %s bytes", "255");
	strcpy(n->value, value);
	for (char *item = strtok_r(value, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char copy[LINE_MAX_LEN];

		snprintf(copy, sizeof(copy), "%s", item);
		if (net_item(n, item) < 0)
			return fail(err, file, line, "cannot read '%s' of this network device", copy);
	}
	vm->n_nets++;
	return 0;
}

static int vm_line(struct dpb_pve_vm *vm, char *key, char *value, const char *file,
		   unsigned int line, struct dpb_strbuf *err)
{
	unsigned int n;

	if (strcmp(key, "memory") == 0) {
		if (number(value, 16, 64u * 1024 * 1024, &vm->memory_mb) < 0)
			return fail(err, file, line, "memory: '%s' is not a size in MiB", value);
	} else if (strcmp(key, "hugepages") == 0) {
		if (strcmp(value, "any") == 0)
			vm->hugepages_mb = 2;
		else if (number(value, 2, 1024, &vm->hugepages_mb) < 0 ||
			 (vm->hugepages_mb != 2 && vm->hugepages_mb != 1024))
			return fail(err, file, line, "hugepages: '%s' is not 2, 1024 or any", value);
	} else if (strcmp(key, "numa") == 0) {
		vm->numa = is_true(value);
	} else if (strcmp(key, "args") == 0) {
		snprintf(vm->args, sizeof(vm->args), "%s", value);
	} else if (strcmp(key, "hookscript") == 0) {
		snprintf(vm->hookscript, sizeof(vm->hookscript), "%s", value);
	} else if (strncmp(key, "net", 3) == 0 && number(key + 3, 0, 1000, &n) == 0) {
		if (n >= DPB_PVE_MAX_NETS)
			return fail(err, file, line, "%s: Proxmox numbers network devices net0 to net31", key);
		return net_line(vm, n, value, false, file, line, err);
	}
	return 0;
}

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* %XX in @s decoded, in place (uri_unescape: a % without two hex digits stays). */
static void decode(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '%' && hex(s[1]) >= 0 && hex(s[2]) >= 0) {
			*out++ = (char)(hex(s[1]) * 16 + hex(s[2]));
			s += 2;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* A line of the description (after its '#'): dpbond's moved net, or the VM's own words. */
static int description_line(struct dpb_pve_vm *vm, char *text, const char *file,
			    unsigned int line, struct dpb_strbuf *err)
{
	unsigned int n;
	char *colon;
	size_t len = strlen(vm->description);

	decode(text);
	/* `dpbond netN: ` exactly; any other line is the VM's own words. */
	if (strncmp(text, "dpbond net", 10) == 0 && (colon = strchr(text, ':')) != NULL &&
	    colon[1] == ' ' && colon > text + 10 &&
	    strspn(text + 10, "0123456789") == (size_t)(colon - text - 10)) {
		*colon = '\0';
		if (number(text + 10, 0, DPB_PVE_MAX_NETS - 1, &n) < 0)
			return fail(err, file, line, "'%s:' is not dpbond net0 to net31", text);
		colon++;
		while (*colon == ' ')
			colon++;
		return net_line(vm, n, colon, true, file, line, err);
	}
	if (len + strlen(text) + 2 > sizeof(vm->description))
		return fail(err, file, line, "a description longer than %s bytes (Proxmox's limit)", "8192");
	snprintf(vm->description + len, sizeof(vm->description) - len, "%s%s", len ? "\n" : "", text);
	return 0;
}

int dpb_pve_parse(const char *text, const char *file, unsigned int vmid, struct dpb_pve_vm *vm,
		  struct dpb_strbuf *err)
{
	unsigned int line = 0;
	const char *p = text;
	bool keys = false;   /* the description is what comes before the first key */

	memset(vm, 0, sizeof(*vm));
	vm->vmid = vmid;
	vm->memory_mb = 512;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char buf[LINE_MAX_LEN], *colon, *value;
		int rc;

		line++;
		if (len >= sizeof(buf))
			return fail(err, file, line, "a line longer than %s bytes", "4095");
		memcpy(buf, p, len);
		buf[len] = '\0';
		p += len + (nl != NULL);
		while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\t' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		if (buf[0] == '[')
			break;   /* a snapshot or pending changes: not what runs */
		if (buf[0] == '#' && !keys) {
			rc = description_line(vm, buf + 1, file, line, err);
			if (rc < 0)
				return rc;
			continue;
		}
		if (buf[0] == '#' || buf[0] == '\0' || (colon = strchr(buf, ':')) == NULL)
			continue;
		keys = true;
		*colon = '\0';
		value = colon + 1;
		while (*value == ' ' || *value == '\t')
			value++;
		rc = vm_line(vm, buf, value, file, line, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}
