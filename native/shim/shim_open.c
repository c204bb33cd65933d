/*
 * Finding and opening the devices: the open family (with the fortified __open_2 variants),
 * fopen, opendir, chdir, access, and the fd lifecycle (close, close_range, dup, dup2, dup3).
 * A device node opens a broker session; a name under the emulated /sys is redirected into the
 * shim's tree; everything else goes to libc untouched.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open, stat... must keep their own names, not become open64 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "shim.h"

#define ENOSYS_IF_MISSING(fn, fail)      \
	do {                             \
		if (!(fn)) {             \
			errno = ENOSYS;  \
			return fail;     \
		}                        \
	} while (0)

/*
 * What opening `path` means. Returns 1 when the shim answered (*result is the fd or -1 with
 * errno), else 0 with *use set to the path libc should open (translated into buf or as given).
 */
static int route_open(const char *path, int flags, const char **use, char *buf, int *result)
{
	struct shim_dev dev;
	enum shim_dev_kind kind;
	int node = shim_device_node(path, &dev, &kind);
	if (node > 0) {
		*result = shim_session_open(&dev, kind, flags);
		return 1;
	}
	if (node < 0) {
		errno = ENOENT; /* no such node: the broker does not serve that device */
		*result = -1;
		return 1;
	}
	*use = shim_sysfs_translate(path, buf, PATH_MAX) ? buf : path;
	return 0;
}

static int needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

#define VA_MODE(flags, last)                         \
	mode_t mode = 0;                              \
	if (needs_mode(flags)) {                      \
		va_list ap;                           \
		va_start(ap, last);                   \
		mode = (mode_t)va_arg(ap, int);       \
		va_end(ap);                           \
	}

SHIM_EXPORT int open(const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	const char *use;
	int res;
	VA_MODE(flags, flags);
	if (route_open(path, flags, &use, buf, &res))
		return res;
	ENOSYS_IF_MISSING(shim_real()->open, -1);
	return shim_real()->open(use, flags, mode);
}

SHIM_EXPORT int open64(const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	const char *use;
	int res;
	VA_MODE(flags, flags);
	if (route_open(path, flags, &use, buf, &res))
		return res;
	ENOSYS_IF_MISSING(shim_real()->open64, -1);
	return shim_real()->open64(use, flags, mode);
}

SHIM_EXPORT int __open_2(const char *path, int flags)
{
	char buf[PATH_MAX];
	const char *use;
	int res;
	if (route_open(path, flags, &use, buf, &res))
		return res;
	ENOSYS_IF_MISSING(shim_real()->open_2, -1);
	return shim_real()->open_2(use, flags);
}

SHIM_EXPORT int __open64_2(const char *path, int flags)
{
	char buf[PATH_MAX];
	const char *use;
	int res;
	if (route_open(path, flags, &use, buf, &res))
		return res;
	ENOSYS_IF_MISSING(shim_real()->open64_2, -1);
	return shim_real()->open64_2(use, flags);
}

/* openat: only absolute names can be ours; relative ones are relative to a real dirfd. */
SHIM_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	const char *use = path;
	int res;
	VA_MODE(flags, flags);
	if (shim_absolute(path) && route_open(path, flags, &use, buf, &res))
		return res;
	ENOSYS_IF_MISSING(shim_real()->openat, -1);
	return shim_real()->openat(dirfd, use, flags, mode);
}

SHIM_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	const char *use = path;
	int res;
	VA_MODE(flags, flags);
	if (shim_absolute(path) && route_open(path, flags, &use, buf, &res))
		return res;
	ENOSYS_IF_MISSING(shim_real()->openat64, -1);
	return shim_real()->openat64(dirfd, use, flags, mode);
}

SHIM_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	char buf[PATH_MAX];
	const char *use = path;
	int res;
	if (shim_absolute(path) && route_open(path, flags, &use, buf, &res))
		return res;
	ENOSYS_IF_MISSING(shim_real()->openat_2, -1);
	return shim_real()->openat_2(dirfd, use, flags);
}

SHIM_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	char buf[PATH_MAX];
	const char *use = path;
	int res;
	if (shim_absolute(path) && route_open(path, flags, &use, buf, &res))
		return res;
	ENOSYS_IF_MISSING(shim_real()->openat64_2, -1);
	return shim_real()->openat64_2(dirfd, use, flags);
}

/* fopen's mode string as open(2) flags. */
static int fopen_flags(const char *mode)
{
	int flags = mode[0] == 'r' ? O_RDONLY : mode[0] == 'w' ? O_WRONLY | O_CREAT | O_TRUNC : O_WRONLY | O_CREAT | O_APPEND;
	for (const char *m = mode + 1; *m; m++) {
		if (*m == '+')
			flags = (flags & ~O_ACCMODE) | O_RDWR;
		else if (*m == 'e')
			flags |= O_CLOEXEC;
		else if (*m == 'x')
			flags |= O_EXCL;
	}
	return flags;
}

