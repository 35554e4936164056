/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FUZZ_CHROOT_H
#define FUZZ_CHROOT_H

/*
 * A chroot for the code under test, without privileges: a private directory
 * stands for "/", and while it is entered, every path that code passes to
 * the C library's file functions (fopen, open, glob, scandir, stat, lstat,
 * access, realpath, opendir) is normalised (".." stops at "/") and taken
 * under it. The wrapping is the linker's (--wrap, see meson.build), so it
 * applies to every object of the fuzz executable; the fuzz target's own file
 * work is done outside fuzz_chroot_enter()/fuzz_chroot_leave(). A file
 * function the code under test calls that is not wrapped (openat relative to
 * a directory descriptor) aborts the run: the list must grow with the code.
 * One thread.
 */

#include <stddef.h>

/** Makes the private directory ($TMPDIR or /tmp, named after @p tag); removed at exit. @return 0 or -errno. */
int fuzz_chroot_init(const char *tag);

/** Writes @p len bytes to virtual path @p vpath, making its folders. @return 0 or -errno. */
int fuzz_chroot_write(const char *vpath, const void *data, size_t len);

/** From here, file functions see the private directory as "/". */
void fuzz_chroot_enter(void);

/** From here, they see the real file system again. */
void fuzz_chroot_leave(void);

/** Removes everything under the private directory (not the directory). */
void fuzz_chroot_clear(void);

#endif
