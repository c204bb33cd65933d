/*
 * libmlx5ctl_shim: an LD_PRELOAD library that puts the kernel's /dev/mlx5ctl-* (mlx5ctl misc
 * driver) and /dev/fwctl/fwctlN (fwctl) uAPIs on the mlx5ctld broker's sockets, so programs
 * written for the kernel run unchanged. Internal interfaces shared by the shim's files.
 *
 * Layering: real.c (libc's own functions) ← proto.c (frames over the socket), uaccess.c (user
 * memory without faults), devices.c (rundir descriptors), sysfs.c (the emulated /sys and /dev
 * names) ← session.c (fd → session), umem.c (heap UMEM over memfds) ← the interposers
 * (shim_open.c, shim_stat.c, shim_paths.c, shim_ioctl.c).
 */
#ifndef MLX5CTL_SHIM_H
#define MLX5CTL_SHIM_H

#include <dirent.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "uapi.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

/* Helpers rather than inline tests: libc declares many path parameters nonnull, and the compiler
 * would otherwise drop a NULL check a buggy caller depends on (the kernel answers EFAULT; the
 * library is also built with -fno-delete-null-pointer-checks). */
static inline int shim_absolute(const char *path)
{
	return path && path[0] == '/';
}

static inline int shim_empty(const char *path)
{
	return path && !path[0];
}

/* ---- real.c: libc's definitions, found with dlsym(RTLD_NEXT) ---- */
struct statx;
struct shim_real {
	int (*open)(const char *, int, ...);
	int (*open64)(const char *, int, ...);
	int (*openat)(int, const char *, int, ...);
	int (*openat64)(int, const char *, int, ...);
	int (*open_2)(const char *, int);
	int (*open64_2)(const char *, int);
	int (*openat_2)(int, const char *, int);
	int (*openat64_2)(int, const char *, int);
	FILE *(*fopen)(const char *, const char *);
	FILE *(*fopen64)(const char *, const char *);
	DIR *(*opendir)(const char *);
	int (*scandir)(const char *, struct dirent ***, int (*)(const struct dirent *),
		       int (*)(const struct dirent **, const struct dirent **));
	int (*scandir64)(const char *, struct dirent64 ***, int (*)(const struct dirent64 *),
			 int (*)(const struct dirent64 **, const struct dirent64 **));
	int (*chdir)(const char *);
	int (*close)(int);
	int (*close_range)(unsigned int, unsigned int, int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*ioctl)(int, unsigned long, ...);
	int (*access)(const char *, int);
	int (*faccessat)(int, const char *, int, int);
	int (*eaccess)(const char *, int);
	int (*stat)(const char *, struct stat *);
	int (*stat64)(const char *, struct stat64 *);
	int (*lstat)(const char *, struct stat *);
	int (*lstat64)(const char *, struct stat64 *);
	int (*fstat)(int, struct stat *);
	int (*fstat64)(int, struct stat64 *);
	int (*fstatat)(int, const char *, struct stat *, int);
	int (*fstatat64)(int, const char *, struct stat64 *, int);
	int (*xstat)(int, const char *, struct stat *);
	int (*xstat64)(int, const char *, struct stat64 *);
	int (*lxstat)(int, const char *, struct stat *);
	int (*lxstat64)(int, const char *, struct stat64 *);
	int (*fxstat)(int, int, struct stat *);
	int (*fxstat64)(int, int, struct stat64 *);
	int (*fxstatat)(int, int, const char *, struct stat *, int);
	int (*fxstatat64)(int, int, const char *, struct stat64 *, int);
	int (*statx)(int, const char *, int, unsigned int, struct statx *);
	int (*glob)(const char *, int, int (*)(const char *, int), glob_t *);
	int (*glob64)(const char *, int, int (*)(const char *, int), glob64_t *);
	char *(*realpath)(const char *, char *);
	char *(*realpath_chk)(const char *, char *, size_t);
	char *(*canonicalize_file_name)(const char *);
	ssize_t (*readlink)(const char *, char *, size_t);
	ssize_t (*readlinkat)(int, const char *, char *, size_t);
	ssize_t (*readlink_chk)(const char *, char *, size_t, size_t);
	ssize_t (*readlinkat_chk)(int, const char *, char *, size_t, size_t);
	ssize_t (*getxattr)(const char *, const char *, void *, size_t);
	ssize_t (*lgetxattr)(const char *, const char *, void *, size_t);
	ssize_t (*listxattr)(const char *, char *, size_t);
	ssize_t (*llistxattr)(const char *, char *, size_t);
};

/* Resolves every pointer on first use; a missing libc symbol stays NULL and its wrapper
 * fails with ENOSYS instead of crashing. */
const struct shim_real *shim_real(void);

/* ---- uaccess.c: user memory, EFAULT instead of SIGSEGV (process_vm_readv/writev on self) ---- */
int shim_copy_from_user(void *dst, uint64_t src, size_t len);
int shim_copy_to_user(uint64_t dst, const void *src, size_t len);
int shim_clear_user(uint64_t dst, size_t len);

