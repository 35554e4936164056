/* SPDX-License-Identifier: BSD-3-Clause */
/* A chroot by path rewriting, for fuzz targets that read files (fuzz_chroot.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_chroot.h"

static char root[PATH_MAX];
static size_t root_len;
static bool active;

/*
 * @p vpath as a real path under the root, ".." and "." taken out as the
 * kernel would in a chroot (a relative path is relative to "/").
 * @return 0, or -ENAMETOOLONG.
 */
static int to_real(const char *vpath, char *out, size_t cap)
{
	size_t len = root_len;
	const char *s = vpath;

	if (cap <= root_len)
		return -ENAMETOOLONG;
	memcpy(out, root, root_len + 1);
	while (*s) {
		size_t n;

		while (*s == '/')
			s++;
		n = strcspn(s, "/");
		if (n == 0)
			break;
		if (n == 1 && s[0] == '.') {
			/* nothing */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (len > root_len && out[len - 1] != '/')
				len--;
			if (len > root_len)
				len--;   /* the slash */
			out[len] = '\0';
		} else {
			if (len + 1 + n + 1 > cap)
				return -ENAMETOOLONG;
			out[len++] = '/';
			memcpy(out + len, s, n);
			len += n;
			out[len] = '\0';
		}
		s += n;
	}
	if (len == root_len) {   /* "/" itself */
		if (len + 2 > cap)
			return -ENAMETOOLONG;
		out[len++] = '/';
		out[len] = '\0';
	}
	return 0;
}

/* Maps @p path into @p buf when entered; NULL (errno set) when it cannot be. */
static const char *map(const char *path, char *buf)
{
	int rc;

	if (!active || path == NULL)
		return path;
	rc = to_real(path, buf, PATH_MAX);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	return buf;
}

#define MAPPED(path, fail)                       \
	char mapped_[PATH_MAX];                  \
	const char *real_ = map(path, mapped_);  \
	if (real_ == NULL)                       \
		return fail

typedef int (*dirent_select_fn)(const struct dirent *);
typedef int (*dirent_compare_fn)(const struct dirent **, const struct dirent **);
typedef int (*glob_error_fn)(const char *, int);

/*
 * The wrapped functions: the linker's --wrap=NAME sends the code's calls of
 * NAME to __wrap_NAME, and __real_NAME to the C library's NAME.
 */
#define WRAPPED(X)                                                                      \
	X(FILE *, fopen, (const char *path, const char *mode))                         \
	X(FILE *, fopen64, (const char *path, const char *mode))                       \
	X(int, open, (const char *path, int flags, ...))                               \
	X(int, open64, (const char *path, int flags, ...))                             \
	X(int, openat, (int dirfd, const char *path, int flags, ...))                  \
	X(int, openat64, (int dirfd, const char *path, int flags, ...))                \
	X(DIR *, opendir, (const char *path))                                          \
	X(int, scandir, (const char *dir, struct dirent ***list, dirent_select_fn sel, \
			 dirent_compare_fn cmp))                                        \
	X(int, scandir64, (const char *dir, struct dirent ***list, dirent_select_fn sel, \
			   dirent_compare_fn cmp))                                      \
	X(int, glob, (const char *pattern, int flags, glob_error_fn errfunc, glob_t *g)) \
	X(int, glob64, (const char *pattern, int flags, glob_error_fn errfunc, glob_t *g)) \
	X(int, stat, (const char *path, struct stat *st))                              \
	X(int, stat64, (const char *path, struct stat *st))                            \
	X(int, lstat, (const char *path, struct stat *st))                             \
	X(int, lstat64, (const char *path, struct stat *st))                           \
	X(int, access, (const char *path, int mode))                                   \
	X(char *, realpath, (const char *path, char *resolved))

#define DECLARE(ret, name, params) ret __real_##name params; ret __wrap_##name params;
WRAPPED(DECLARE)
#undef DECLARE

FILE *__wrap_fopen(const char *path, const char *mode)
{
	MAPPED(path, NULL);
	return __real_fopen(real_, mode);
}

FILE *__wrap_fopen64(const char *path, const char *mode)
{
	MAPPED(path, NULL);
	return __real_fopen64(real_, mode);
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, mode_t) : 0;
}

int __wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;

	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	MAPPED(path, -1);
	return __real_open(real_, flags, m);
}

int __wrap_open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;

	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	MAPPED(path, -1);
	return __real_open64(real_, flags, m);
}

/* openat: only what open would do (an absolute path, or one from the working directory). */
static void check_at(int dirfd, const char *path)
{
	if (active && dirfd != AT_FDCWD && path[0] != '/') {
		fprintf(stderr, "fuzz_chroot: openat relative to a descriptor: wrap it\n");
		abort();
	}
}

