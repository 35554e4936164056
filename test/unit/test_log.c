/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpbond's log types and its journal stream, through DPDK's rte_log without
 * EAL (rte_log writes to stderr before rte_eal_init): stderr is a file of
 * the test's, JOURNAL_STREAM names it or not, and the file is read back.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dpb_log.h"

static char path[] = "/tmp/dpb-test-log.XXXXXX";
static int saved_stderr = -1;

/* stderr becomes a fresh, empty file of the test's. */
static int to_file(void **state)
{
	int fd = mkstemp(path);

	(void)state;
	if (fd < 0)
		return -1;
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	unsetenv("JOURNAL_STREAM");
	rte_log_set_level_pattern("dpbond.*", RTE_LOG_INFO);
	return 0;
}

static int back(void **state)
{
	(void)state;
	dpb_log_close();
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	unlink(path);
	strcpy(path, "/tmp/dpb-test-log.XXXXXX");
	return 0;
}

/* What was written to stderr so far. */
static const char *written(void)
{
	static char buf[4096];
	FILE *f;
	size_t n;

	fflush(stderr);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void name_stderr_as_journal(void)
{
	struct stat st;
	char v[64];

	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(v, sizeof(v), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	setenv("JOURNAL_STREAM", v, 1);
}

static void test_journal_prefixes_once(void **state)
{
	(void)state;
	name_stderr_as_journal();
	assert_int_equal(dpb_log_open(), 1);
	assert_int_equal(dpb_log_open(), 1);  /* once is enough */
	DPB_LOG(ERR, LACP, "eth0: %s", "an error");
	DPB_LOG(WARNING, CFG, "f:1: warning: two\nlines");
	DPB_LOG(NOTICE, BOND, "bond0: notice");
	DPB_LOG(INFO, PORT, "eth1: info");
	DPB_LOG(DEBUG, LACP, "not logged: dpbond.lacp is at info");
	rte_log_set_level_pattern("dpbond.lacp", RTE_LOG_DEBUG);
	DPB_LOG(DEBUG, LACP, "eth0: debug");
	DPB_LOG(DEBUG, BOND, "not logged: only dpbond.lacp is at debug");
	assert_string_equal(written(),
			    "<3>eth0: an error\n"
			    "<4>f:1: warning: two\n<4>lines\n"
			    "<5>bond0: notice\n"
			    "<6>eth1: info\n"
			    "<7>eth0: debug\n");
	/* closed, messages are DPDK's way again: plain text on stderr */
	dpb_log_close();
	DPB_LOG(ERR, CTL, "plain");
	assert_string_equal(written() + strlen(written()) - strlen("<7>eth0: debug\nplain\n"),
			    "<7>eth0: debug\nplain\n");
}

static void test_not_journal_plain(void **state)
{
	(void)state;
	setenv("JOURNAL_STREAM", "0:0", 1);  /* systemd's, but not our stderr */
	assert_int_equal(dpb_log_open(), 0);
	DPB_LOG(WARNING, CFG, "f:2: warning: as ever");
	DPB_LOG(INFO, HOST, "vmbr0: host port");
	assert_string_equal(written(), "f:2: warning: as ever\nvmbr0: host port\n");
}

static void test_journal_stream_parsing(void **state)
{
	struct stat st;
	char v[80];

	(void)state;
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	assert_false(dpb_log_fd_is_journal(NULL, STDERR_FILENO));
	assert_false(dpb_log_fd_is_journal("", STDERR_FILENO));
	assert_false(dpb_log_fd_is_journal("journal", STDERR_FILENO));
	snprintf(v, sizeof(v), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	assert_true(dpb_log_fd_is_journal(v, STDERR_FILENO));
	snprintf(v, sizeof(v), "%ju:%ju ", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	assert_false(dpb_log_fd_is_journal(v, STDERR_FILENO));
	snprintf(v, sizeof(v), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino + 1);
	assert_false(dpb_log_fd_is_journal(v, STDERR_FILENO));
	snprintf(v, sizeof(v), "%ju", (uintmax_t)st.st_dev);
	assert_false(dpb_log_fd_is_journal(v, STDERR_FILENO));
	snprintf(v, sizeof(v), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	assert_false(dpb_log_fd_is_journal(v, -1));
}

static void flood_site(uint64_t now, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		DPB_LOG_RL(NOTICE, LACP, now, "eth0: malformed LACPDU %u", i);
}

static void test_rate_limited_site(void **state)
{
	char want[2048];
	size_t n = 0;

	(void)state;
	flood_site(1000, DPB_LOG_RL_BURST + 3);
	flood_site(1999, 2);
	flood_site(2000, 1);
	/* the first DPB_LOG_RL_BURST of the window, then the 5 held back counted */
	for (unsigned int i = 0; i < DPB_LOG_RL_BURST; i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "eth0: malformed LACPDU %u\n", i);
	snprintf(want + n, sizeof(want) - n,
		 "(suppressed 5 messages like the next)\neth0: malformed LACPDU 0\n");
	assert_string_equal(written(), want);
}

static void debug_site(uint64_t now)
{
	DPB_LOG_RL(DEBUG, LACP, now, "eth0: LACPDU");
}

static void test_rate_limit_spends_nothing_when_level_off(void **state)
{
	(void)state;
	/* at info, a hundred debug messages are neither logged nor counted */
	for (unsigned int i = 0; i < 100; i++)
		debug_site(0);
	rte_log_set_level_pattern("dpbond.lacp", RTE_LOG_DEBUG);
	debug_site(1);
	assert_string_equal(written(), "eth0: LACPDU\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_journal_prefixes_once, to_file, back),
		cmocka_unit_test_setup_teardown(test_not_journal_plain, to_file, back),
		cmocka_unit_test_setup_teardown(test_journal_stream_parsing, to_file, back),
		cmocka_unit_test_setup_teardown(test_rate_limited_site, to_file, back),
		cmocka_unit_test_setup_teardown(test_rate_limit_spends_nothing_when_level_off,
						to_file, back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
