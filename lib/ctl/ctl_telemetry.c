/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpbond's telemetry commands (/dpbond/...), read with dpdk-telemetry.py.
 *
 * DPDK's telemetry thread calls the callbacks, but the state they read is
 * the control lcore's. So a callback hands its request to the control
 * loop and waits (at most TEL_WAIT_MS): the loop answers between two turns
 * (ctl_telemetry_serve), from the same JSON documents the console's
 * `show ... json` prints, converted to telemetry's data. The loop never
 * waits on the telemetry thread: it only tries the lock.
 *
 * Telemetry's data is flatter than JSON: names of [A-Za-z0-9_/] only
 * (other characters become '_'), no booleans (1 or 0), no null (the field is
 * left out), no real numbers (a real, always in hundredths here, becomes
 * the string "12.34"), and arrays of scalars only; so an array of
 * objects becomes an object keyed by each element's "name" (or its index),
 * and a bridge's FDB is given as its size, not its entries.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <rte_telemetry.h>

#include "ctl_priv.h"

#define TEL_WAIT_MS 2000

enum tel_list { TEL_VIEW, TEL_BONDS, TEL_BRIDGES, TEL_PORTS };

struct tel_cmd {
	const char *path;
	enum tel_list list;        /* a list of names, or the view below */
	enum dpb_ctl_view view;
	bool named;                /* takes a name after the comma */
	const char *help;
};

static const struct tel_cmd tel_cmds[] = {
	{ "/dpbond/bonds", TEL_BONDS, 0, false, "The bonds' names." },
	{ "/dpbond/bond", TEL_VIEW, DPB_VIEW_BONDING, true,
	  "A bond's status, as `show bonding BOND json`. Parameters: bond name" },
	{ "/dpbond/lacp", TEL_VIEW, DPB_VIEW_LACP, true,
	  "An 802.3ad bond's LACP machines, as `show lacp BOND json`. Parameters: bond name" },
	{ "/dpbond/bridges", TEL_BRIDGES, 0, false, "The bridges' names." },
	{ "/dpbond/bridge", TEL_VIEW, DPB_VIEW_BRIDGE, true,
	  "A bridge's ports and FDB size, as `show bridge BRIDGE json`. Parameters: bridge name" },
	{ "/dpbond/ports", TEL_PORTS, 0, false, "The ports' and bonds' names." },
	{ "/dpbond/stats", TEL_VIEW, DPB_VIEW_PORT_STATS, true,
	  "A port's or bond's counters, as `show port stats NAME json`. Parameters: name or all" },
	{ "/dpbond/drops", TEL_VIEW, DPB_VIEW_DROPS, false,
	  "Frames not forwarded, by interface and reason, as `show drops json`." },
	{ "/dpbond/workers", TEL_VIEW, DPB_VIEW_WORKERS, false,
	  "Each worker's counters and load, as `show workers json`." },
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;        /* CLOCK_MONOTONIC */
	struct dpb_ctl *ctl;        /* NULL: not serving */
	bool registered;
	bool pending, done;         /* a request is waiting; it was answered */
	const struct tel_cmd *cmd;
	const char *param;
	struct rte_tel_data *d;
	int rc;
	uint64_t served, timed_out;
} tel = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void tel_name(char *out, size_t len, const char *key)
{
	size_t i = 0;

	for (; key[i] && i + 1 < len; i++) {
		char ch = key[i];

		out[i] = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
			 (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '/' ? ch : '_';
	}
	out[i] = '\0';
}

static void tel_put(struct rte_tel_data *d, const char *key, json_t *v);

/* An object's members, or an array of objects keyed by name or index, into dict @d. */
static void tel_fill_dict(struct rte_tel_data *d, json_t *v)
{
	rte_tel_data_start_dict(d);
	if (json_is_object(v)) {
		const char *k;
		json_t *e;

		json_object_foreach(v, k, e)
			tel_put(d, k, e);
		return;
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);
		const char *name = json_string_value(json_object_get(e, "name"));
		char idx[24];

		if (name == NULL) {
			snprintf(idx, sizeof(idx), "%zu", i);
			name = idx;
		}
		tel_put(d, name, e);
	}
}

static bool scalar_array(json_t *v)
{
	json_t *e = json_array_get(v, 0);

	return e == NULL || json_is_string(e) || json_is_integer(e);
}

static struct rte_tel_data *tel_array(json_t *v)
{
	struct rte_tel_data *a = rte_tel_data_alloc();
	bool strings = json_is_string(json_array_get(v, 0));

	if (a == NULL)
		return NULL;
	rte_tel_data_start_array(a, strings ? RTE_TEL_STRING_VAL : RTE_TEL_U64_VAL);
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);

		if (strings)
			rte_tel_data_add_array_string(a, json_string_value(e));
		else
			rte_tel_data_add_array_u64(a, (uint64_t)json_integer_value(e));
	}
	return a;
}

