/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_CTL_H
#define DPB_CTL_H

/**
 * @file
 * The control plane: turns a configuration into ports, bonds, bridges and
 * workers; runs link polling, learning and ageing on the main lcore; publishes
 * snapshots to the workers through RCU; answers the console.
 *
 * Every function here is for the main lcore only.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpb_cfg.h"
#include "dpb_strbuf.h"

struct rte_mbuf;

struct dpb_ctl;

/**
 * Builds the appliance from a validated @p cfg after rte_eal_init(): its
 * own runtime model of the file (interfaces, bonds, bridges and their
 * lists; @p cfg is copied and never edited), the ports it uses attached and
 * started, and one worker per worker lcore (none with one lcore: the main
 * lcore forwards). @return the control plane, or NULL after logging why.
 */
struct dpb_ctl *dpb_ctl_create(const struct dpb_cfg *cfg);

/**
 * Whether every port that @p cfg puts in a bond or bridge can find its device:
 * `dpdk-devargs` (or `--port`), or an EAL-probed port of its number (ethN).
 * A member or port needs no stanza (as in ifupdown2), so this is known only
 * once EAL has probed its devices: called before dpb_ctl_create, so that a
 * file naming a device nowhere is refused before any port is touched.
 * Main lcore, after rte_eal_init. @return 0, or -ENODEV with a
 * `file:line: error:` logged for each (dpbond.cfg).
 */
int dpb_ctl_check_devices(const struct dpb_cfg *cfg);

/**
 * Keeps the status where monitoring looks: with @p dir, Linux's
 * /proc/net/bonding and bonding sysfs files for the bonds under DIR/proc and
 * DIR/sys (ctl_status.c); with @p prom_file, a node exporter textfile.
 * Either may be NULL. Both are written at once, then kept up to date by the
 * control loop, and removed by dpb_ctl_destroy(). Main lcore, after
 * dpb_ctl_create(). @return 0, or -EACCES (-ENOMEM) with why on stderr.
 */
int dpb_ctl_set_status(struct dpb_ctl *c, const char *dir, const char *prom_file);

/**
 * The status files' directory and textfile (NULL when not kept), files
 * written and writes that failed. Main lcore. @return false when neither
 * --status-dir nor --prom-file was given.
 */
bool dpb_ctl_status_info(const struct dpb_ctl *c, const char **dir, const char **prom,
			 uint64_t *writes, uint64_t *failures);

/** One line on the status files and textfile, for `show ctl` (nothing when off). Main lcore. */
void dpb_ctl_show_status(const struct dpb_ctl *c, struct dpb_strbuf *out);

/**
 * The mbuf pools, one per NUMA node (`pool dpb_mbufs_s0: NUMA node 0, N
 * mbufs, M free`), and each worker's lcore, node and rx queues, for `show
 * ctl`. Main lcore.
 */
void dpb_ctl_show_pools(const struct dpb_ctl *c, struct dpb_strbuf *out);

/**
 * Whether @p dir can take the status tree (created if missing). For a
 * refusal before anything starts. @return 0, or -errno with why in @p err.
 */
int dpb_ctl_check_status_dir(const char *dir, char *err, size_t errlen);

/**
 * Makes the run directory @p dir (0700) if it is missing, and checks it:
 * a folder owned by this user that no one else may write, since VM ports'
 * sockets and the control socket go there. Before dpb_ctl_create(). Any
 * thread. @return 0, or -errno with why in @p err.
 */
int dpb_ctl_run_dir(const char *dir, char *err, size_t errlen);

/**
 * Makes the coming dpb_ctl_destroy() a handover: the host ports' TAPs stay,
 * up, with their addresses and routes, for the next dpbond to take over
 * (their carrier is off in between), and no down hooks run. VM ports'
 * sockets go as always: the VMs reconnect to the next dpbond. Main lcore.
 */
void dpb_ctl_handover(struct dpb_ctl *c);

/**
 * Stops the workers and the ports, reports mbufs not returned to the pool,
 * and frees everything. A host port's TAP is removed, but at a handover.
 * @return 0, or -EIO when mbufs were missing from the pool at the end.
 */
int dpb_ctl_destroy(struct dpb_ctl *c);

/**
 * One turn of the main loop: forwards one pass when the main lcore forwards,
 * and runs the control work when it is due (about every millisecond).
 * @return true when the control work ran (a good moment to poll the console).
 */
