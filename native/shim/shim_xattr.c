/*
 * Extended attributes of the emulated names: ls -l asks llistxattr (and libacl getxattr) of every
 * entry it lists, and prints "?" after the mode when that fails. A device node answers for its
 * socket, a sysfs or /dev name for the private tree's file, so the answer is the one a tmpfs or
 * sysfs node gives (no attributes) rather than ENOENT; a node the broker does not serve is ENOENT.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS
#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include "shim.h"

/* The path to ask the real call with: path itself, buf (a node's socket or the private tree's
 * copy), or NULL with errno set when the name does not exist. */
static const char *route(const char *path, char *buf)
{
	struct shim_dev dev;
	enum shim_dev_kind kind;
	int node;
	if (!shim_absolute(path))
		return path;
	node = shim_device_node(path, &dev, &kind);
	if (node < 0) {
		errno = ENOENT;
		return NULL;
	}
	if (node > 0) {
		snprintf(buf, PATH_MAX, "%s", dev.socket);
		return buf;
	}
	return shim_sysfs_translate(path, buf, PATH_MAX) ? buf : path;
}

#define XATTR_WRAPPER(name, ...)                                      \
	do {                                                          \
		char buf[PATH_MAX];                                   \
		const char *use;                                      \
		if (!shim_real()->name) {                             \
			errno = ENOSYS;                               \
			return -1;                                    \
		}                                                     \
		use = route(path, buf);                               \
		if (!use)                                             \
			return -1;                                    \
		return shim_real()->name(use, __VA_ARGS__);           \
	} while (0)

SHIM_EXPORT ssize_t getxattr(const char *path, const char *attr, void *value, size_t size)
{
	XATTR_WRAPPER(getxattr, attr, value, size);
}

SHIM_EXPORT ssize_t lgetxattr(const char *path, const char *attr, void *value, size_t size)
{
	XATTR_WRAPPER(lgetxattr, attr, value, size);
}

SHIM_EXPORT ssize_t listxattr(const char *path, char *list, size_t size)
{
	XATTR_WRAPPER(listxattr, list, size);
}

SHIM_EXPORT ssize_t llistxattr(const char *path, char *list, size_t size)
{
	XATTR_WRAPPER(llistxattr, list, size);
}
