/*
 * The /sys a tool walks to find and describe the control devices, as the kernel would show it:
 *
 *   /sys/bus/auxiliary/devices/mlx5_core.ctl.N -> ../../../devices/pci0000:00/<parent>/mlx5_core.ctl.N
 *   /sys/class/fwctl/fwctlN -> ../../devices/pci0000:00/<parent>/fwctl/fwctlN   (device -> ../../../<parent>)
 *   /sys/dev/char/MAJ:MIN -> the node's class device, <parent>/driver -> .../drivers/mlx5_core
 *
 * It is materialised as a real directory tree of real symlinks in a private temporary directory,
 * and names under the emulated prefixes are rewritten into it. Every access pattern then works
 * with libc's own code: readlink, readlinkat on an O_DIRECTORY fd, fchdir + realpath("device"),
 * opendir, glob, stat. realpath and glob results are rewritten back to the /sys names.
 * The tree is rebuilt when the broker's devices change and removed when the process exits.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open, stat... must keep their own names, not become open64 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "shim.h"

static pthread_mutex_t tree_lock = PTHREAD_MUTEX_INITIALIZER;
static char root[PATH_MAX];      /* realpath of the tree; "" until built */
static size_t root_len;
static pid_t root_owner;         /* the process that created it removes it */
static char built_for[SHIM_MAX_DEVICES * 160]; /* the device list the tree shows */

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* `prefix` itself or anything below it. */
static int under(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 && (s[n] == '\0' || s[n] == '/');
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	if (ftw->level > 0 || strcmp(path, root) != 0)
		(void)remove(path);
	return 0;
}

static void remove_tree(int keep_root)
{
	if (!root[0])
		return;
	(void)nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (!keep_root)
		(void)rmdir(root);
}

/* As for the session table: a fork mid-rebuild must not leave the child's lock held. */
static void tree_prepare(void) { (void)pthread_mutex_lock(&tree_lock); }
static void tree_resume(void) { (void)pthread_mutex_unlock(&tree_lock); }

__attribute__((constructor)) static void sysfs_init(void)
{
	(void)pthread_atfork(tree_prepare, tree_resume, tree_resume);
}

__attribute__((destructor)) static void sysfs_cleanup(void)
{
	if (root[0] && root_owner == getpid())
		remove_tree(0);
}

/* mkdir -p of a path relative to the tree. */
static int mkdirs(const char *rel)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
		return -1;
	for (char *p = path + root_len + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int link_at(const char *target, const char *rel)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
		return -1;
	return symlink(target, path) < 0 && errno != EEXIST ? -1 : 0;
}

static int file_at(const char *rel, const char *text, mode_t mode)
{
	char path[PATH_MAX];
	size_t len = strlen(text);
	int fd;
	if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
		return -1;
	fd = shim_real()->open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (len > 0 && write(fd, text, len) != (ssize_t)len) {
		shim_real()->close(fd);
		return -1;
	}
	return shim_real()->close(fd);
}

/* The root bus a PCI name hangs off: 0000:08:00.0 → pci0000:00. */
static void pci_bus(const char *parent, char *out, size_t cap)
{
	if (strlen(parent) >= 5 && parent[4] == ':')
		snprintf(out, cap, "pci%.4s:00", parent);
	else
		snprintf(out, cap, "pci0000:00");
}

#define P(fmt, ...) (snprintf(a, sizeof(a), fmt, __VA_ARGS__) < (int)sizeof(a) ? a : "")