bool dpb_ctl_run(struct dpb_ctl *c);

/** Runs the main loop for @p ms milliseconds (the console's `sleep`). */
void dpb_ctl_run_for(struct dpb_ctl *c, unsigned int ms);

/**
 * Warps the control plane's clock (as Open vSwitch's time/warp does): moves
 * it @p ms milliseconds ahead in steps of @p step_ms (0: 1), running the
 * control work (link monitors, LACP, announcements, ageing, rebalancing)
 * once a step, and a forwarding pass first when the main lcore forwards.
 * Deterministic when the main lcore forwards (one lcore); with workers,
 * frames in flight still move in wall-clock time. Only after
 * dpb_ctl_allow_warp() (dpbond --test-clock). Main lcore. @return 0, or
 * -EPERM with why in @p out (may be NULL).
 */
int dpb_ctl_warp(struct dpb_ctl *c, unsigned int ms, unsigned int step_ms, struct dpb_strbuf *out);

/** Lets dpb_ctl_warp() move the clock (tests only). Main lcore. */
void dpb_ctl_allow_warp(struct dpb_ctl *c);

/** Milliseconds since the control plane started (plus any warp). */
uint64_t dpb_ctl_now_ms(const struct dpb_ctl *c);

/**
 * Where `reload` reads the configuration from: @p path, with the
 * `--port` names @p ports (kept by the caller) and `--no-host-ports`.
 * Before the console starts. Main lcore.
 */
void dpb_ctl_set_source(const char *path, const struct dpb_cfg_port_arg *ports,
			unsigned int n_ports, bool no_host_ports);

/**
 * `reload`: reads the file again (dpb_ctl_set_source), validates it whole
 * and applies only what changed (dpb_ctl_reload). The file's diagnostics
 * (`file:line: error: ...`) and what was done go to @p out. Control lcore.
 * @return 0, -EINVAL when the file (or what it asks) is refused: the running
 *   configuration is then exactly as it was; -ENOENT without a file.
 */
int dpb_ctl_reload_file(struct dpb_ctl *c, struct dpb_strbuf *out);

/**
 * Applies configuration @p cfg (loaded and valid) to the running appliance:
 * interfaces are matched by name, and only the difference is applied:
 * ports added and removed, bonds whose members or settings changed built
 * again (keeping their active member), bridges' ports and VLANs, VM ports,
 * host ports and their addresses. Bonds, bridges and ports that did not
 * change are not touched and forward throughout. VM ports added at the
 * console stay (as ifreload keeps Proxmox's tap ports). A running port
 * whose device or MTU changed is refused (no restarts). Control lcore.
 * @return 0; -EINVAL or -ENODEV (refused, reason in @p out, nothing
 *   changed); -ENOMEM; another -errno when a new port cannot start
 *   (refused, nothing changed).
 */
int dpb_ctl_reload(struct dpb_ctl *c, const struct dpb_cfg *cfg, struct dpb_strbuf *out);

/**
 * Asks the control loop to reload the file at its next turn (SIGHUP, as
 * `systemctl reload`). Async-signal-safe.
 */
void dpb_ctl_ask_reload(void);

/* Console actions. Each returns 0 or -errno and writes its text to @p out
 * (an error message when it fails). Names are interface names or ethdev
 * port numbers. */

int dpb_ctl_show_bonding(struct dpb_ctl *c, const char *bond, struct dpb_strbuf *out);

/** What `show ... json` (and telemetry) can answer. */
enum dpb_ctl_view {
	DPB_VIEW_BONDING,    /**< show bonding BOND */
	DPB_VIEW_LACP,       /**< show lacp BOND */
	DPB_VIEW_BRIDGE,     /**< show bridge BRIDGE */
	DPB_VIEW_PORT_STATS, /**< show port stats NAME|all */
	DPB_VIEW_DROPS,      /**< show drops */
	DPB_VIEW_WORKERS,    /**< the workers' counters */
	DPB_VIEW_WORKER_STATS, /**< show worker stats */
};

/**
 * `show ... json`: view @p view of @p arg (a name; ignored by the drops and
 * workers views) as one JSON document, fields in doc/json.md. Control lcore.
 * @return 0, -ENOENT (nothing of that name: the console's message in @p out)
 * or -ENOMEM.
 */
