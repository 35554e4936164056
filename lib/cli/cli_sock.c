/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket: the console's commands over a unix stream socket, for
 * dpbondctl, scripts and monitoring. The main lcore polls it between turns
 * of the control loop, never waiting on it: accept, recv and send are
 * non-blocking, a command runs to its end (bounded as at the console) and
 * its answer waits in the client's buffer; a client that does not take its
 * answer within SOCK_STALL_MS, sends a line longer than SOCK_LINE_MAX or
 * leaves is dropped, and the others carry on.
 *
 * Each answer is a header line "STATUS LENGTH\n" (STATUS 0: done, 1:
 * refused or not understood) and LENGTH bytes of the console's text.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli_priv.h"
#include "dpb_cli.h"
#include "dpb_log.h"

#define SOCK_MAX_CLIENTS 16
#define SOCK_LINE_MAX 1024
#define SOCK_STALL_MS 5000

struct sock_client {
	int fd;                       /* -1: free slot */
	char in[SOCK_LINE_MAX];
	size_t in_len;
	struct dpb_strbuf out;        /* answers not yet taken */
	size_t out_off;
	uint64_t waiting_since_ms;    /* its answer waits since then; 0: nothing waits */
};

static struct {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct cmdline *cl;           /* the parser the socket's commands go through */
	struct sock_client clients[SOCK_MAX_CLIENTS];
	unsigned long accepted, closed, dropped;
} sock = { .fd = -1 };

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int dpb_cli_sock_open(const char *path, const char *group)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t mode = group ? 0660 : 0600;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		DPB_LOG(ERR, CLI, "%s: a control socket path is at most %zu bytes", path,
			sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	/* A socket an earlier run left behind would refuse the bind; one that
	 * answers is another dpbond's. */
	if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		bool live = probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0;

		if (probe >= 0)
			close(probe);
		if (live) {
			DPB_LOG(ERR, CLI, "%s: another process answers on this control socket (--ctl-socket PATH, or none)",
				path);
			return -EADDRINUSE;
		}
		unlink(path);
	}
	sock.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sock.fd < 0 || bind(sock.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, mode) < 0 || listen(sock.fd, SOCK_MAX_CLIENTS) < 0) {
		int rc = -errno;

		DPB_LOG(ERR, CLI, "%s: control socket: %s", path, strerror(errno));
		if (sock.fd >= 0)
			close(sock.fd);
		sock.fd = -1;
		return rc;
	}
	if (group) {
		struct group *g = getgrnam(group);

		if (g == NULL || chown(path, (uid_t)-1, g->gr_gid) < 0) {
			DPB_LOG(ERR, CLI, "%s: control socket: group %s: %s", path, group,
				g ? strerror(errno) : "no such group");
			close(sock.fd);
			unlink(path);
			sock.fd = -1;
			return -EINVAL;
		}
	}
	snprintf(sock.path, sizeof(sock.path), "%s", path);
	for (unsigned int i = 0; i < SOCK_MAX_CLIENTS; i++)
		sock.clients[i].fd = -1;
	return 0;
}

/* Ends @c: it left (@misbehaved false), or stalled or sent too long a line. */
static void drop(struct sock_client *c, bool misbehaved)
{
	close(c->fd);
	c->fd = -1;
	dpb_strbuf_free(&c->out);
	if (misbehaved)
		sock.dropped++;
	else
		sock.closed++;
}

/*
 * A refusal, framed as an answer, sent once without waiting (the client is
 * going). What the client sent and dpbond did not read is read away first
 * (up to 64 KiB, never waiting): a unix socket closed with unread data
 * resets its peer, whose read may then lose the refusal.
 */
