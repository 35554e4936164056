/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpbondctl: a running dpbond's console over its control socket.
 *
 *   dpbondctl [--socket PATH] COMMAND...   one command; its answer on stdout
 *   dpbondctl [--socket PATH]              a console: line editing and history
 *                                          (libedit) on a terminal, lines
 *                                          from a pipe otherwise
 *
 * Exit status: 0 the command (every command) succeeded, 1 one was refused
 * (its answer on stderr), 2 a usage error or no daemon to ask.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <editline/readline.h>

#define DEFAULT_SOCKET "/run/dpbond/dpbond.ctl"
#define LINE_MAX_LEN 1000
#define EXIT_USAGE 2

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "dpbondctl: %s: path too long\n", path);
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "dpbondctl: no dpbond answers on %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static bool send_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n <= 0)
			return false;
		s += n;
		len -= (size_t)n;
	}
	return true;
}

/* Reads one byte at a time up to a newline: the answer's header. */
static bool read_header(int fd, int *status, size_t *len)
{
	char hdr[64];
	size_t n = 0;

	while (n < sizeof(hdr) - 1) {
		if (recv(fd, hdr + n, 1, 0) != 1)
			return false;
		if (hdr[n++] == '\n')
			break;
	}
	hdr[n] = '\0';
	return sscanf(hdr, "%d %zu", status, len) == 2;
}

/*
 * Sends @line and prints its answer (to stderr when refused).
 * @return 0 or 1 as the daemon said, or -1 when the daemon went away.
 */
static int ask(int fd, const char *line)
{
	char buf[65536];
	int status;
	size_t len;

	if (strlen(line) > LINE_MAX_LEN) {
		fprintf(stderr, "dpbondctl: a command is at most %d characters\n", LINE_MAX_LEN);
		return 1;
	}
	if (!send_all(fd, line, strlen(line)) || !send_all(fd, "\n", 1) ||
	    !read_header(fd, &status, &len)) {
		fprintf(stderr, "dpbondctl: the daemon closed the connection\n");
		return -1;
	}
	while (len) {
		ssize_t n = recv(fd, buf, len < sizeof(buf) ? len : sizeof(buf), 0);

		if (n <= 0) {
			fprintf(stderr, "dpbondctl: the answer was cut short\n");
			return -1;
		}
		fwrite(buf, 1, (size_t)n, status ? stderr : stdout);
		len -= (size_t)n;
	}
	fflush(stdout);
	return status ? 1 : 0;
}

/* A console: libedit on a terminal, plain lines from a pipe. @return the exit status. */
static int console(int fd)
{
	bool tty = isatty(STDIN_FILENO);
	int worst = 0;

	if (tty)
		using_history();
	for (;;) {
		char *line = NULL;
		size_t cap = 0;
		int rc;

		if (tty) {
			line = readline("dpbond> ");
		} else if (getline(&line, &cap, stdin) < 0) {
			free(line);
			line = NULL;
		}
		if (line == NULL)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0') {
			free(line);
			continue;
		}
		if (tty)
			add_history(line);
		rc = ask(fd, line);
		free(line);
		if (rc < 0)
			return EXIT_USAGE;
		if (rc > worst)
			worst = rc;
	}
	return tty ? 0 : worst;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: dpbondctl [--socket PATH] [COMMAND...]\n"
		     "  --socket PATH  dpbond's control socket (default " DEFAULT_SOCKET ")\n"
		     "  without COMMAND: a console (try: help)\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = DEFAULT_SOCKET;
	char line[LINE_MAX_LEN + 2] = "";
	int opt, fd, rc;

	/* Options come before the command: a command's own words are its. */
	while ((opt = getopt_long(argc, argv, "+s:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (strlen(line) + strlen(argv[i]) + 2 > sizeof(line)) {
			fprintf(stderr, "dpbondctl: a command is at most %d characters\n", LINE_MAX_LEN);
			return EXIT_USAGE;
		}
		if (i > optind)
			strcat(line, " ");
		strcat(line, argv[i]);
	}
	fd = connect_to(path);
	if (fd < 0)
		return EXIT_USAGE;
	if (optind == argc) {
		rc = console(fd);
	} else {
		rc = ask(fd, line);
		if (rc < 0)
			rc = EXIT_USAGE;
	}
	close(fd);
	return rc;
}