int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;

	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	check_at(dirfd, path);
	MAPPED(path, -1);
	return __real_openat(dirfd, real_, flags, m);
}

int __wrap_openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;

	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	check_at(dirfd, path);
	MAPPED(path, -1);
	return __real_openat64(dirfd, real_, flags, m);
}

DIR *__wrap_opendir(const char *path)
{
	MAPPED(path, NULL);
	return __real_opendir(real_);
}

int __wrap_scandir(const char *dir, struct dirent ***list, dirent_select_fn sel,
		   dirent_compare_fn cmp)
{
	MAPPED(dir, -1);
	return __real_scandir(real_, list, sel, cmp);
}

int __wrap_scandir64(const char *dir, struct dirent ***list, dirent_select_fn sel,
		     dirent_compare_fn cmp)
{
	MAPPED(dir, -1);
	return __real_scandir64(real_, list, sel, cmp);
}

int __wrap_stat(const char *path, struct stat *st)
{
	MAPPED(path, -1);
	return __real_stat(real_, st);
}

int __wrap_stat64(const char *path, struct stat *st)
{
	MAPPED(path, -1);
	return __real_stat64(real_, st);
}

int __wrap_lstat(const char *path, struct stat *st)
{
	MAPPED(path, -1);
	return __real_lstat(real_, st);
}

int __wrap_lstat64(const char *path, struct stat *st)
{
	MAPPED(path, -1);
	return __real_lstat64(real_, st);
}

int __wrap_access(const char *path, int mode)
{
	MAPPED(path, -1);
	return __real_access(real_, mode);
}

/* realpath answers with a virtual path: the root's prefix taken off. */
char *__wrap_realpath(const char *path, char *resolved)
{
	char buf[PATH_MAX];
	char *out;

	if (!active)
		return __real_realpath(path, resolved);
	MAPPED(path, NULL);
	if (__real_realpath(real_, buf) == NULL)
		return NULL;
	if (strncmp(buf, root, root_len) != 0 || (buf[root_len] != '/' && buf[root_len] != '\0')) {
		errno = EACCES;   /* cannot happen: the tree has no symbolic links */
		return NULL;
	}
	out = resolved ? resolved : malloc(PATH_MAX);
	if (out == NULL)
		return NULL;
	snprintf(out, PATH_MAX, "%s", buf[root_len] ? buf + root_len : "/");
	return out;
}

/* glob reads directories through these while entered (GLOB_ALTDIRFUNC). */
static void *v_opendir(const char *path)
{
	return __wrap_opendir(path);
}

static struct dirent *v_readdir(void *d)
{
	return readdir(d);
}

static void v_closedir(void *d)
{
	closedir(d);
}

static int glob_common(int (*real)(const char *, int, glob_error_fn, glob_t *),
		       const char *pattern, int flags, glob_error_fn errfunc, glob_t *g)
{
	if (!active)
		return real(pattern, flags, errfunc, g);
	g->gl_opendir = v_opendir;
	g->gl_readdir = v_readdir;
	g->gl_closedir = v_closedir;
	g->gl_stat = __wrap_stat;
	g->gl_lstat = __wrap_lstat;
	return real(pattern, flags | GLOB_ALTDIRFUNC, errfunc, g);
}

int __wrap_glob(const char *pattern, int flags, glob_error_fn errfunc, glob_t *g)
{
	return glob_common(__real_glob, pattern, flags, errfunc, g);
}

int __wrap_glob64(const char *pattern, int flags, glob_error_fn errfunc, glob_t *g)
{
	return glob_common(__real_glob64, pattern, flags, errfunc, g);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

void fuzz_chroot_clear(void)
{
	if (root_len)
		nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_root(void)
{
	fuzz_chroot_clear();
	rmdir(root);
}

int fuzz_chroot_init(const char *tag)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
	if (mkdtemp(root) == NULL)
		return -errno;
	root_len = strlen(root);
	atexit(remove_root);
	return 0;
}

int fuzz_chroot_write(const char *vpath, const void *data, size_t len)
{
	char real[PATH_MAX];
	FILE *f;
	int rc = to_real(vpath, real, sizeof(real));

	if (rc < 0)
		return rc;
	/* Its folders, one by one. */
	for (char *s = real + root_len + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		rc = mkdir(real, 0755);
		*s = '/';
		if (rc < 0 && errno != EEXIST)
			return -errno;
	}
	f = fopen(real, "w");
	if (f == NULL)
		return -errno;
	rc = fwrite(data, 1, len, f) == len ? 0 : -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

void fuzz_chroot_enter(void)
{
	active = true;
}

void fuzz_chroot_leave(void)
{
	active = false;
}
