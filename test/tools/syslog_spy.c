/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libdpb_syslog_spy.so, for LD_PRELOAD: what a process sends to syslog(3)
 * is appended to the file $DPB_SYSLOG_SPY as "<PRIORITY>message" instead,
 * so that a test can see whether a message went to syslog, and how often.
 * (syslog.h is not included: under _FORTIFY_SOURCE it wraps syslog.)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void syslog(int priority, const char *fmt, ...);
void vsyslog(int priority, const char *fmt, va_list ap);
void __syslog_chk(int priority, int flag, const char *fmt, ...);
void __vsyslog_chk(int priority, int flag, const char *fmt, va_list ap);

void vsyslog(int priority, const char *fmt, va_list ap)
{
	const char *path = getenv("DPB_SYSLOG_SPY");
	FILE *f;

	if (path == NULL || (f = fopen(path, "a")) == NULL)
		return;
	fprintf(f, "<%d>", priority & 7);
	vfprintf(f, fmt, ap);
	fclose(f);
}

void __vsyslog_chk(int priority, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	vsyslog(priority, fmt, ap);
}

void syslog(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(priority, fmt, ap);
	va_end(ap);
}

void __syslog_chk(int priority, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	vsyslog(priority, fmt, ap);
	va_end(ap);
}
