/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Taking a VM's nets on dpbond's bridges out of Proxmox's way, and putting
 * them back. Proxmox plugs every netN into its bridge with a kernel tap,
 * which fails on a bridge of dpbond's (a TAP, not a Linux bridge): so each
 * such net leaves the netN lines for a line `dpbond netN: VALUE` of the VM's
 * description, where Proxmox keeps it, through backups, clones and
 * migrations, and dpbond-pve still reads it; `args:` gets the vhost-user
 * arguments. Back is the reverse. Both are one `qm set`, described here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dpb_pve.h"

void dpb_pve_change_init(struct dpb_pve_change *ch)
{
	memset(ch, 0, sizeof(*ch));
	dpb_strbuf_init(&ch->description);
	dpb_strbuf_init(&ch->args);
}

void dpb_pve_change_free(struct dpb_pve_change *ch)
{
	dpb_strbuf_free(&ch->description);
	dpb_strbuf_free(&ch->args);
}

static void add_delete(struct dpb_pve_change *ch, const char *what)
{
	size_t n = strlen(ch->del);

	snprintf(ch->del + n, sizeof(ch->del) - n, "%s%s", n ? "," : "", what);
}

/* Whether QEMU argument @val is one of dpbond's (an id or memdev of ours). */
static bool dpbond_value(const char *val)
{
	return strstr(val, "id=dpbond-") || strstr(val, "memdev=dpbond-") ||
	       strstr(val, "netdev=dpbond-") || strstr(val, "chardev=dpbond-");
}

/* The VM's args but dpbond's (an option and its value, word by word), into @out. */
static void own_args(const char *args, struct dpb_strbuf *out)
{
	char buf[sizeof(((struct dpb_pve_vm *)0)->args)], *save = NULL, *prev = NULL;

	snprintf(buf, sizeof(buf), "%s", args);
	for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (prev && prev[0] == '-' && dpbond_value(w)) {
			prev = NULL;   /* the pair goes */
			continue;
		}
		if (prev)
			dpb_strbuf_printf(out, "%s%s", out->len ? " " : "", prev);
		prev = w;
	}
	if (prev)
		dpb_strbuf_printf(out, "%s%s", out->len ? " " : "", prev);
}

static bool ours(const struct dpb_pve_net *n, bool (*is_ours)(const char *, void *), void *ctx)
{
	return n->bridge[0] && (is_ours == NULL || is_ours(n->bridge, ctx));
}

int dpb_pve_move(const struct dpb_pve_vm *vm, const char *run_dir,
		 bool (*is_ours)(const char *bridge, void *ctx), void *ctx,
		 struct dpb_pve_change *ch, struct dpb_strbuf *notes)
{
	struct dpb_strbuf gen;
	char what[16];
	int moved = 0, rc;

	dpb_strbuf_puts(&ch->description, vm->description);
	for (unsigned int i = 0; i < DPB_PVE_MAX_NETS; i++) {
		for (unsigned int k = 0; k < vm->n_nets; k++) {
			const struct dpb_pve_net *n = &vm->nets[k];

			/* A net moved before stays in the description even on a
			 * bridge that is no longer dpbond's: it is nowhere else. */
			if (n->index != i || !(n->moved || ours(n, is_ours, ctx)))
				continue;
			dpb_strbuf_printf(&ch->description, "%sdpbond net%u: %s",
					  ch->description.len ? "\n" : "", i, n->value);
			if (!n->moved) {
				snprintf(what, sizeof(what), "net%u", i);
				add_delete(ch, what);
				moved++;
			}
		}
	}
	dpb_strbuf_init(&gen);
	rc = dpb_pve_qemu_args(vm, run_dir, is_ours, ctx, &gen, notes);
	if (rc > 0) {
		own_args(vm->args, &ch->args);
		for (char *p = gen.s; *p; p++)
			if (*p == '\n')
				*p = p[1] ? ' ' : '\0';
		dpb_strbuf_printf(&ch->args, "%s%s", ch->args.len ? " " : "", dpb_strbuf_str(&gen));
	}
	dpb_strbuf_free(&gen);
	return rc < 0 ? rc : moved;
}

int dpb_pve_back(const struct dpb_pve_vm *vm, struct dpb_pve_change *ch)
{
	int n = 0;

	for (unsigned int k = 0; k < vm->n_nets; k++) {
		if (!vm->nets[k].moved)
			continue;
		ch->set[ch->n_set].index = vm->nets[k].index;
		ch->set[ch->n_set++].value = vm->nets[k].value;
		n++;
	}
	dpb_strbuf_puts(&ch->description, vm->description);
	own_args(vm->args, &ch->args);
	if (ch->description.len == 0)
		add_delete(ch, "description");
	if (ch->args.len == 0)
		add_delete(ch, "args");
	/* dpbond-pve's hookscript would refuse starts once dpbond is gone. */
	if (strstr(vm->hookscript, "dpbond-pve"))
		add_delete(ch, "hookscript");
	return n;
}