static int build_device(const struct shim_dev *d)
{
	char bus[32], dir[256], a[PATH_MAX], b[PATH_MAX];
	dev_t misc = shim_device_rdev(SHIM_DEV_MISC, d->index);
	dev_t fw = shim_device_rdev(SHIM_DEV_FWCTL, d->index);
	int err = 0;
	pci_bus(d->parent, bus, sizeof(bus));
	snprintf(dir, sizeof(dir), "sys/devices/%s/%s", bus, d->parent);
	/* The PCI function, bound to mlx5_core. */
	err |= mkdirs("sys/bus/pci/drivers/mlx5_core");
	err |= mkdirs("sys/bus/auxiliary/drivers/mlx5ctl.ctl");
	err |= mkdirs(dir);
	err |= link_at("../../../bus/pci/drivers/mlx5_core", P("%s/driver", dir));
	/* The mlx5ctl aux device and its misc class device. */
	err |= mkdirs(P("%s/%s/misc/mlx5ctl-%s", dir, d->ctl_name, d->ctl_name));
	err |= link_at("../../../../bus/auxiliary/drivers/mlx5ctl.ctl", P("%s/%s/driver", dir, d->ctl_name));
	snprintf(b, sizeof(b), "../../../%s", d->ctl_name);
	err |= link_at(b, P("%s/%s/misc/mlx5ctl-%s/device", dir, d->ctl_name, d->ctl_name));
	snprintf(b, sizeof(b), "%u:%u\n", major(misc), minor(misc));
	err |= file_at(P("%s/%s/misc/mlx5ctl-%s/dev", dir, d->ctl_name, d->ctl_name), b, 0444);
	snprintf(b, sizeof(b), "MAJOR=%u\nMINOR=%u\nDEVNAME=mlx5ctl-%s\n", major(misc), minor(misc), d->ctl_name);
	err |= file_at(P("%s/%s/misc/mlx5ctl-%s/uevent", dir, d->ctl_name, d->ctl_name), b, 0644);
	/* The fwctl class device: its parent is the PCI function, as fwctl_alloc_device(&pdev->dev). */
	err |= mkdirs(P("%s/fwctl/%s", dir, d->fwctl));
	snprintf(b, sizeof(b), "../../../%s", d->parent);
	err |= link_at(b, P("%s/fwctl/%s/device", dir, d->fwctl));
	err |= link_at("../../../../../class/fwctl", P("%s/fwctl/%s/subsystem", dir, d->fwctl));
	snprintf(b, sizeof(b), "%u:%u\n", major(fw), minor(fw));
	err |= file_at(P("%s/fwctl/%s/dev", dir, d->fwctl), b, 0444);
	snprintf(b, sizeof(b), "MAJOR=%u\nMINOR=%u\nDEVNAME=fwctl/%s\n", major(fw), minor(fw), d->fwctl);
	err |= file_at(P("%s/fwctl/%s/uevent", dir, d->fwctl), b, 0644);
	/* Its PCI attributes, where a scan of /sys/bus/pci/devices reads them. */
	if (d->pci_ids[0][0]) {
		static const char *const attrs[5] = { "vendor", "device", "subsystem_vendor", "subsystem_device", "class" };
		for (int i = 0; i < 5; i++) {
			snprintf(b, sizeof(b), "%s\n", d->pci_ids[i]);
			err |= file_at(P("%s/%s", dir, attrs[i]), b, 0444);
		}
		err |= mkdirs("sys/bus/pci/devices");
		err |= link_at("../../../bus/pci", P("%s/subsystem", dir));
		snprintf(b, sizeof(b), "../../../devices/%s/%s", bus, d->parent);
		err |= link_at(b, P("sys/bus/pci/devices/%s", d->parent));
	}
	/* The names tools look up. */
	err |= mkdirs("sys/bus/auxiliary/devices");
	err |= mkdirs("sys/class/fwctl");
	err |= mkdirs("sys/dev/char");
	err |= mkdirs("dev/fwctl");
	snprintf(b, sizeof(b), "../../../devices/%s/%s/%s", bus, d->parent, d->ctl_name);
	err |= link_at(b, P("sys/bus/auxiliary/devices/%s", d->ctl_name));
	snprintf(b, sizeof(b), "../../devices/%s/%s/fwctl/%s", bus, d->parent, d->fwctl);
	err |= link_at(b, P("sys/class/fwctl/%s", d->fwctl));
	err |= link_at(b, P("sys/dev/char/%u:%u", major(fw), minor(fw)));
	snprintf(b, sizeof(b), "../../devices/%s/%s/%s/misc/mlx5ctl-%s", bus, d->parent, d->ctl_name, d->ctl_name);
	err |= link_at(b, P("sys/dev/char/%u:%u", major(misc), minor(misc)));
	/* Placeholders so a listing of /dev finds the nodes; open and stat never reach them. */
	err |= file_at(P("dev/fwctl/%s", d->fwctl), "", 0600);
	err |= file_at(P("dev/mlx5ctl-%s", d->ctl_name), "", 0600);
	return err ? -1 : 0;
}

