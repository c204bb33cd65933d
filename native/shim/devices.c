/*
 * The broker's control devices, as its run directory publishes them: one socket per device and
 * a descriptor file beside it (mlx5_core.ctl.N.uevent, KEY=value lines). The run directory is
 * resolved as every mlx5ctl component does (src/config/paths.ts): $MLX5CTL_RUNDIR; /run/mlx5ctl
 * for root; $XDG_RUNTIME_DIR/mlx5ctl; /tmp/mlx5ctl-<uid>.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open, stat... must keep their own names, not become open64 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "shim.h"

#define CTL_PREFIX "mlx5_core.ctl."
#define DESCRIPTOR_SUFFIX ".uevent"
#define MISC_NODE_PREFIX "/dev/mlx5ctl-"
#define FWCTL_NODE_PREFIX "/dev/fwctl/"

/* Device numbers the emulated nodes report. misc is major 10; the minors sit far above the
 * kernel's dynamic range so /sys/dev/char never names a real device. fwctl gets a major of its
 * own, as alloc_chrdev_region would give it. */
#define MISC_MAJOR 10
#define MISC_MINOR_BASE 0x5c000
#define FWCTL_MAJOR 511

static char rundir[PATH_MAX];
/* 0 for the /tmp/mlx5ctl-<uid> fallback: anyone may create it first, so its owner proves nothing. */
static int rundir_owner_speaks;
static pthread_once_t rundir_once = PTHREAD_ONCE_INIT;

