/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host ports' TAPs outlive dpbond (persistent, for a handover), so the
 * names are kept in RUN_DIR/host-ports: the unit's ExecStopPost removes
 * what a dpbond that could not quit left (config/dpbond-stop-post), and a
 * dpbond that starts removes those its file no longer has (a host port
 * renamed or dropped across a restart) before it takes the others over.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_priv.h"
#include "dpb_host.h"

#define KEEP_FILE "host-ports"

static bool persistent_tap(const struct dpb_port *p)
{
	return strncmp(p->devargs, "net_tap_", 8) == 0 && strstr(p->devargs, ",persist");
}

void ctl_host_ports_save(const struct dpb_ctl *c)
{
	char path[DPB_CFG_PATH_LEN + 32], tmp[DPB_CFG_PATH_LEN + 32];
	unsigned int n = 0;
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", c->run_dir, KEEP_FILE);
	snprintf(tmp, sizeof(tmp), "%s/%s.new", c->run_dir, KEEP_FILE);
	for (unsigned int i = 0; i < c->n_ports; i++)
		n += c->ports[i].name[0] && persistent_tap(&c->ports[i]);
	if (n == 0 || c->taps_removed) {
		if (unlink(path) < 0 && errno != ENOENT)
			DPB_LOG(WARNING, HOST, "cannot remove %s: %s", path, strerror(errno));
		return;
	}
	f = fopen(tmp, "we");
	if (f == NULL) {
		DPB_LOG(WARNING, HOST, "cannot write %s: %s", tmp, strerror(errno));
		return;
	}
	for (unsigned int i = 0; i < c->n_ports; i++)
		if (c->ports[i].name[0] && persistent_tap(&c->ports[i]))
			rc |= fprintf(f, "%s\n", c->ports[i].name) < 0;
	rc |= fclose(f) != 0;
	if (rc || rename(tmp, path) < 0) {
		DPB_LOG(WARNING, HOST, "cannot write %s", path);
		unlink(tmp);
	}
}

/* Whether @name is one of the file's host ports. */
static bool wanted(const struct dpb_ctl *c, const char *name)
{
	for (unsigned int i = 0; i < c->n_ifs; i++)
		if (c->ifs[i].host_port && strcmp(c->ifs[i].name, name) == 0)
			return true;
	return false;
}

void ctl_host_ports_sweep(const struct dpb_ctl *c)
{
	char path[DPB_CFG_PATH_LEN + 32], line[IF_NAMESIZE + 2], flags[64 + IF_NAMESIZE], why[128];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", c->run_dir, KEEP_FILE);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!dpb_cfg_valid_name(line) || wanted(c, line))
			continue;
		/* Only a TAP: never what took the name since. */
		snprintf(flags, sizeof(flags), "/sys/class/net/%s/tun_flags", line);
		if (stat(flags, &st) < 0)
			continue;
		if (dpb_host_del_link(line, why, sizeof(why)) == 0)
			DPB_LOG(NOTICE, HOST, "%s: removed the host port TAP a previous dpbond left, no longer in the file",
				line);
		else
			DPB_LOG(WARNING, HOST, "%s: %s", line, why);
	}
	fclose(f);
}
