/*
 * Name resolution over the emulated tree: glob of "/dev/mlx5ctl*", "/dev/fwctl/<any>" and
 * "/sys/class/fwctl/<any>" (the two eras of the mlx5ctl tool's device scan), realpath and readlink of
 * the sysfs links that name a control device's parent (/sys/bus/auxiliary/devices/
 * mlx5_core.ctl.N → .../0000:08:00.0/mlx5_core.ctl.N, /sys/class/fwctl/fwctlN/device → the PCI
 * function). Results come back under the names the program asked about, never the private tree's.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open, stat... must keep their own names, not become open64 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

/* The names glob produced for this call, rewritten back in place. */
static void untranslate_results(char **pathv, size_t from, size_t to)
{
	for (size_t i = from; pathv && i < to; i++)
		shim_sysfs_untranslate(pathv[i]);
}

SHIM_EXPORT int glob(const char *pattern, int flags, int (*errfunc)(const char *, int), glob_t *pglob)
{
	char buf[PATH_MAX];
	size_t offs, before;
	int rc;
	if (!shim_real()->glob)
		return GLOB_ABORTED;
	if (!shim_sysfs_translate(pattern, buf, sizeof(buf)))
		return shim_real()->glob(pattern, flags, errfunc, pglob);
	offs = (flags & GLOB_DOOFFS) ? pglob->gl_offs : 0;
	before = (flags & GLOB_APPEND) ? pglob->gl_pathc : 0;
	rc = shim_real()->glob(buf, flags, errfunc, pglob);
	if (rc == 0 || rc == GLOB_NOMATCH)
		untranslate_results(pglob->gl_pathv, offs + before, offs + pglob->gl_pathc);
	return rc;
}

SHIM_EXPORT int glob64(const char *pattern, int flags, int (*errfunc)(const char *, int), glob64_t *pglob)
{
	char buf[PATH_MAX];
	size_t offs, before;
	int rc;
	if (!shim_real()->glob64)
		return GLOB_ABORTED;
	if (!shim_sysfs_translate(pattern, buf, sizeof(buf)))
		return shim_real()->glob64(pattern, flags, errfunc, pglob);
	offs = (flags & GLOB_DOOFFS) ? pglob->gl_offs : 0;
	before = (flags & GLOB_APPEND) ? pglob->gl_pathc : 0;
	rc = shim_real()->glob64(buf, flags, errfunc, pglob);
	if (rc == 0 || rc == GLOB_NOMATCH)
		untranslate_results(pglob->gl_pathv, offs + before, offs + pglob->gl_pathc);
	return rc;
}

/* scandir opens the directory inside libc, out of the opendir wrapper's reach. */
SHIM_EXPORT int scandir(const char *dir, struct dirent ***names, int (*filter)(const struct dirent *),
			int (*compar)(const struct dirent **, const struct dirent **))
{
	char buf[PATH_MAX];
	if (!shim_real()->scandir) {
		errno = ENOSYS;
		return -1;
	}
	return shim_real()->scandir(shim_sysfs_translate(dir, buf, sizeof(buf)) ? buf : dir, names, filter, compar);
}

SHIM_EXPORT int scandir64(const char *dir, struct dirent64 ***names, int (*filter)(const struct dirent64 *),
			  int (*compar)(const struct dirent64 **, const struct dirent64 **))
{
	char buf[PATH_MAX];
	if (!shim_real()->scandir64) {
		errno = ENOSYS;
		return -1;
	}
	return shim_real()->scandir64(shim_sysfs_translate(dir, buf, sizeof(buf)) ? buf : dir, names, filter, compar);
}

enum route { ROUTE_REAL, ROUTE_NODE, ROUTE_MISSING };

static enum route route_name(const char *path, const char **use, char *buf)
{
	struct shim_dev dev;
	enum shim_dev_kind kind;
	int node = shim_device_node(path, &dev, &kind);
	if (node > 0)
		return ROUTE_NODE;
	if (node < 0)
		return ROUTE_MISSING;
	*use = shim_sysfs_translate(path, buf, PATH_MAX) ? buf : path;
	return ROUTE_REAL;
}