static void resolve_rundir(void)
{
	const char *env = getenv("MLX5CTL_RUNDIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	const char *tmp = getenv("TMPDIR");
	char fallback[PATH_MAX];
	int n;
	if (env && env[0] == '/') {
		n = snprintf(rundir, sizeof(rundir), "%s", env);
	} else if (env && env[0]) {
		char cwd[PATH_MAX];
		n = getcwd(cwd, sizeof(cwd)) ? snprintf(rundir, sizeof(rundir), "%s/%s", cwd, env) : -1;
	} else if (geteuid() == 0) {
		n = snprintf(rundir, sizeof(rundir), "/run/mlx5ctl");
	} else if (xdg && xdg[0]) {
		n = snprintf(rundir, sizeof(rundir), "%s/mlx5ctl", xdg);
	} else {
		n = snprintf(rundir, sizeof(rundir), "%s/mlx5ctl-%u", tmp && tmp[0] ? tmp : "/tmp",
			     (unsigned)getuid());
	}
	if (n < 0 || (size_t)n >= sizeof(rundir))
		rundir[0] = '\0';
	/* Strip trailing slashes so joined paths match the broker's. */
	for (size_t len = strlen(rundir); len > 1 && rundir[len - 1] == '/'; len--)
		rundir[len - 1] = '\0';
	/* The /tmp fallback, however it was reached (mlx5ctl wrap names it in MLX5CTL_RUNDIR). */
	n = snprintf(fallback, sizeof(fallback), "%s", tmp && tmp[0] ? tmp : "/tmp");
	for (size_t len = strlen(fallback); len > 1 && fallback[len - 1] == '/'; len--)
		fallback[len - 1] = '\0';
	n = snprintf(fallback + strlen(fallback), sizeof(fallback) - strlen(fallback), "/mlx5ctl-%u", (unsigned)getuid());
	rundir_owner_speaks = n >= 0 && strcmp(rundir, fallback) != 0;
}

const char *shim_rundir(void)
{
	(void)pthread_once(&rundir_once, resolve_rundir);
	return rundir;
}

int shim_broker_trusted(int fd, uid_t *broker_uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct stat st;
	const char *dir = shim_rundir(); /* resolves rundir_owner_speaks too */
	int dirfd;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return 0;
	*broker_uid = cred.uid;
	if (cred.uid == 0 || cred.uid == geteuid())
		return 1;
	if (!rundir_owner_speaks || !shim_real()->open || !shim_real()->fstat)
		return 0;
	dirfd = shim_real()->open(dir, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return 0;
	int owner_is_broker = shim_real()->fstat(dirfd, &st) == 0 && st.st_uid == cred.uid;
	shim_real()->close(dirfd);
	return owner_is_broker;
}

/* Reads a small file whole (descriptors are a few hundred bytes). */
static int read_small(const char *path, char *buf, size_t cap)
{
	int fd = shim_real()->open ? shim_real()->open(path, O_RDONLY | O_CLOEXEC) : -1;
	size_t got = 0;
	if (fd < 0)
		return -1;
	while (got + 1 < cap) {
		ssize_t n = read(fd, buf + got, cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	shim_real()->close(fd);
	return 0;
}

/* Copies the value of `key=` from KEY=value lines, or fails. */
static int field(const char *text, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	const char *line = text;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
			const char *v = line + klen + 1;
			size_t vlen = strcspn(v, "\n");
			if (vlen == 0 || vlen >= cap)
				return -1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

/* "0x15b3:0x1021:0x15b3:0x5133:0x020000": five hex ids, each kept only when all five parse. */
static void parse_pci_ids(const char *text, struct shim_dev *d)
{
	char ids[5][12];
	const char *p = text;
	for (int i = 0; i < 5; i++) {
		size_t len = strcspn(p, ":");
		if (len < 3 || len >= sizeof(ids[i]) || p[0] != '0' || p[1] != 'x' || strspn(p + 2, "0123456789abcdef") != len - 2)
			return;
		memcpy(ids[i], p, len);
		ids[i][len] = '\0';
		p += len;
		if (i < 4 && *p++ != ':')
			return;
	}
	if (*p != '\0')
		return;
	memcpy(d->pci_ids, ids, sizeof(ids));
}

static int parse_descriptor(const char *path, struct shim_dev *d)
{
	char text[4096], index[16], ids[80];
	char *end;
	struct stat st;
	if (read_small(path, text, sizeof(text)) < 0)
		return -1;
	memset(d, 0, sizeof(*d));
	if (field(text, "CTL_NAME", d->ctl_name, sizeof(d->ctl_name)) < 0 ||
	    field(text, "CTL_INDEX", index, sizeof(index)) < 0 ||
	    field(text, "PARENT", d->parent, sizeof(d->parent)) < 0 ||
	    field(text, "SOCKET", d->socket, sizeof(d->socket)) < 0)
		return -1;
	if (field(text, "PCI_IDS", ids, sizeof(ids)) == 0)
		parse_pci_ids(ids, d);
	if (field(text, "FWCTL", d->fwctl, sizeof(d->fwctl)) < 0)
		snprintf(d->fwctl, sizeof(d->fwctl), "fwctl%s", index);
	errno = 0;
	long n = strtol(index, &end, 10);
	if (errno || *end || n < 0 || n > 4095)
		return -1;
	d->index = (int)n;
	/* A descriptor whose socket is gone belongs to a broker that is no longer there. */
	if (!shim_real()->stat || shim_real()->stat(d->socket, &st) < 0 || !S_ISSOCK(st.st_mode))
		return -1;
	return 0;
}

static int by_index(const void *a, const void *b)
{
	return ((const struct shim_dev *)a)->index - ((const struct shim_dev *)b)->index;
}

int shim_devices(struct shim_dev *out, int max)
{
	const char *dir = shim_rundir();
	int count = 0;
	DIR *d;
	struct dirent *e;
	if (!dir[0] || !shim_real()->opendir)
		return 0;
	d = shim_real()->opendir(dir);
	if (!d)
		return 0;
	while (count < max && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name), slen = strlen(DESCRIPTOR_SUFFIX);
		char path[PATH_MAX];
		if (strncmp(e->d_name, CTL_PREFIX, strlen(CTL_PREFIX)) != 0 || len <= slen ||
		    strcmp(e->d_name + len - slen, DESCRIPTOR_SUFFIX) != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (parse_descriptor(path, &out[count]) == 0)
			count++;
	}
	closedir(d);
	qsort(out, (size_t)count, sizeof(*out), by_index);
	return count;
}

int shim_device_node(const char *path, struct shim_dev *dev, enum shim_dev_kind *kind)
{
	struct shim_dev devs[SHIM_MAX_DEVICES];
	const char *name;
	int n;
	if (!path)
		return 0;
	if (strncmp(path, MISC_NODE_PREFIX, strlen(MISC_NODE_PREFIX)) == 0) {
		*kind = SHIM_DEV_MISC;
		name = path + strlen(MISC_NODE_PREFIX);
	} else if (strncmp(path, FWCTL_NODE_PREFIX, strlen(FWCTL_NODE_PREFIX)) == 0) {
		*kind = SHIM_DEV_FWCTL;
		name = path + strlen(FWCTL_NODE_PREFIX);
	} else {
		return 0;
	}
	if (!name[0] || strchr(name, '/'))
		return 0;
	n = shim_devices(devs, SHIM_MAX_DEVICES);
	for (int i = 0; i < n; i++) {
		const char *want = *kind == SHIM_DEV_MISC ? devs[i].ctl_name : devs[i].fwctl;
		if (strcmp(want, name) == 0) {
			*dev = devs[i];
			return 1;
		}
	}
	return -1;
}

dev_t shim_device_rdev(enum shim_dev_kind kind, int index)
{
	if (kind == SHIM_DEV_MISC)
		return makedev(MISC_MAJOR, MISC_MINOR_BASE + (unsigned)index);
	return makedev(FWCTL_MAJOR, (unsigned)index);
}
