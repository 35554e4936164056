/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CTL_STATUS_H
#define CTL_STATUS_H

/* Internal to lib/ctl: --status-dir (ctl_status.c) and --prom-file (ctl_prom.c). Control lcore. */

#include <stddef.h>
#include <stdint.h>

struct dpb_ctl;

/* How often the status files are brought up to date: well within any miimon. */
#define CTL_STATUS_MS 20

/* Brings the status files (and the textfile) up to date when due. */
void ctl_status_refresh(struct dpb_ctl *c, uint64_t now);
/* Removes every status file dpbond wrote and the textfile; frees the state. */
void ctl_status_fini(struct dpb_ctl *c);
/* Writes @len bytes of @text to @path: a new file renamed over the old. @return 0 or -errno. */
int ctl_write_atomic(const char *path, const char *text, size_t len);
/* Writes the Prometheus textfile @path. @return 0, or -1 with errno set. */
int ctl_prom_write(struct dpb_ctl *c, const char *path);

#endif
