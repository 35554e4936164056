/* SPDX-License-Identifier: BSD-3-Clause */
#include "dpb_strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char empty_str[1];

void dpb_strbuf_init(struct dpb_strbuf *sb)
{
	sb->s = empty_str;
	sb->len = 0;
	sb->cap = 0;
	sb->oom = false;
}

void dpb_strbuf_free(struct dpb_strbuf *sb)
{
	if (sb->cap)
		free(sb->s);
	dpb_strbuf_init(sb);
}

void dpb_strbuf_reset(struct dpb_strbuf *sb)
{
	sb->len = 0;
	if (sb->cap)
		sb->s[0] = '\0';
	sb->oom = false;
}

static int reserve(struct dpb_strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	size_t cap = sb->cap ? sb->cap : 256;
	char *s;

	if (need <= sb->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	s = realloc(sb->cap ? sb->s : NULL, cap);
	if (s == NULL) {
		sb->oom = true;
		return -ENOMEM;
	}
	if (!sb->cap)
		s[0] = '\0';
	sb->s = s;
	sb->cap = cap;
	return 0;
}

int dpb_strbuf_vprintf(struct dpb_strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -EINVAL;
	if (reserve(sb, (size_t)n) < 0)
		return -ENOMEM;
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return 0;
}

int dpb_strbuf_printf(struct dpb_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = dpb_strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
	return rc;
}

int dpb_strbuf_puts(struct dpb_strbuf *sb, const char *str)
{
	size_t n = strlen(str);

	if (reserve(sb, n) < 0)
		return -ENOMEM;
	memcpy(sb->s + sb->len, str, n + 1);
	sb->len += n;
	return 0;
}

const char *dpb_strbuf_str(const struct dpb_strbuf *sb)
{
	return sb->s;
}

const char *dpb_escape_controls(const char *in, char *out, size_t len, bool keep_lines)
{
	size_t o = 0;

	for (const unsigned char *c = (const unsigned char *)in; *c && o + 5 < len; c++) {
		if ((*c < 0x20 && !(keep_lines && (*c == '\n' || *c == '\t'))) || *c == 0x7f)
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", *c);
		else
			out[o++] = (char)*c;
	}
	if (len)
		out[o] = '\0';
	return out;
}

int dpb_strbuf_puts_escaped(struct dpb_strbuf *sb, const char *str)
{
	char chunk[4 * 64 + 8], in[65];
	int rc = 0;

	/* Through a bounded buffer, 64 bytes of @str at a time. */
	for (size_t off = 0, n = strlen(str); off < n && rc == 0; off += 64) {
		size_t k = n - off < 64 ? n - off : 64;

		memcpy(in, str + off, k);
		in[k] = '\0';
		rc = dpb_strbuf_puts(sb, dpb_escape_controls(in, chunk, sizeof(chunk), true));
	}
	return rc;
}