int dpb_ctl_show_json(struct dpb_ctl *c, enum dpb_ctl_view view, const char *arg,
		      struct dpb_strbuf *out);
int dpb_ctl_show_port_stats(struct dpb_ctl *c, const char *name, struct dpb_strbuf *out);
int dpb_ctl_clear_port_stats(struct dpb_ctl *c, struct dpb_strbuf *out);
int dpb_ctl_show_drops(struct dpb_ctl *c, struct dpb_strbuf *out);
/**
 * `show worker stats`: each worker's polls, frames, busy and idle cycles,
 * frames per rx burst and cycles per frame (doc/usage.md), since the start
 * or the last dpb_ctl_clear_worker_stats(). Control lcore. @return 0.
 */
int dpb_ctl_show_worker_stats(struct dpb_ctl *c, struct dpb_strbuf *out);
/** `clear worker stats`: the workers' load counts from zero again. Control lcore. @return 0. */
int dpb_ctl_clear_worker_stats(struct dpb_ctl *c, struct dpb_strbuf *out);
int dpb_ctl_show_lacp(struct dpb_ctl *c, const char *bond, struct dpb_strbuf *out);
int dpb_ctl_show_bridge(struct dpb_ctl *c, const char *bridge, struct dpb_strbuf *out);
/**
 * The entries in bridge @p bridge's FDB now (what `show bridge` counts,
 * without rendering them). Control lcore. @return the count, or -ENOENT.
 */
int dpb_ctl_fdb_entries(const struct dpb_ctl *c, const char *bridge);
int dpb_ctl_set_link(struct dpb_ctl *c, const char *port, bool up, struct dpb_strbuf *out);
int dpb_ctl_set_primary(struct dpb_ctl *c, const char *member, const char *bond,
			struct dpb_strbuf *out);
int dpb_ctl_set_mode(struct dpb_ctl *c, const char *mode, const char *bond,
		     struct dpb_strbuf *out);
int dpb_ctl_set_forwarding(struct dpb_ctl *c, bool on, struct dpb_strbuf *out);

/**
 * `set bonding xmit_hash_policy POLICY BOND`: the hashing modes' policy
 * (Linux's names or numbers), changed while the bond runs, as Linux's sysfs
 * allows; it stays until the bond's stanza changes in a reload. Control lcore.
 * @return 0, -ENOENT (no such bond) or -EINVAL (no such policy), with the
 * console's message in @p out.
 */
int dpb_ctl_set_hash_policy(struct dpb_ctl *c, const char *policy, const char *bond,
			    struct dpb_strbuf *out);

/**
 * The handle of bond @p name for dpb_ctl_bond_xmit(), valid until the
 * configuration is next applied. Main lcore. @return it (>= 0) or -ENOENT.
 */
int dpb_ctl_bond_handle(struct dpb_ctl *c, const char *name);

/**
 * Sends @p n frames through the transmit of the bond whose handle is @p bond
 * (dpb_ctl_bond_handle()), as a worker does after its bridge lookup (members
 * chosen by the mode, per-member bursts), on the main lcore's worker:
 * dpb-bench's bond stage. Main lcore, only when it forwards itself (no worker
 * lcores). @return frames sent, queued in the members' tx buffers and
 * counted as drops together (n), or -ENOENT / -EBUSY.
 */
int dpb_ctl_bond_xmit(struct dpb_ctl *c, int bond, struct rte_mbuf **pkts, uint16_t n);

/**
 * Adds VM port @p name to @p bridge: dpbond serves vhost-user socket
 * RUN_DIR/NAME.sock (mode 0600) and the port forwards once a VM connects;
 * the other ports keep forwarding meanwhile. @p name may carry Proxmox's
 * VLAN settings, NAME:tag=VLAN or NAME:trunks=VLANS (dpb_cfg_add_vhost_port).
 * Control lcore (console).
 * @return 0, or -errno with the reason in @p out.
 */
int dpb_ctl_add_vhost_port(struct dpb_ctl *c, const char *bridge, const char *name,
			   struct dpb_strbuf *out);

/**
 * Removes VM port @p name from @p bridge: no worker touches it after the
 * new snapshot, then its device is closed and its socket removed. Control
 * lcore (console). @return 0, or -ENOENT with the reason in @p out.
 */
int dpb_ctl_remove_bridge_port(struct dpb_ctl *c, const char *bridge, const char *name,
			       struct dpb_strbuf *out);

#endif