/* A device node is a canonical name already (no links on the way, as in devtmpfs). */
static char *node_realpath(const char *path, char *resolved)
{
	size_t len = strlen(path);
	if (len >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (!resolved && !(resolved = malloc(PATH_MAX)))
		return NULL;
	memcpy(resolved, path, len + 1);
	return resolved;
}

SHIM_EXPORT char *realpath(const char *path, char *resolved)
{
	char buf[PATH_MAX];
	const char *use = path;
	char *res;
	if (!shim_real()->realpath) {
		errno = ENOSYS;
		return NULL;
	}
	if (path) {
		enum route how = route_name(path, &use, buf);
		if (how == ROUTE_NODE)
			return node_realpath(path, resolved);
		if (how == ROUTE_MISSING) {
			errno = ENOENT;
			return NULL;
		}
	}
	/* Relative names too: after fchdir into the tree, "device" resolves inside it. */
	res = shim_real()->realpath(use, resolved);
	shim_sysfs_untranslate(res);
	return res;
}

SHIM_EXPORT char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen)
{
	char buf[PATH_MAX];
	const char *use = path;
	char *res;
	if (!shim_real()->realpath_chk) {
		errno = ENOSYS;
		return NULL;
	}
	if (path) {
		enum route how = route_name(path, &use, buf);
		if (how == ROUTE_NODE)
			return resolvedlen >= PATH_MAX ? node_realpath(path, resolved)
						       : shim_real()->realpath_chk(path, resolved, resolvedlen);
		if (how == ROUTE_MISSING) {
			errno = ENOENT;
			return NULL;
		}
	}
	res = shim_real()->realpath_chk(use, resolved, resolvedlen);
	shim_sysfs_untranslate(res);
	return res;
}

SHIM_EXPORT char *canonicalize_file_name(const char *path)
{
	return realpath(path, NULL);
}

/* readlink of a node: not a link (EINVAL); of a missing node: ENOENT. 1 when answered. */
static int route_readlink(const char *path, const char **use, char *buf, ssize_t *result)
{
	enum route how = route_name(path, use, buf);
	if (how == ROUTE_REAL)
		return 0;
	errno = how == ROUTE_NODE ? EINVAL : ENOENT;
	*result = -1;
	return 1;
}

SHIM_EXPORT ssize_t readlink(const char *path, char *out, size_t size)
{
	char buf[PATH_MAX];
	const char *use = path;
	ssize_t res;
	if (path && route_readlink(path, &use, buf, &res))
		return res;
	if (!shim_real()->readlink) {
		errno = ENOSYS;
		return -1;
	}
	return shim_real()->readlink(use, out, size);
}

SHIM_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *out, size_t size)
{
	char buf[PATH_MAX];
	const char *use = path;
	ssize_t res;
	if (shim_absolute(path) && route_readlink(path, &use, buf, &res))
		return res;
	if (!shim_real()->readlinkat) {
		errno = ENOSYS;
		return -1;
	}
	return shim_real()->readlinkat(dirfd, use, out, size);
}

SHIM_EXPORT ssize_t __readlink_chk(const char *path, char *out, size_t size, size_t outlen)
{
	char buf[PATH_MAX];
	const char *use = path;
	ssize_t res;
	if (path && route_readlink(path, &use, buf, &res))
		return res;
	if (!shim_real()->readlink_chk) {
		errno = ENOSYS;
		return -1;
	}
	return shim_real()->readlink_chk(use, out, size, outlen);
}

SHIM_EXPORT ssize_t __readlinkat_chk(int dirfd, const char *path, char *out, size_t size, size_t outlen)
{
	char buf[PATH_MAX];
	const char *use = path;
	ssize_t res;
	if (shim_absolute(path) && route_readlink(path, &use, buf, &res))
		return res;
	if (!shim_real()->readlinkat_chk) {
		errno = ENOSYS;
		return -1;
	}
	return shim_real()->readlinkat_chk(dirfd, use, out, size, outlen);
}
