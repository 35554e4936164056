/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reader is total: every file ends in bounded time and memory with a
 * verdict. A file that sources itself, a cycle through two files, a file
 * sourced again and again, a device, a FIFO, a directory, a file that is
 * too big; an error after more warnings than are kept; names that could
 * reach a device's arguments or a path; control characters in messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg_util.h"

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether some diagnostic's message contains @text. */
static bool has_diag(enum dpb_diag_severity sev, const char *text)
{
	for (unsigned int i = 0; i < cfg.n_diags; i++)
		if (cfg.diags[i].severity == sev && strstr(cfg.diags[i].msg, text))
			return true;
	return false;
}

/* Ten lines that source the file itself: each an error at its line, at once. */
static void test_self_source(void **state)
{
	char text[512] = "iface eth0 inet manual\n";
	double t0 = seconds();

	(void)state;
	for (int k = 0; k < 10; k++)
		strcat(text, "source interfaces\n");
	assert_int_equal(load(text), -EINVAL);
	assert_true(seconds() - t0 < 2.0);
	assert_int_equal(cfg.n_errors, 10);
	for (unsigned int line = 2; line <= 11; line++)
		expect_diag_at(line, DPB_DIAG_ERROR, "'source' cycle: ", true);
}

/* interfaces -> a -> b -> a: the cycle named where it closes; `source *` in its own folder too. */
static void test_cycles(void **state)
{
	(void)state;
	write_file("d/a", "source b\n");
	write_file("d/b", "iface eth1 inet manual\nsource a\n");
	assert_int_equal(load("source d/a\n"), -EINVAL);
	assert_int_equal(cfg.n_errors, 1);
	assert_true(has_diag(DPB_DIAG_ERROR, "'source' cycle: "));
	assert_true(has_diag(DPB_DIAG_ERROR, "/d/a is already being read"));
	assert_int_equal(cfg.diags[0].loc.line, 2);
	assert_non_null(strstr(cfg.diags[0].loc.file, "/d/b"));

	write_file("e/x1", "source *\n");
	write_file("e/x2", "iface eth2 inet manual\n");
	assert_int_equal(load("source e/x1\n"), -EINVAL);
	assert_true(has_diag(DPB_DIAG_ERROR, "/e/x1 is already being read"));
}

/* A file read again and again (no cycle): stopped after 256 reads, not 10^5. */
static void test_read_again_and_again(void **state)
{
	char text[256] = "";
	double t0 = seconds();

	(void)state;
	for (int k = 0; k < 10; k++)
		strcat(text, "source next\n");
	for (int level = 0; level < 5; level++) {
		char name[32];

		snprintf(name, sizeof(name), "r%d/next", level);
		write_file(name, level < 4 ? "source r/next\n" : "iface eth0 inet manual\n");
	}
	/* r0/next ... r4/next, each sourcing the next folder's ten times. */
	for (int level = 0; level < 4; level++) {
		char name[32], body[256] = "";

		for (int k = 0; k < 10; k++) {
			char l[32];

			snprintf(l, sizeof(l), "source ../r%d/next\n", level + 1);
			strcat(body, l);
		}
		snprintf(name, sizeof(name), "r%d/next", level);
		write_file(name, body);
	}
	write_file("next", "source r0/next\nsource r0/next\nsource r0/next\n");
	assert_int_equal(load(text), -EINVAL);
	assert_true(seconds() - t0 < 5.0);
	assert_true(has_diag(DPB_DIAG_ERROR, "more than 256 files read"));
}

/* Only regular files: a device, a FIFO, a directory named by `source`. */
static void test_not_regular(void **state)
{
	const char *fifo = write_file("pipe/keep", "");
	char path[256];
	double t0 = seconds();

	(void)state;
	snprintf(path, sizeof(path), "%.*s/fifo", (int)(strrchr(fifo, '/') - fifo), fifo);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(load("source /dev/zero\n"
			      "source pipe/fifo\n"
			      "source pipe\n"), -EINVAL);
	assert_true(seconds() - t0 < 2.0);
	expect_diag(1, DPB_DIAG_ERROR, "/dev/zero is not a regular file");
	assert_int_equal(cfg.n_errors, 3);
	assert_true(has_diag(DPB_DIAG_ERROR, "/pipe/fifo is not a regular file"));
	assert_true(has_diag(DPB_DIAG_ERROR, "/pipe is not a regular file"));
	/* source-directory: a FIFO in it is an error, a folder in it is passed over. */
	{
		const char *ok = write_file("sd/ok", "iface eth4 inet manual\n");
		int base = (int)(strrchr(ok, '/') - ok);

		snprintf(path, sizeof(path), "%.*s/sub", base, ok);
		assert_int_equal(mkdir(path, 0700), 0);
		snprintf(path, sizeof(path), "%.*s/fifo", base, ok);
		assert_int_equal(mkfifo(path, 0600), 0);
	}
	assert_int_equal(load("source-directory sd\n"), -EINVAL);
	assert_int_equal(cfg.n_errors, 1);
	assert_true(has_diag(DPB_DIAG_ERROR, "/sd/fifo is not a regular file"));
	assert_non_null(iface("eth4"));
}