static void refuse(int fd, const char *why)
{
	char msg[160], sink[4096];
	int n = snprintf(msg, sizeof(msg), "1 %zu\n%s\n", strlen(why) + 1, why);

	if (n > 0)
		(void)!send(fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
	for (int i = 0; i < 16 && recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0; i++)
		;
}

/* Runs one command line; its answer, framed, goes to @c's buffer. */
static void run(struct sock_client *c, const char *line)
{
	struct dpb_strbuf body;
	char cmd[SOCK_LINE_MAX + 2];
	int rc;

	dpb_strbuf_init(&body);
	cli.capture = &body;
	cli.capture_failed = false;
	snprintf(cmd, sizeof(cmd), "%s\n", line);   /* the parser wants the newline */
	rc = cmdline_parse(sock.cl, cmd);
	if (rc == CMDLINE_PARSE_AMBIGUOUS || rc == CMDLINE_PARSE_NOMATCH ||
	    rc == CMDLINE_PARSE_BAD_ARGS) {
		char esc[SOCK_LINE_MAX * 4];

		dpb_strbuf_printf(&body, "%s: %s (try: help)\n",
				  rc == CMDLINE_PARSE_AMBIGUOUS ? "ambiguous command" : "bad command",
				  dpb_escape_controls(line, esc, sizeof(esc), true));
		cli.capture_failed = true;
	}
	cli.capture = NULL;
	dpb_strbuf_printf(&c->out, "%d %zu\n", cli.capture_failed || body.oom ? 1 : 0, body.len);
	dpb_strbuf_puts(&c->out, dpb_strbuf_str(&body));
	dpb_strbuf_free(&body);
	if (c->waiting_since_ms == 0)
		c->waiting_since_ms = now_ms();
}

/* Runs the complete lines @c has sent. @return false when it must go. */
static bool take_lines(struct sock_client *c)
{
	char *nl;

	while ((nl = memchr(c->in, '\n', c->in_len)) != NULL) {
		size_t n = (size_t)(nl - c->in);
		char line[SOCK_LINE_MAX];
		const char *s = line;

		memcpy(line, c->in, n);
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		memmove(c->in, nl + 1, c->in_len - n - 1);
		c->in_len -= n + 1;
		while (*s == ' ' || *s == '\t')
			s++;
		if (memchr(line, '\0', n ? n - (line[n - 1] == '\0') : 0) != NULL) {
			/* A NUL inside the line: what follows it would be lost. */
			dpb_strbuf_printf(&c->out, "1 %zu\n%s\n", sizeof("a NUL byte in the command: refused"),
					  "a NUL byte in the command: refused");
			continue;
		}
		if (*s != '\0')
			run(c, s);
	}
	return c->in_len < sizeof(c->in);   /* a full buffer without a newline: too long */
}

/* Sends what @c's answers hold. @return false when it must go. */
static bool give_answers(struct sock_client *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.s + c->out_off, c->out.len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return false;
			return now_ms() - c->waiting_since_ms < SOCK_STALL_MS;
		}
		c->out_off += (size_t)n;
	}
	dpb_strbuf_reset(&c->out);
	c->out_off = 0;
	c->waiting_since_ms = 0;
	return true;
}

static void serve(struct sock_client *c)
{
	if (!give_answers(c)) {
		drop(c, true);
		return;
	}
	if (c->out.len)
		return;   /* its next command waits until it has taken this answer */
	for (;;) {
		ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
			drop(c, false);
			return;
		}
		if (n < 0)
			break;
		c->in_len += (size_t)n;
		if (!take_lines(c)) {
			refuse(c->fd, "a command line over 1023 bytes: dropped");
			drop(c, true);   /* a line longer than SOCK_LINE_MAX */
			return;
		}
		if (c->out.len)
			break;
	}
	if (!give_answers(c))
		drop(c, true);
}

void cli_sock_poll(void)
{
	int fd;

	if (sock.fd < 0)
		return;
	if (sock.cl == NULL && (sock.cl = cmdline_new(cli_ctx, "", -1, -1)) == NULL)
		return;
	while ((fd = accept4(sock.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		unsigned int i = 0;

		while (i < SOCK_MAX_CLIENTS && sock.clients[i].fd >= 0)
			i++;
		if (i == SOCK_MAX_CLIENTS) {
			refuse(fd, "too many clients at once (16): try again");
			close(fd);   /* too many at once: this one goes */
			sock.dropped++;
			continue;
		}
		memset(&sock.clients[i], 0, sizeof(sock.clients[i]));
		sock.clients[i].fd = fd;
		dpb_strbuf_init(&sock.clients[i].out);
		sock.accepted++;
	}
	for (unsigned int i = 0; i < SOCK_MAX_CLIENTS; i++)
		if (sock.clients[i].fd >= 0)
			serve(&sock.clients[i]);
}

void dpb_cli_sock_close(void)
{
	for (unsigned int i = 0; i < SOCK_MAX_CLIENTS; i++)
		if (sock.clients[i].fd >= 0)
			drop(&sock.clients[i], false);
	if (sock.cl)
		cmdline_free(sock.cl);
	sock.cl = NULL;
	if (sock.fd >= 0) {
		close(sock.fd);
		unlink(sock.path);
	}
	sock.fd = -1;
}

bool cli_sock_stats(struct cli_sock_stats *st)
{
	if (sock.fd < 0)
		return false;
	st->path = sock.path;
	st->clients = 0;
	for (unsigned int i = 0; i < SOCK_MAX_CLIENTS; i++)
		st->clients += sock.clients[i].fd >= 0;
	st->accepted = sock.accepted;
	st->closed = sock.closed;
	st->dropped = sock.dropped;
	return true;
}

void cli_sock_show(struct dpb_strbuf *out)
{
	struct cli_sock_stats st;

	if (!cli_sock_stats(&st)) {
		dpb_strbuf_puts(out, "no control socket\n");
		return;
	}
	dpb_strbuf_printf(out, "control socket %s: %u client%s, %lu accepted, %lu closed, %lu dropped (stalled %d s, a line over %d bytes, or more than %d at once)\n",
			  st.path, st.clients, st.clients == 1 ? "" : "s", st.accepted, st.closed,
			  st.dropped, SOCK_STALL_MS / 1000, SOCK_LINE_MAX - 1, SOCK_MAX_CLIENTS);
}