/*
 * /sys/bus/pci/devices lists the machine's functions beside ours: each real entry becomes an
 * absolute link to its real /sys/devices directory, so a scan sees both and reads real ones
 * from the kernel. Our entries (made first) win a name clash.
 */
static int mirror_real_pci(void)
{
	DIR *d;
	struct dirent *e;
	char a[PATH_MAX], target[PATH_MAX], real[PATH_MAX];
	int err = mkdirs("sys/bus/pci/devices");
	/* The real readlink: the wrapper would translate, and take tree_lock, which we hold. */
	if (err || !shim_real()->opendir || !shim_real()->readlink || !(d = shim_real()->opendir("/sys/bus/pci/devices")))
		return err;
	while ((e = readdir(d)) != NULL) {
		ssize_t n;
		if (e->d_name[0] == '.')
			continue;
		snprintf(real, sizeof(real), "/sys/bus/pci/devices/%s", e->d_name);
		n = shim_real()->readlink(real, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		/* Kernel links are relative to /sys/bus/pci/devices: "../../../devices/..." */
		if (strncmp(target, "../../../", 9) == 0)
			snprintf(real, sizeof(real), "/sys/%s", target + 9);
		else if (target[0] != '/')
			continue;
		else
			snprintf(real, sizeof(real), "%s", target);
		err |= link_at(real, P("sys/bus/pci/devices/%s", e->d_name));
	}
	closedir(d);
	return err;
}

static int make_root(void)
{
	const char *base = getenv("MLX5CTL_SHIM_TMPDIR");
	char tmpl[PATH_MAX];
	if (!base || !base[0])
		base = getenv("TMPDIR");
	if (!base || !base[0])
		base = "/tmp";
	if (snprintf(tmpl, sizeof(tmpl), "%s/mlx5ctl-shim-sysfs.XXXXXX", base) >= (int)sizeof(tmpl))
		return -1;
	if (!mkdtemp(tmpl))
		return -1;
	/* The real path, so realpath() results inside the tree are recognised and rewritten. */
	if (!shim_real()->realpath || !shim_real()->realpath(tmpl, root)) {
		(void)rmdir(tmpl);
		root[0] = '\0';
		return -1;
	}
	root_len = strlen(root);
	root_owner = getpid();
	return 0;
}

/* Brings the tree in line with the broker's devices; 0 when it is usable. */
static int ensure_tree(void)
{
	struct shim_dev devs[SHIM_MAX_DEVICES];
	char want[sizeof(built_for)] = "";
	struct stat st;
	int n = shim_devices(devs, SHIM_MAX_DEVICES), err = 0;
	for (int i = 0; i < n; i++) {
		size_t used = strlen(want);
		snprintf(want + used, sizeof(want) - used, "%s|%s|%s;", devs[i].ctl_name, devs[i].parent, devs[i].fwctl);
	}
	if (pthread_mutex_lock(&tree_lock) != 0)
		return -1;
	/* Gone (a parent process removed it after fork) or someone else's and stale: start anew. */
	if (root[0] && (shim_real()->lstat(root, &st) < 0 || (root_owner != getpid() && strcmp(want, built_for) != 0)))
		root[0] = '\0';
	if (root[0] && strcmp(want, built_for) == 0)
		goto out;
	if (root[0])
		remove_tree(1);
	else if (make_root() < 0)
		err = -1;
	for (int i = 0; !err && i < n; i++)
		err = build_device(&devs[i]);
	/* The directories tools list must exist even with no device, as on a kernel with the
	 * module loaded and nothing bound. */
	if (!err)
		err = mkdirs("sys/class/fwctl") | mkdirs("dev/fwctl") | mirror_real_pci();
	if (!err)
		memcpy(built_for, want, sizeof(built_for));
	else
		built_for[0] = '\0';
out:
	(void)pthread_mutex_unlock(&tree_lock);
	return err;
}

/* Is the first component after `prefix` (or the first two) an entry of ours? */
static int ours_below(const char *path, const char *prefix, int components)
{
	char rel[PATH_MAX], full[PATH_MAX];
	const char *p = path + strlen(prefix);
	size_t len = 0;
	struct stat st;
	if (!starts_with(path, prefix))
		return 0;
	for (int c = 0; c < components; c++) {
		size_t seg = strcspn(p + len, "/");
		if (seg == 0)
			return 0;
		len += seg;
		if (c + 1 < components) {
			if (p[len] != '/')
				return 0;
			len++;
		}
	}
	if (len >= sizeof(rel) || snprintf(full, sizeof(full), "%s%.*s", prefix, (int)len, p) >= (int)sizeof(full))
		return 0;
	if (snprintf(rel, sizeof(rel), "%s%s", root, full) >= (int)sizeof(rel))
		return 0;
	return shim_real()->lstat(rel, &st) == 0;
}

/* Names that belong to the emulated devices whatever the machine has. */
static int always_ours(const char *path)
{
	return under(path, "/sys/class/fwctl") || under(path, "/dev/fwctl") || starts_with(path, "/dev/mlx5ctl") ||
	       under(path, "/sys/bus/pci/devices") ||
	       starts_with(path, "/sys/bus/auxiliary/devices/mlx5_core.ctl.") ||
	       under(path, "/sys/bus/auxiliary/drivers/mlx5ctl.ctl");
}

/*
 * The directories on the way to them (/sys/bus/auxiliary, /sys/bus/pci/drivers/mlx5_core,
 * /sys/devices/pci0000:00...) are the machine's when it has them, the tree's when it does not,
 * so a component-by-component walk (gnulib canonicalize, find) gets through.
 */
static int missing_but_ours(const char *path)
{
	char fake[PATH_MAX];
	struct stat st;
	if (!starts_with(path, "/sys/bus/") && !starts_with(path, "/sys/devices/"))
		return 0;
	if (snprintf(fake, sizeof(fake), "%s%s", root, path) >= (int)sizeof(fake) || shim_real()->lstat(fake, &st) < 0)
		return 0;
	return shim_real()->lstat(path, &st) < 0 && errno == ENOENT;
}

int shim_sysfs_translate(const char *path, char *out, size_t outlen)
{
	int candidate;
	if (!path || path[0] != '/')
		return 0;
	candidate = under(path, "/sys/class/fwctl") || under(path, "/dev/fwctl") ||
		    starts_with(path, "/dev/mlx5ctl") || starts_with(path, "/sys/bus/") ||
		    starts_with(path, "/sys/dev/char/") || starts_with(path, "/sys/devices/");
	if (!candidate || ensure_tree() < 0)
		return 0;
	if (!always_ours(path) && !ours_below(path, "/sys/dev/char/", 1) && !ours_below(path, "/sys/devices/", 2) &&
	    !missing_but_ours(path))
		return 0; /* real devices and buses stay visible */
	return snprintf(out, outlen, "%s%s", root, path) < (int)outlen;
}

void shim_sysfs_untranslate(char *path)
{
	if (!path || !root[0] || strncmp(path, root, root_len) != 0 || path[root_len] != '/')
		return;
	memmove(path, path + root_len, strlen(path + root_len) + 1);
}