static void tel_put(struct rte_tel_data *d, const char *key, json_t *v)
{
	char name[RTE_TEL_MAX_STRING_LEN];
	struct rte_tel_data *c;

	tel_name(name, sizeof(name), key);
	switch (json_typeof(v)) {
	case JSON_STRING:
		rte_tel_data_add_dict_string(d, name, json_string_value(v));
		break;
	case JSON_INTEGER:
		if (json_integer_value(v) < 0)
			rte_tel_data_add_dict_int(d, name, (int)json_integer_value(v));
		else
			rte_tel_data_add_dict_u64(d, name, (uint64_t)json_integer_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		rte_tel_data_add_dict_u64(d, name, json_is_true(v));
		break;
	case JSON_REAL: {    /* hundredths (the workers' load): "12.34" */
		char num[32];

		snprintf(num, sizeof(num), "%.2f", json_real_value(v));
		rte_tel_data_add_dict_string(d, name, num);
		break;
	}
	case JSON_ARRAY:
	case JSON_OBJECT:
		if (json_is_array(v) && scalar_array(v)) {
			c = tel_array(v);
			if (c && rte_tel_data_add_dict_container(d, name, c, 0) < 0)
				rte_tel_data_free(c);
			break;
		}
		c = rte_tel_data_alloc();   /* an object, or an array of objects keyed */
		if (c == NULL)
			break;
		tel_fill_dict(c, v);
		if (rte_tel_data_add_dict_container(d, name, c, 0) < 0)
			rte_tel_data_free(c);
		break;
	default:   /* null: left out */
		break;
	}
}

static json_t *tel_list(const struct dpb_ctl *c, enum tel_list list)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < c->n_ifs; i++)
		if ((list == TEL_BONDS && c->ifs[i].bond >= 0) ||
		    (list == TEL_BRIDGES && c->ifs[i].bridge >= 0) ||
		    (list == TEL_PORTS && ctl_has_stats(c, (int)i)))
			json_array_append_new(a, json_string(c->ifs[i].name));
	return a;
}

/* Answers the pending request into its data. Control lcore, tel.lock held. */
static int tel_answer(struct dpb_ctl *c)
{
	const struct tel_cmd *cmd = tel.cmd;
	struct dpb_strbuf err;
	json_t *o;

	if (cmd->list != TEL_VIEW) {
		o = tel_list(c, cmd->list);
		rte_tel_data_start_array(tel.d, RTE_TEL_STRING_VAL);
		for (size_t i = 0; i < json_array_size(o); i++)
			rte_tel_data_add_array_string(tel.d, json_string_value(json_array_get(o, i)));
		json_decref(o);
		return 0;
	}
	dpb_strbuf_init(&err);
	if (cmd->named && (tel.param == NULL || *tel.param == '\0'))
		dpb_strbuf_printf(&err, "%s needs a name: %s,NAME", cmd->path, cmd->path);
	o = err.len ? NULL : ctl_view_json(c, cmd->view, tel.param ? tel.param : "", &err);
	if (o == NULL) {
		/* A clear answer, not a bare null: {"error": "no bond named 'x'"}. */
		size_t n = err.len;

		while (n && err.s[n - 1] == '\n')
			err.s[--n] = '\0';
		rte_tel_data_start_dict(tel.d);
		rte_tel_data_add_dict_string(tel.d, "error", n ? err.s : "out of memory");
		dpb_strbuf_free(&err);
		return 0;
	}
	dpb_strbuf_free(&err);
	if (cmd->view == DPB_VIEW_BRIDGE)
		json_object_del(o, "fdb");      /* its size is there: fdb_entries */
	tel_fill_dict(tel.d, o);
	json_decref(o);
	return 0;
}

void ctl_telemetry_serve(struct dpb_ctl *c)
{
	if (!tel.registered || pthread_mutex_trylock(&tel.lock) != 0)
		return;
	if (tel.pending && !tel.done) {
		tel.rc = tel_answer(c);
		tel.done = true;
		tel.served++;
		pthread_cond_broadcast(&tel.cond);
	}
	pthread_mutex_unlock(&tel.lock);
}

static const struct tel_cmd *tel_find(const char *path)
{
	for (size_t i = 0; i < sizeof(tel_cmds) / sizeof(tel_cmds[0]); i++)
		if (strcmp(tel_cmds[i].path, path) == 0)
			return &tel_cmds[i];
	return NULL;
}

/* Telemetry thread: hands the request to the control loop and waits for the answer. */
static int tel_cb(const char *path, const char *params, struct rte_tel_data *d)
{
	const struct tel_cmd *cmd = tel_find(path);
	struct timespec until;
	int rc = -EBUSY;

	if (cmd == NULL)
		return -EINVAL;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += TEL_WAIT_MS / 1000;
	pthread_mutex_lock(&tel.lock);
	while (tel.pending)         /* another client's request first */
		if (pthread_cond_timedwait(&tel.cond, &tel.lock, &until) == ETIMEDOUT)
			goto out;
	if (tel.ctl == NULL) {
		rc = -ENODEV;
		goto out;
	}
	tel.cmd = cmd;
	tel.param = params;
	tel.d = d;
	tel.done = false;
	tel.pending = true;
	while (!tel.done)
		if (pthread_cond_timedwait(&tel.cond, &tel.lock, &until) == ETIMEDOUT) {
			tel.timed_out++;   /* the control loop is stuck: no answer */
			break;
		}
	rc = tel.done ? tel.rc : -ETIMEDOUT;
	tel.pending = false;
	pthread_cond_broadcast(&tel.cond);
out:
	pthread_mutex_unlock(&tel.lock);
	return rc;
}

int ctl_telemetry_init(struct dpb_ctl *c)
{
	pthread_condattr_t ca;

	pthread_mutex_lock(&tel.lock);
	tel.ctl = c;
	pthread_mutex_unlock(&tel.lock);
	if (tel.registered)
		return 0;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&tel.cond, &ca);
	pthread_condattr_destroy(&ca);
	for (size_t i = 0; i < sizeof(tel_cmds) / sizeof(tel_cmds[0]); i++)
		if (rte_telemetry_register_cmd(tel_cmds[i].path, tel_cb, tel_cmds[i].help) < 0) {
			DPB_LOG(ERR, CTL, "cannot register telemetry command %s",
				tel_cmds[i].path);
			return -EINVAL;
		}
	tel.registered = true;
	return 0;
}

void ctl_telemetry_fini(void)
{
	pthread_mutex_lock(&tel.lock);
	tel.ctl = NULL;
	pthread_mutex_unlock(&tel.lock);
}