/* ---- devices.c: the broker's control devices, from the run directory's descriptors ---- */
enum shim_dev_kind { SHIM_DEV_MISC = 1, SHIM_DEV_FWCTL = 2 };

struct shim_dev {
	int index;
	char ctl_name[64]; /* mlx5_core.ctl.N */
	char parent[64];   /* 0000:08:00.0 */
	char fwctl[32];    /* fwctlN */
	char socket[PATH_MAX];
	/* The parent's sysfs PCI ids ("0x15b3"...): vendor, device, subsystem_vendor,
	 * subsystem_device, class; pci_ids[0][0] == '\0' when the broker did not say. */
	char pci_ids[5][12];
};

#define SHIM_MAX_DEVICES 64

const char *shim_rundir(void);
/*
 * May the process listening on connected socket fd answer for the run directory? Root, this
 * process's euid, or the owner of a run directory named explicitly (not of the /tmp fallback,
 * which anyone may create first); as src/client/broker_trust.ts. Sets *broker_uid.
 */
int shim_broker_trusted(int fd, uid_t *broker_uid);
/* The published devices, ordered by index; returns how many (at most max). */
int shim_devices(struct shim_dev *out, int max);
/*
 * Is `path` one of the device nodes the shim emulates (/dev/mlx5ctl-<ctl name> or
 * /dev/fwctl/<fwctl name>)? 0: no. 1: yes, *dev and *kind filled. -1: a device node name the
 * broker does not serve (the node would not exist: ENOENT).
 */
int shim_device_node(const char *path, struct shim_dev *dev, enum shim_dev_kind *kind);
/* The char device number a node reports (st_rdev), and the inverse. */
dev_t shim_device_rdev(enum shim_dev_kind kind, int index);

/* ---- sysfs.c: the emulated /sys (and /dev listing) tree ---- */
/*
 * Rewrites an absolute path under an emulated prefix (/sys/class/fwctl, /sys/bus/auxiliary/
 * devices/mlx5_core.ctl.*, /sys/dev/char/<ours>, /sys/devices/<our parents>, /dev/fwctl,
 * /dev/mlx5ctl*) into the private tree that holds it. 1: translated into out. 0: not ours.
 */
int shim_sysfs_translate(const char *path, char *out, size_t outlen);
/* Turns a path inside the private tree back into the name the program knows (in place). */
void shim_sysfs_untranslate(char *path);

/* ---- umem.c / session.c ---- */
struct shim_umem;

struct shim_session {
	pthread_mutex_t lock; /* one conversation on the socket at a time */
	int refs;             /* fd aliases in the table + in-flight users */
	enum shim_dev_kind kind;
	int index;
	dev_t sock_dev; /* identity of the socket, to recognise dup'd fds and stale numbers */
	ino_t sock_ino;
	uint32_t next_seq;
	int dead;           /* the broker hung up: every later ioctl is ENODEV */
	struct shim_umem *umems;
};

/* Connects a session for `dev` (open(2) of the node): the fd, or -1 with errno. */
int shim_session_open(const struct shim_dev *dev, enum shim_dev_kind kind, int flags);
/* The session behind fd, with a reference (shim_session_put); NULL when fd is not a session. */
struct shim_session *shim_session_get(int fd, int discover);
void shim_session_put(struct shim_session *s);
/* fd is being closed / replaced: forget it (the last alias frees the session's state). */
void shim_session_forget(int fd);
void shim_session_forget_range(unsigned int first, unsigned int last);
/* newfd now refers to the same open file as oldfd. */
void shim_session_alias(int oldfd, int newfd);
/* True when no session exists: lets close()/dup() skip the table. */
int shim_sessions_none(void);
/* Fills a stat result for a session fd as a character device. */
void shim_session_as_chardev(const struct shim_session *s, mode_t *mode, dev_t *rdev);

/* ---- proto.c: frames ---- */
struct shim_reply {
	int32_t result;
	uint8_t *body; /* malloc'd, body_len bytes */
	size_t body_len;
};
/* Sends one request and waits for its reply. 0, or -errno when the socket failed
 * (the broker gone → -ENODEV). `pass_fd` >= 0 travels with the frame's first byte. */
int shim_proto_call(struct shim_session *s, int fd, uint32_t cmd, const struct iovec *parts,
		    int nparts, int pass_fd, struct shim_reply *reply);
/* Reads the broker's unsolicited OPEN frame: 0, -errno from the broker, or -ENODEV. */
int shim_proto_wait_open(int fd);
void shim_reply_free(struct shim_reply *r);

/* ---- umem.c ---- */
int shim_umem_reg(struct shim_session *s, int fd, struct mlx5ctl_umem_reg *reg);
int shim_umem_unreg(struct shim_session *s, int fd, const struct mlx5ctl_umem_unreg *unreg);
void shim_umem_to_device(struct shim_session *s);
void shim_umem_from_device(struct shim_session *s);
void shim_umem_drop_all(struct shim_session *s);

#endif