static FILE *fopen_common(const char *path, const char *mode, FILE *(*real_fopen)(const char *, const char *))
{
	char buf[PATH_MAX];
	const char *use;
	int fd;
	if (!mode || !mode[0]) {
		errno = EINVAL;
		return NULL;
	}
	if (route_open(path, fopen_flags(mode), &use, buf, &fd)) {
		FILE *f = fd >= 0 ? fdopen(fd, mode) : NULL;
		if (!f && fd >= 0) {
			int saved = errno;
			shim_session_forget(fd);
			shim_real()->close(fd);
			errno = saved;
		}
		return f;
	}
	ENOSYS_IF_MISSING(real_fopen, NULL);
	return real_fopen(use, mode);
}

SHIM_EXPORT FILE *fopen(const char *path, const char *mode)
{
	return fopen_common(path, mode, shim_real()->fopen);
}

SHIM_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	return fopen_common(path, mode, shim_real()->fopen64);
}

SHIM_EXPORT DIR *opendir(const char *path)
{
	char buf[PATH_MAX];
	ENOSYS_IF_MISSING(shim_real()->opendir, NULL);
	return shim_real()->opendir(shim_sysfs_translate(path, buf, sizeof(buf)) ? buf : path);
}

SHIM_EXPORT int chdir(const char *path)
{
	char buf[PATH_MAX];
	ENOSYS_IF_MISSING(shim_real()->chdir, -1);
	return shim_real()->chdir(shim_sysfs_translate(path, buf, sizeof(buf)) ? buf : path);
}

/*
 * access on a device node asks about its socket: who may connect is who may open. Returns 1
 * when answered (*result set), else 0 with the path to use.
 */
static int route_access(const char *path, int mode, int effective, const char **use, char *buf, int *result)
{
	struct shim_dev dev;
	enum shim_dev_kind kind;
	int node = shim_device_node(path, &dev, &kind);
	if (node > 0) {
		ENOSYS_IF_MISSING(shim_real()->faccessat, 1);
		*result = shim_real()->faccessat(AT_FDCWD, dev.socket, mode, effective ? AT_EACCESS : 0);
		return 1;
	}
	if (node < 0) {
		errno = ENOENT;
		*result = -1;
		return 1;
	}
	*use = shim_sysfs_translate(path, buf, PATH_MAX) ? buf : path;
	return 0;
}

SHIM_EXPORT int access(const char *path, int mode)
{
	char buf[PATH_MAX];
	const char *use;
	int res = -1;
	if (route_access(path, mode, 0, &use, buf, &res))
		return res;
	ENOSYS_IF_MISSING(shim_real()->access, -1);
	return shim_real()->access(use, mode);
}

SHIM_EXPORT int eaccess(const char *path, int mode)
{
	char buf[PATH_MAX];
	const char *use;
	int res = -1;
	if (route_access(path, mode, 1, &use, buf, &res))
		return res;
	ENOSYS_IF_MISSING(shim_real()->eaccess, -1);
	return shim_real()->eaccess(use, mode);
}

SHIM_EXPORT int euidaccess(const char *path, int mode)
{
	return eaccess(path, mode);
}

SHIM_EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
	char buf[PATH_MAX];
	const char *use = path;
	int res = -1;
	if (shim_absolute(path) && route_access(path, mode, (flags & AT_EACCESS) != 0, &use, buf, &res))
		return res;
	ENOSYS_IF_MISSING(shim_real()->faccessat, -1);
	return shim_real()->faccessat(dirfd, use, mode, flags);
}

/* The socket closes with the fd; the broker releases the session when its last copy goes. */
SHIM_EXPORT int close(int fd)
{
	shim_session_forget(fd);
	ENOSYS_IF_MISSING(shim_real()->close, -1);
	return shim_real()->close(fd);
}

SHIM_EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	if (!(flags & CLOSE_RANGE_CLOEXEC))
		shim_session_forget_range(first, last);
	ENOSYS_IF_MISSING(shim_real()->close_range, -1);
	return shim_real()->close_range(first, last, flags);
}

SHIM_EXPORT int dup(int fd)
{
	int res;
	ENOSYS_IF_MISSING(shim_real()->dup, -1);
	res = shim_real()->dup(fd);
	if (res >= 0)
		shim_session_alias(fd, res);
	return res;
}

SHIM_EXPORT int dup2(int oldfd, int newfd)
{
	int res;
	ENOSYS_IF_MISSING(shim_real()->dup2, -1);
	res = shim_real()->dup2(oldfd, newfd);
	if (res >= 0 && oldfd != newfd) {
		shim_session_forget(newfd); /* whatever newfd was, it was closed */
		shim_session_alias(oldfd, newfd);
	}
	return res;
}

SHIM_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	int res;
	ENOSYS_IF_MISSING(shim_real()->dup3, -1);
	res = shim_real()->dup3(oldfd, newfd, flags);
	if (res >= 0) {
		shim_session_forget(newfd);
		shim_session_alias(oldfd, newfd);
	}
	return res;
}