/* Too big: a file of 2 MiB (sparse) is refused, and so is one that says size 0 but goes on. */
static void test_too_big(void **state)
{
	const char *big = write_file("big", "");
	int fd = open(big, O_WRONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2 << 20), 0);
	close(fd);
	assert_int_equal(load("source big\n"), -EINVAL);
	assert_true(has_diag(DPB_DIAG_ERROR, "/big is larger than 1048576 bytes"));
	/* /proc/self/pagemap says size 0 and would give gigabytes. */
	assert_int_equal(load("source /proc/self/pagemap\n"), -EINVAL);
	assert_true(has_diag(DPB_DIAG_ERROR, "/proc/self/pagemap is larger than 1048576 bytes"));
}

/* 100 warnings, then an error: the error is shown, and the count of what was not. */
static void test_error_after_many_warnings(void **state)
{
	char *text = calloc(1, 8192);

	(void)state;
	strcat(text, "iface vmbr0 inet manual\n    bridge-ports bond0\n"
		     "iface bond0 inet manual\n    bond-slaves eth0\n");
	for (int k = 0; k < 100; k++)
		strcat(text, "    bond-frobnicate 1\n");
	strcat(text, "    bond-mode nosuchmode\n");
	assert_int_equal(load(text), -EINVAL);
	free(text);
	assert_int_equal(cfg.n_errors, 1);
	assert_true(cfg.n_warnings >= 100);
	assert_int_equal(cfg.n_warning_diags, 32);
	assert_int_equal(cfg.n_diags_dropped, cfg.n_warnings - 32);
	assert_true(has_diag(DPB_DIAG_ERROR, "nosuchmode"));
	expect_diag_at(105, DPB_DIAG_ERROR, "", true);
}

/* Names that could reach a device's arguments or a path are refused. */
static void test_names(void **state)
{
	static const char *const bad[] = {
		"vm,client=1", "a=b", "a,b", ".", "..", "a/b", "sixteen-chars-xx",
		"bell\x07", "del\x7f",
	};

	(void)state;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		char text[128];

		snprintf(text, sizeof(text), "auto vmbr0\niface vmbr0 inet manual\n    bridge-ports %s\n",
			 bad[k]);
		assert_int_equal(load(text), -EINVAL);
		if (!has_diag(DPB_DIAG_ERROR, "is not a valid interface name"))
			fail_msg("'%s' was not refused", bad[k]);
	}
	assert_int_equal(load("iface vmbr0 inet manual\n    bridge-ports fifteen-chars-x\n"), 0);
	/* And through the console's `add bridge port`. */
	assert_int_equal(load("iface vmbr0 inet manual\n    bridge-ports eth0\n"), 0);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, dpb_cfg_find(&cfg, "vmbr0"), "vm,client=1"),
			 -EINVAL);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, dpb_cfg_find(&cfg, "vmbr0"), ".."), -EINVAL);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, dpb_cfg_find(&cfg, "vmbr0"), "vm 1"), -EINVAL);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, dpb_cfg_find(&cfg, "vmbr0"), "vm\t1"), -EINVAL);
	assert_true(dpb_cfg_add_vhost_port(&cfg, dpb_cfg_find(&cfg, "vmbr0"), "vm100") >= 0);
}

/* VM ports come and go under ever new names (a long-lived host): a removed one's slot is reused. */
static void test_vm_ports_come_and_go(void **state)
{
	int br;

	(void)state;
	assert_int_equal(load("iface vmbr0 inet manual\n    bridge-ports eth0\n"), 0);
	br = dpb_cfg_find(&cfg, "vmbr0");
	for (int k = 0; k < 500; k++) {
		char name[16];
		int i;

		snprintf(name, sizeof(name), "vm%d", 100 + k);
		i = dpb_cfg_add_vhost_port(&cfg, br, name);
		if (i < 0)
			fail_msg("adding VM port %d (%s): %d", k, name, i);
		assert_string_equal(cfg.ifaces[i].name, name);
		assert_int_equal(dpb_cfg_remove_bridge_port(&cfg, i), 1);
	}
	assert_true(cfg.n_ifaces <= DPB_CFG_MAX_IFACES);
	/* With every slot a live port, the next is refused for room, not for its name. */
	{
		int rc = 0;

		for (int k = 0; k < 1000 && rc >= 0; k++) {
			char name[16];

			snprintf(name, sizeof(name), "vm%d", 1000 + k);
			rc = dpb_cfg_add_vhost_port(&cfg, br, name);
		}
		assert_int_equal(rc, -ENOSPC);
		assert_int_equal(dpb_cfg_add_vhost_port(&cfg, br, "vmlast"), -ENOSPC);
	}
}

/* A file's control characters never reach the terminal raw. */
static void test_control_characters(void **state)
{
	char line[DPB_CFG_DIAG_TEXT_LEN];

	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n    bond-mode \x1b[2Jx\n"), -EINVAL);
	for (unsigned int i = 0; i < cfg.n_diags; i++) {
		dpb_cfg_diag_format(&cfg.diags[i], line, sizeof(line));
		for (const char *c = line; *c; c++)
			assert_true((unsigned char)*c >= 0x20 && *c != 0x7f);
	}
	assert_true(has_diag(DPB_DIAG_ERROR, "\\x1b[2Jx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_source),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_read_again_and_again),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_error_after_many_warnings),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_vm_ports_come_and_go),
		cmocka_unit_test(test_control_characters),
	};

	return cmocka_run_group_tests(tests, cfg_setup, cfg_teardown);
}
