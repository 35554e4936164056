/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_STRBUF_H
#define DPB_STRBUF_H

/**
 * @file
 * A growable, always NUL-terminated text buffer for renderers (status text,
 * diagnostics). Control-plane only: it allocates.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct dpb_strbuf {
	char *s;        /**< text, NUL-terminated; never NULL after init */
	size_t len;     /**< bytes used, without the NUL */
	size_t cap;     /**< bytes allocated */
	bool oom;       /**< an append failed for lack of memory; text is truncated */
};

/** Initialises an empty buffer (no allocation until the first append). */
void dpb_strbuf_init(struct dpb_strbuf *sb);

/** Frees the buffer's memory and leaves it empty and usable. */
void dpb_strbuf_free(struct dpb_strbuf *sb);

/** Empties the buffer, keeping its memory. */
void dpb_strbuf_reset(struct dpb_strbuf *sb);

/**
 * Appends printf-style text.
 * @return 0, or -ENOMEM (the buffer keeps what fitted and sets oom).
 */
int dpb_strbuf_printf(struct dpb_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** va_list form of dpb_strbuf_printf(). */
int dpb_strbuf_vprintf(struct dpb_strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/** Appends a string. @return 0 or -ENOMEM. */
int dpb_strbuf_puts(struct dpb_strbuf *sb, const char *str);

/**
 * Writes @p in into @p out (@p len bytes, NUL-terminated, cut short if it
 * must) with its control characters and DEL as \xNN, newline and tab kept
 * when @p keep_lines: what a user, a file or the wire gave never reaches a
 * terminal raw. Any thread. @return @p out.
 */
const char *dpb_escape_controls(const char *in, char *out, size_t len, bool keep_lines);

/**
 * Appends @p str with its control characters other than newline and tab
 * (and DEL) written as \xNN: for text that may echo what a user or a file
 * gave, so that it never reaches a terminal raw. @return 0 or -ENOMEM.
 */
int dpb_strbuf_puts_escaped(struct dpb_strbuf *sb, const char *str);

/** The text (an empty string for a fresh buffer). */
const char *dpb_strbuf_str(const struct dpb_strbuf *sb);

#endif
