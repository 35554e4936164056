/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ifupdown reader: logical lines (comments, `\` continuations), stanzas
 * (`iface`, `auto`, `allow-*`, `mapping`), `source` and `source-directory`.
 * Options go to cfg_option.c; names are resolved by cfg_resolve.c.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_priv.h"
#include "dpb_strbuf.h"

/* @p s (@p size bytes) with its control characters as \xNN: a file's bytes are never printed raw. */
static void escape_controls(char *s, size_t size)
{
	char out[DPB_CFG_PATH_LEN + 256];

	dpb_escape_controls(s, out, sizeof(out), false);
	snprintf(s, size, "%.*s", (int)(size - 1), out);
}

void cfg_diag(struct dpb_cfg *cfg, enum dpb_diag_severity sev,
	      const struct dpb_cfg_loc *loc, const char *fmt, ...)
{
	struct dpb_cfg_diag *d;
	va_list ap;

	if (sev == DPB_DIAG_ERROR)
		cfg->n_errors++;
	else
		cfg->n_warnings++;
	/* Warnings have room for 32; the rest is the errors': no number of
	 * warnings can hide an error. */
	if (cfg->n_diags == DPB_CFG_MAX_DIAGS ||
	    (sev == DPB_DIAG_WARNING && cfg->n_warning_diags == DPB_CFG_MAX_WARNING_DIAGS)) {
		cfg->n_diags_dropped++;
		return;
	}
	cfg->n_warning_diags += sev == DPB_DIAG_WARNING;
	d = &cfg->diags[cfg->n_diags++];
	d->severity = sev;
	d->loc = *loc;
	escape_controls(d->loc.file, sizeof(d->loc.file));
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	escape_controls(d->msg, sizeof(d->msg));
}

int dpb_cfg_diag_format(const struct dpb_cfg_diag *d, char *buf, size_t len)
{
	const char *sev = d->severity == DPB_DIAG_ERROR ? "error" : "warning";

	if (d->loc.line)
		return snprintf(buf, len, "%s:%u: %s: %s", d->loc.file, d->loc.line, sev, d->msg);
	return snprintf(buf, len, "%s: %s: %s", d->loc.file, sev, d->msg);
}

void dpb_cfg_print_diags(const struct dpb_cfg *cfg, FILE *out)
{
	char line[DPB_CFG_DIAG_TEXT_LEN];

	for (unsigned int i = 0; i < cfg->n_diags; i++) {
		dpb_cfg_diag_format(&cfg->diags[i], line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
	if (cfg->n_diags_dropped)
		fprintf(out, "(%u more diagnostics not shown)\n", cfg->n_diags_dropped);
}

void cfg_note(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc, const char *fmt, ...)
{
	struct cfg_note *n;
	va_list ap;

	if (p->n_notes == CFG_MAX_NOTES) {
		cfg_diag(p->cfg, DPB_DIAG_WARNING, loc, "(more option warnings not shown)");
		return;
	}
	n = &p->notes[p->n_notes++];
	n->iface = i;
	n->loc = *loc;
	va_start(ap, fmt);
	vsnprintf(n->msg, sizeof(n->msg), fmt, ap);
	va_end(ap);
}

void cfg_flush_notes(struct cfg_parser *p)
{
	for (unsigned int k = 0; k < p->n_notes; k++) {
		const struct cfg_note *n = &p->notes[k];

		if (dpb_cfg_owned(p->cfg, n->iface))
			cfg_diag(p->cfg, DPB_DIAG_WARNING, &n->loc, "%s", n->msg);
	}
}

int dpb_cfg_find(const struct dpb_cfg *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_ifaces; i++)
		if (strcmp(cfg->ifaces[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool dpb_cfg_valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= DPB_NAME_LEN || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	/* Beyond Linux's rules: ',' and '=' would reach a device's arguments. */
	for (const char *c = name; *c; c++)
		if (*c == '/' || *c == ':' || *c == ',' || *c == '=' || isspace((unsigned char)*c) ||
		    (unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	return true;
}

int cfg_iface_get(struct dpb_cfg *cfg, const char *name, const struct dpb_cfg_loc *loc)
{
	struct dpb_cfg_iface *ifc;
	int i = dpb_cfg_find(cfg, name);

	if (i >= 0)
		return i;
	if (!dpb_cfg_valid_name(name)) {
		cfg_diag(cfg, DPB_DIAG_ERROR, loc,
			 "'%s' is not a valid interface name (1-15 characters, not . or .., no '/', ':', ',', '=', spaces or control characters)",
			 name);
		return -1;
	}
	if (cfg->n_ifaces == DPB_CFG_MAX_IFACES) {
		/* A VM port removed at run time, or a reload, leaves its slot to a new one. */
		for (unsigned int k = 0; k < cfg->n_ifaces && i < 0; k++)
			if (dpb_cfg_slot_unused(cfg, (int)k))
				i = (int)k;
		if (i < 0) {
			cfg_diag(cfg, DPB_DIAG_ERROR, loc, "too many interfaces (at most %d)",
				 DPB_CFG_MAX_IFACES);
			return -1;
		}
	} else {
		i = (int)cfg->n_ifaces++;
	}
	ifc = &cfg->ifaces[i];
	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->loc = *loc;
	ifc->kind = DPB_IFACE_PORT;
	ifc->master = -1;
	ifc->vlan_raw = -1;
	return i;
}

int cfg_set_kind(struct cfg_parser *p, int i, enum dpb_iface_kind kind,
		 const struct dpb_cfg_loc *loc)
{
	struct dpb_cfg_iface *ifc = &p->cfg->ifaces[i];

	if (ifc->kind == kind)
		return 0;
	if (ifc->kind != DPB_IFACE_PORT) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "%s has both bond and bridge options (%s options first at %s:%u)",
			 ifc->name, ifc->kind == DPB_IFACE_BOND ? "bond" : "bridge",
			 p->raw[i].kind_loc.file, p->raw[i].kind_loc.line);
		return -EINVAL;
	}
	ifc->kind = kind;
	p->raw[i].kind_loc = *loc;
	if (kind == DPB_IFACE_BOND) {
		struct dpb_cfg_bond *b = &ifc->bond;

		memset(b, 0, sizeof(*b));
		b->mode = DPB_BOND_MODE_BALANCE_RR;  /* Linux's default */
		b->primary = -1;
		b->num_grat_arp = 1;
		b->packets_per_slave = 1;
		b->tlb_dynamic_lb = true;
		b->lacp_active = true;
		b->ad_actor_sys_prio = 65535;
		b->arp_missed_max = 2;
		b->coupled_control = true;
		b->primary_reselect = DPB_PRIMARY_RESELECT_ALWAYS;
		b->xmit_hash_policy = DPB_XMIT_HASH_LAYER2;
	} else if (kind == DPB_IFACE_BRIDGE) {
		memset(&ifc->bridge, 0, sizeof(ifc->bridge));
		ifc->bridge.ageing_s = 300;
		ifc->bridge.fd_s = 15;   /* Linux's default, as if bridge_fd were absent */
	}
	return 0;
}

/* Splits @s in place into whitespace-separated words. @return the count. */
static int split_words(char *s, char **words, int max)
{
	int n = 0;

	while (n < max) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		words[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

static void parse_file(struct cfg_parser *p, const char *path,
		       const struct dpb_cfg_loc *from);

static void do_source(struct cfg_parser *p, const struct dpb_cfg_loc *loc,
		      const char *pattern, bool directory)
{
	char full[DPB_CFG_PATH_LEN * 2];
	glob_t g;

	if (pattern[0] != '/') {
		/* Relative to the directory of the file that sources it. */
		const char *slash = strrchr(loc->file, '/');
		int dirlen = slash ? (int)(slash - loc->file) : 1;

		snprintf(full, sizeof(full), "%.*s/%s", dirlen, slash ? loc->file : ".", pattern);
	} else {
		snprintf(full, sizeof(full), "%s", pattern);
	}
	if (glob(full, 0, NULL, &g) != 0) {
		/* No match is fine for a pattern; a plain path names a file (ifupdown2 warns). */
		if (strpbrk(pattern, "*?[") == NULL)
			cfg_diag(p->cfg, DPB_DIAG_WARNING, loc, "cannot find source file %s", full);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (!directory) {
			parse_file(p, g.gl_pathv[i], loc);
			continue;
		}
		/* run-parts rules: names of letters, digits, '_' and '-' only. */
		struct dirent **ents;
		int n = scandir(g.gl_pathv[i], &ents, NULL, alphasort);

		for (int k = 0; k < n; k++) {
			const char *nm = ents[k]->d_name;
			bool ok = nm[0] != '\0';

			for (const char *c = nm; *c; c++)
				if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
					ok = false;
			if (ok) {
				char f[DPB_CFG_PATH_LEN * 3];
				struct stat st;

				snprintf(f, sizeof(f), "%s/%s", g.gl_pathv[i], nm);
				/* As run-parts lists them: directories are passed over. */
				if (stat(f, &st) < 0 || !S_ISDIR(st.st_mode))
					parse_file(p, f, loc);
			}
			free(ents[k]);
		}
		if (n >= 0)
			free(ents);
	}
	globfree(&g);
}

/* The method word of an `iface` line for @family (1 inet, 2 inet6). */
static enum dpb_addr_method method_of(const char *w, unsigned int family)
{
	static const char *const words[DPB_METHOD_COUNT] = {
#define X(id, name) [DPB_METHOD_##id] = name,
		DPB_ADDR_METHODS(X)
#undef X
	};

	for (unsigned int m = DPB_METHOD_MANUAL; m < DPB_METHOD_COUNT; m++)
		if (strcmp(w, words[m]) == 0 && (m != DPB_METHOD_AUTO || family == 2))
			return (enum dpb_addr_method)m;
	return DPB_METHOD_NONE;
}

const char *dpb_addr_method_name(enum dpb_addr_method m)
{
	static const char *const words[DPB_METHOD_COUNT] = {
#define X(id, name) [DPB_METHOD_##id] = name,
		DPB_ADDR_METHODS(X)
#undef X
	};

	return (unsigned int)m < DPB_METHOD_COUNT ? words[m] : "?";
}

/*
 * `iface NAME [inet|inet6 [METHOD]]`, as ifupdown2 reads it: the family and
 * method may be left out (the stanza takes addresses of both families, and
 * a family without a method is static); several stanzas for one interface
 * are one interface, their options read in order, each family keeping the
 * method of its first stanza.
 */
static void do_iface(struct cfg_parser *p, const struct dpb_cfg_loc *loc,
		     char **w, int n)
{
	struct dpb_cfg_iface *ifc;
	enum dpb_addr_method method = DPB_METHOD_STATIC, *slot;
	unsigned int fam_bit = 0;
	int i;

	p->cur = -1;
	p->skipping = true;
	if (n < 2 || n > 4) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "'iface' wants a name, then maybe a family and a method: iface NAME [inet|inet6 [METHOD]]");
		return;
	}
	if (n >= 3) {
		if (strcmp(w[2], "inet") == 0) {
			fam_bit = 1;
		} else if (strcmp(w[2], "inet6") == 0) {
			fam_bit = 2;
		} else {
			cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
				 "unknown address family '%s' (inet or inet6)", w[2]);
			return;
		}
	}
	if (strchr(w[1], ':')) {
		cfg_diag(p->cfg, DPB_DIAG_WARNING, loc,
			 "%s: alias interfaces are not supported; the stanza is ignored (put its address on the interface itself, as another 'address' line)",
			 w[1]);
		return;
	}
	if (n == 4) {
		method = method_of(w[3], fam_bit);
		if (method == DPB_METHOD_NONE) {
			cfg_diag(p->cfg, DPB_DIAG_WARNING, loc,
				 "%s: method '%s' is not one dpbond applies (%s); read as manual: its addresses are left alone",
				 w[1], w[3], fam_bit == 2 ? "manual, static, auto, dhcp" :
				 "manual, static, dhcp, loopback");
			method = DPB_METHOD_MANUAL;
		}
	}
	i = cfg_iface_get(p->cfg, w[1], loc);
	if (i < 0)
		return;
	ifc = &p->cfg->ifaces[i];
	if (!ifc->has_stanza) {
		ifc->has_stanza = true;
		ifc->loc = *loc;
	}
	slot = fam_bit == 2 ? &ifc->inet6 : &ifc->inet;
	if (fam_bit && *slot == DPB_METHOD_NONE)
		*slot = method;
	else if (fam_bit && *slot != method)
		cfg_diag(p->cfg, DPB_DIAG_WARNING, loc,
			 "%s: another stanza gave its %s method as %s; the first stands (as in ifupdown2)",
			 w[1], w[2], dpb_addr_method_name(*slot));
	if (fam_bit == 0)
		p->raw[i].typeless = true;
	p->cur_family = fam_bit == 2 ? AF_INET6 : fam_bit == 1 ? AF_INET : 0;
	if (method == DPB_METHOD_LOOPBACK)
		ifc->kind = DPB_IFACE_LOOPBACK;
	p->cur = i;
	p->skipping = false;
}

static void do_line(struct cfg_parser *p, const struct dpb_cfg_loc *loc, char *line)
{
	char *w[64];
	int n = split_words(line, w, 64);

	if (n == 0)
		return;
	if (strcmp(w[0], "iface") == 0) {
		do_iface(p, loc, w, n);
	} else if (strcmp(w[0], "auto") == 0 || strncmp(w[0], "allow-", 6) == 0) {
		p->cur = -1;
		p->skipping = false;
		for (int k = 1; k < n; k++) {
			int i;

			if (strchr(w[k], ':')) {   /* an alias: its stanza is ignored too */
				cfg_diag(p->cfg, DPB_DIAG_WARNING, loc,
					 "%s: alias interfaces are not supported; ignored", w[k]);
				continue;
			}
			i = cfg_iface_get(p->cfg, w[k], loc);
			if (i >= 0)
				p->cfg->ifaces[i].is_auto = true;
		}
	} else if (strcmp(w[0], "source") == 0 || strcmp(w[0], "source-directory") == 0) {
		p->cur = -1;
		p->skipping = false;
		if (n != 2) {
			cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "'%s' wants exactly one path", w[0]);
			return;
		}
		do_source(p, loc, w[1], w[0][6] == '-');
	} else if (strcmp(w[0], "mapping") == 0 || strcmp(w[0], "rename") == 0) {
		cfg_diag(p->cfg, DPB_DIAG_WARNING, loc,
			 "'%s' stanzas are not supported: ignored with their options", w[0]);
		p->cur = -1;
		p->skipping = true;
	} else if (p->cur >= 0) {
		/* Re-join the value: options keep their words separated by one space. */
		char value[CFG_RAW_LEN] = "";
		size_t len = 0;

		for (int k = 1; k < n && len < sizeof(value); k++)
			len += (size_t)snprintf(value + len, sizeof(value) - len, "%s%s",
						k > 1 ? " " : "", w[k]);
		cfg_option(p, loc, w[0], value);
	} else if (!p->skipping) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "'%s' outside of an iface stanza", w[0]);
	}
}

/*
 * Opens @p path for parse_file: a regular file (never a device, a FIFO or a
 * directory: opened without blocking, then checked), not one already being
 * read (a `source` cycle), within the limits of one load. @return the
 * stream, or NULL after an error at @p at.
 */
static FILE *open_source(struct cfg_parser *p, const char *path, const struct dpb_cfg_loc *at)
{
	struct stat st;
	FILE *f;
	int fd;

	if (p->n_files == CFG_MAX_FILES) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, at, "more than %d files read ('source' lines read %s again and again?)",
			 CFG_MAX_FILES, path);
		return NULL;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, at, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, at, "%s is not a regular file", path);
		close(fd);
		return NULL;
	}
	for (int k = 0; k < p->depth; k++)
		if (p->reading[k].dev == st.st_dev && p->reading[k].ino == st.st_ino) {
			cfg_diag(p->cfg, DPB_DIAG_ERROR, at,
				 "'source' cycle: %s is already being read", path);
			close(fd);
			return NULL;
		}
	if (st.st_size > CFG_MAX_FILE_BYTES) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, at, "%s is larger than %u bytes", path,
			 CFG_MAX_FILE_BYTES);
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, at, "cannot read %s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	p->reading[p->depth].dev = st.st_dev;
	p->reading[p->depth].ino = st.st_ino;
	p->n_files++;
	return f;
}

/*
 * Reads one line of @p f (its newline kept) into @p out, counting bytes in
 * @p total: never more than CFG_MAX_FILE_BYTES a file, however long its
 * lines. @return 1, 0 at the end, -E2BIG past the limit, -errno on a read
 * error.
 */
static int read_line(FILE *f, struct dpb_strbuf *out, size_t *total)
{
	char buf[256];
	size_t n = 0;
	int ch;

	dpb_strbuf_reset(out);
	errno = 0;
	while ((ch = getc(f)) != EOF) {
		if (++*total > CFG_MAX_FILE_BYTES)
			return -E2BIG;
		buf[n++] = (char)ch;
		if (ch == '\n' || n == sizeof(buf) - 1) {
			buf[n] = '\0';
			dpb_strbuf_puts(out, buf);
			n = 0;
			if (ch == '\n')
				return 1;
		}
	}
	if (ferror(f))
		return errno ? -errno : -EIO;
	buf[n] = '\0';
	dpb_strbuf_puts(out, buf);
	return out->len > 0;
}

static void parse_file(struct cfg_parser *p, const char *path, const struct dpb_cfg_loc *from)
{
	struct dpb_cfg_loc loc = { .line = 0 };
	struct dpb_strbuf logical;
	struct dpb_strbuf raw;
	size_t total = 0;
	unsigned int lineno = 0;
	bool continued = false;
	int got;
	char *line;
	FILE *f;

	snprintf(loc.file, sizeof(loc.file), "%s", path);
	if (p->depth >= CFG_MAX_DEPTH) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, from,
			 "'source' nested more than %d deep", CFG_MAX_DEPTH);
		return;
	}
	f = open_source(p, path, from ? from : &loc);
	if (f == NULL)
		return;
	p->depth++;
	/* Stanzas never continue across files. */
	p->cur = -1;
	p->skipping = false;
	dpb_strbuf_init(&logical);
	dpb_strbuf_init(&raw);
	while ((got = read_line(f, &raw, &total)) > 0) {
		size_t len;
		bool cont;

		line = raw.s;
		len = strcspn(line, "\r\n");
		lineno++;
		line[len] = '\0';
		if (!continued) {
			const char *s = line;

			while (isspace((unsigned char)*s))
				s++;
			if (*s == '#')
				continue;
			loc.line = lineno;
			dpb_strbuf_reset(&logical);
		}
		cont = len > 0 && line[len - 1] == '\\';
		if (cont)
			line[len - 1] = ' ';
		dpb_strbuf_puts(&logical, line);
		continued = cont;
		if (!continued)
			do_line(p, &loc, logical.s);
	}
	if (got == -E2BIG) {
		/* A file that grows as it is read (/proc's say size 0) stops here. */
		loc.line = lineno + 1;
		cfg_diag(p->cfg, DPB_DIAG_ERROR, &loc, "%s is larger than %u bytes", path,
			 CFG_MAX_FILE_BYTES);
	} else if (got < 0) {
		loc.line = 0;
		cfg_diag(p->cfg, DPB_DIAG_ERROR, &loc, "cannot read the file: %s", strerror(-got));
	} else if (continued) {
		do_line(p, &loc, logical.s);
	}
	dpb_strbuf_free(&logical);
	dpb_strbuf_free(&raw);
	fclose(f);
	p->depth--;
	p->cur = -1;
	p->skipping = false;
}

static struct cfg_parser *parser_new(struct dpb_cfg *cfg, const struct dpb_cfg_port_arg *ports,
				     unsigned int n_ports)
{
	struct cfg_parser *p = calloc(1, sizeof(*p));

	memset(cfg, 0, sizeof(*cfg));
	if (p == NULL)
		return NULL;
	p->cfg = cfg;
	snprintf(cfg->run_dir, sizeof(cfg->run_dir), "/run/dpbond");
	p->cur = -1;
	p->port_args = ports;
	p->n_port_args = n_ports;
	return p;
}

int dpb_cfg_load(struct dpb_cfg *cfg, const char *path,
		 const struct dpb_cfg_port_arg *ports, unsigned int n_ports)
{
	struct cfg_parser *p = parser_new(cfg, ports, n_ports);
	int probe, rc;

	if (p == NULL)
		return -ENOMEM;
	probe = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (probe < 0) {
		struct dpb_cfg_loc loc = { .line = 0 };

		rc = -errno;
		snprintf(loc.file, sizeof(loc.file), "%s", path);
		cfg_diag(cfg, DPB_DIAG_ERROR, &loc, "cannot read the file: %s", strerror(-rc));
		free(p);
		return rc;
	}
	close(probe);
	parse_file(p, path, NULL);
	cfg_resolve(p);
	free(p);
	return cfg->n_errors ? -EINVAL : 0;
}
