/*
 * The stat family as glibc 2.36 exports it: stat/lstat/fstat/fstatat (GLIBC_2.33) and their
 * 64 names, the __xstat/__lxstat/__fxstat/__fxstatat entry points older binaries call, and
 * statx. A device node stats as a character device (mode, st_rdev) with its socket's owner and
 * permissions; a session fd fstats as the same character device, so the fwctl tool's
 * fstat → /sys/dev/char/MAJ:MIN lookup lands in the emulated sysfs. On x86_64 struct stat and
 * struct stat64 are one layout, so every variant funnels into two cores.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open, stat... must keep their own names, not become open64 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "shim.h"

_Static_assert(sizeof(struct stat) == sizeof(struct stat64), "struct stat64 is struct stat on this ABI");

#define STAT_VER_LINUX 1 /* _STAT_VER of the x86_64 __xstat ABI */

enum route { ROUTE_REAL, ROUTE_NODE, ROUTE_MISSING };

/* For ROUTE_NODE, *use is the socket and *rdev the node's number; for ROUTE_REAL, the path. */
static enum route route_stat(const char *path, const char **use, char *buf, dev_t *rdev)
{
	struct shim_dev dev;
	enum shim_dev_kind kind;
	int node = shim_device_node(path, &dev, &kind);
	if (node < 0)
		return ROUTE_MISSING;
	if (node > 0) {
		snprintf(buf, PATH_MAX, "%s", dev.socket);
		*use = buf;
		*rdev = shim_device_rdev(kind, dev.index);
		return ROUTE_NODE;
	}
	*use = shim_sysfs_translate(path, buf, PATH_MAX) ? buf : path;
	return ROUTE_REAL;
}

static void as_chardev(struct stat *st, mode_t mode, dev_t rdev)
{
	st->st_mode = mode;
	st->st_rdev = rdev;
	st->st_size = 0;
	st->st_blocks = 0;
}

static int core_path(int dirfd, const char *path, struct stat *st, int flags)
{
	const struct shim_real *r = shim_real();
	char buf[PATH_MAX];
	const char *use = path;
	dev_t rdev = 0;
	enum route how = ROUTE_REAL;
	if (!r->fstatat) {
		errno = ENOSYS;
		return -1;
	}
	if (shim_absolute(path))
		how = route_stat(path, &use, buf, &rdev);
	if (how == ROUTE_MISSING) {
		errno = ENOENT;
		return -1;
	}
	if (how == ROUTE_REAL)
		return r->fstatat(dirfd, use, st, flags);
	if (r->fstatat(AT_FDCWD, use, st, 0) < 0)
		return -1;
	as_chardev(st, S_IFCHR | (st->st_mode & 07777), rdev);
	return 0;
}

static int core_fd(int fd, struct stat *st)
{
	struct shim_session *s;
	if (!shim_real()->fstat) {
		errno = ENOSYS;
		return -1;
	}
	if (shim_real()->fstat(fd, st) < 0)
		return -1;
	s = shim_session_get(fd, 1);
	if (s) {
		mode_t mode;
		dev_t rdev;
		shim_session_as_chardev(s, &mode, &rdev);
		as_chardev(st, mode, rdev);
		shim_session_put(s);
	}
	return 0;
}

static int core_at(int dirfd, const char *path, struct stat *st, int flags)
{
	if (shim_empty(path) && (flags & AT_EMPTY_PATH))
		return core_fd(dirfd, st);
	return core_path(dirfd, path, st, flags);
}

/* The 64 names: same layout, copied through a struct stat. */
static int to64(int rc, const struct stat *st, struct stat64 *out)
{
	if (rc == 0)
		memcpy(out, st, sizeof(*out));
	return rc;
}

SHIM_EXPORT int stat(const char *path, struct stat *st) { return core_path(AT_FDCWD, path, st, 0); }
SHIM_EXPORT int lstat(const char *path, struct stat *st) { return core_path(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW); }
SHIM_EXPORT int fstat(int fd, struct stat *st) { return core_fd(fd, st); }
SHIM_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags) { return core_at(dirfd, path, st, flags); }

SHIM_EXPORT int stat64(const char *path, struct stat64 *out)
{
	struct stat st;
	return to64(core_path(AT_FDCWD, path, &st, 0), &st, out);
}

SHIM_EXPORT int lstat64(const char *path, struct stat64 *out)
{
	struct stat st;
	return to64(core_path(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW), &st, out);
}

SHIM_EXPORT int fstat64(int fd, struct stat64 *out)
{
	struct stat st;
	return to64(core_fd(fd, &st), &st, out);
}

SHIM_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *out, int flags)
{
	struct stat st;
	return to64(core_at(dirfd, path, &st, flags), &st, out);
}

/* The versioned entry points: an unknown version is libc's EINVAL to give. */
static int bad_ver(int ver)
{
	if (ver == STAT_VER_LINUX)
		return 0;
	errno = EINVAL;
	return 1;
}

SHIM_EXPORT int __xstat(int ver, const char *path, struct stat *st)
{
	return bad_ver(ver) ? -1 : core_path(AT_FDCWD, path, st, 0);
}

SHIM_EXPORT int __lxstat(int ver, const char *path, struct stat *st)
{
	return bad_ver(ver) ? -1 : core_path(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

SHIM_EXPORT int __fxstat(int ver, int fd, struct stat *st)
{
	return bad_ver(ver) ? -1 : core_fd(fd, st);
}

SHIM_EXPORT int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	return bad_ver(ver) ? -1 : core_at(dirfd, path, st, flags);
}

SHIM_EXPORT int __xstat64(int ver, const char *path, struct stat64 *out)
{
	struct stat st;
	return bad_ver(ver) ? -1 : to64(core_path(AT_FDCWD, path, &st, 0), &st, out);
}

SHIM_EXPORT int __lxstat64(int ver, const char *path, struct stat64 *out)
{
	struct stat st;
	return bad_ver(ver) ? -1 : to64(core_path(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW), &st, out);
}

SHIM_EXPORT int __fxstat64(int ver, int fd, struct stat64 *out)
{
	struct stat st;
	return bad_ver(ver) ? -1 : to64(core_fd(fd, &st), &st, out);
}

SHIM_EXPORT int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *out, int flags)
{
	struct stat st;
	return bad_ver(ver) ? -1 : to64(core_at(dirfd, path, &st, flags), &st, out);
}

static void statx_as_chardev(struct statx *stx, mode_t mode, dev_t rdev)
{
	stx->stx_mode = (uint16_t)mode;
	stx->stx_rdev_major = major(rdev);
	stx->stx_rdev_minor = minor(rdev);
	stx->stx_size = 0;
	stx->stx_blocks = 0;
}

SHIM_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx)
{
	const struct shim_real *r = shim_real();
	char buf[PATH_MAX];
	const char *use = path;
	dev_t rdev = 0;
	enum route how = ROUTE_REAL;
	if (!r->statx) {
		errno = ENOSYS;
		return -1;
	}
	if (shim_empty(path) && (flags & AT_EMPTY_PATH)) {
		struct shim_session *s;
		if (r->statx(dirfd, path, flags, mask, stx) < 0)
			return -1;
		if ((s = shim_session_get(dirfd, 1)) != NULL) {
			mode_t mode;
			shim_session_as_chardev(s, &mode, &rdev);
			statx_as_chardev(stx, mode, rdev);
			shim_session_put(s);
		}
		return 0;
	}
	if (shim_absolute(path))
		how = route_stat(path, &use, buf, &rdev);
	if (how == ROUTE_MISSING) {
		errno = ENOENT;
		return -1;
	}
	if (how == ROUTE_REAL)
		return r->statx(dirfd, use, flags, mask, stx);
	if (r->statx(AT_FDCWD, use, 0, mask, stx) < 0)
		return -1;
	statx_as_chardev(stx, S_IFCHR | (stx->stx_mode & 07777), rdev);
	return 0;
}
