/*
 * Open files of the emulated devices. open(2) connects a socket to the device's broker socket
 * and waits for the broker's OPEN frame (its answer is open's result); the socket fd itself is
 * returned, so the fd number, close-on-exec, fork and dup behave as the kernel's would, and
 * the broker releases the session (UID, UMEMs, objects) when the last copy of the fd closes.
 *
 * The table maps fd numbers to sessions. Entries are checked against the socket's inode on
 * every use, so a number the program closed behind the shim's back (fclose of an fdopen'd fd,
 * close_range) is recognised as stale, and fds made by means the shim does not see (fcntl
 * F_DUPFD) are recognised as aliases of the session they share a socket with.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open, stat... must keep their own names, not become open64 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "shim.h"

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shim_session **table;
static size_t table_len;
static atomic_int live_sessions;

/* A fork while another thread holds the table would leave the child's copy locked forever. */
static void table_prepare(void) { (void)pthread_mutex_lock(&table_lock); }
static void table_resume(void) { (void)pthread_mutex_unlock(&table_lock); }

__attribute__((constructor)) static void session_init(void)
{
	(void)pthread_atfork(table_prepare, table_resume, table_resume);
}

int shim_sessions_none(void)
{
	return atomic_load(&live_sessions) == 0;
}

/* Called with table_lock held. */
static void release_locked(struct shim_session *s)
{
	if (--s->refs > 0)
		return;
	shim_umem_drop_all(s);
	pthread_mutex_destroy(&s->lock);
	free(s);
	atomic_fetch_sub(&live_sessions, 1);
}

void shim_session_put(struct shim_session *s)
{
	if (!s || pthread_mutex_lock(&table_lock) != 0)
		return;
	release_locked(s);
	(void)pthread_mutex_unlock(&table_lock);
}

/* Called with table_lock held; takes over the caller's reference to s. */
static int install_locked(int fd, struct shim_session *s)
{
	if (fd < 0)
		return -1;
	if ((size_t)fd >= table_len) {
		size_t len = table_len ? table_len : 64;
		while (len <= (size_t)fd)
			len *= 2;
		struct shim_session **grown = realloc(table, len * sizeof(*grown));
		if (!grown)
			return -1;
		memset(grown + table_len, 0, (len - table_len) * sizeof(*grown));
		table = grown;
		table_len = len;
	}
	if (table[fd])
		release_locked(table[fd]);
	table[fd] = s;
	return 0;
}

static int connect_errno(int err)
{
	/* No permission on the socket is no permission on the node; anything else means nothing
	 * is serving it any more: the device is gone. */
	return err == EACCES || err == EPERM ? err : ENODEV;
}

int shim_session_open(const struct shim_dev *dev, enum shim_dev_kind kind, int flags)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct shim_session *s;
	struct stat st;
	uid_t broker_uid = 0;
	int fd, err;
	if (flags & O_DIRECTORY) {
		errno = ENOTDIR;
		return -1;
	}
	if ((flags & O_CREAT) && (flags & O_EXCL)) {
		errno = EEXIST;
		return -1;
	}
	if (strlen(dev->socket) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(addr.sun_path, dev->socket, strlen(dev->socket) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | ((flags & O_CLOEXEC) ? SOCK_CLOEXEC : 0), 0);
	if (fd < 0)
		return -1;
	while ((err = connect(fd, (struct sockaddr *)&addr, sizeof(addr))) < 0 && errno == EINTR)
		;
	if (err < 0) {
		err = connect_errno(errno);
		goto fail;
	}
	if (!shim_broker_trusted(fd, &broker_uid)) {
		/* Someone else's listener in our run directory: a fake broker. Tell the user why the
		 * open fails, since EACCES alone would point at file modes. */
		char msg[PATH_MAX + 256];
		int n = snprintf(msg, sizeof(msg),
				 "mlx5ctl shim: refusing the broker at %s: it runs as uid %u, not root, you or the owner of %s; remove %s or use a run directory of your own (MLX5CTL_RUNDIR)\n",
				 dev->socket, (unsigned)broker_uid, shim_rundir(), shim_rundir());
		if (n > 0)
			(void)!write(STDERR_FILENO, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
		err = EACCES;
		goto fail;
	}
	err = -shim_proto_wait_open(fd);
	if (err)
		goto fail;
	if (shim_real()->fstat(fd, &st) < 0 || !(s = calloc(1, sizeof(*s)))) {
		err = ENOMEM;
		goto fail;
	}
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		err = ENOMEM;
		goto fail;
	}
	s->refs = 1;
	s->kind = kind;
	s->index = dev->index;
	s->sock_dev = st.st_dev;
	s->sock_ino = st.st_ino;
	s->next_seq = 1;
	atomic_fetch_add(&live_sessions, 1);
	if (pthread_mutex_lock(&table_lock) != 0) {
		pthread_mutex_destroy(&s->lock);
		free(s);
		atomic_fetch_sub(&live_sessions, 1);
		err = ENOMEM;
		goto fail;
	}
	if (install_locked(fd, s) < 0) {
		/* Cannot track it: give the program a clean failure rather than a half session. */
		release_locked(s);
		(void)pthread_mutex_unlock(&table_lock);
		err = ENOMEM;
		goto fail;
	}
	(void)pthread_mutex_unlock(&table_lock);
	return fd;
fail:
	shim_real()->close(fd);
	errno = err;
	return -1;
}

struct shim_session *shim_session_get(int fd, int discover)
{
	struct shim_session *s = NULL;
	struct stat st;
	if (fd < 0 || shim_sessions_none())
		return NULL;
	if (shim_real()->fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		st.st_ino = 0;
	if (pthread_mutex_lock(&table_lock) != 0)
		return NULL;
	if ((size_t)fd < table_len && table[fd]) {
		if (st.st_ino && table[fd]->sock_ino == st.st_ino && table[fd]->sock_dev == st.st_dev) {
			s = table[fd];
		} else {
			release_locked(table[fd]); /* the number was closed and reused behind our back */
			table[fd] = NULL;
		}
	}
	if (!s && discover && st.st_ino) {
		for (size_t i = 0; i < table_len && !s; i++) {
			if (table[i] && table[i]->sock_ino == st.st_ino && table[i]->sock_dev == st.st_dev) {
				table[i]->refs++;
				if (install_locked(fd, table[i]) == 0)
					s = table[i];
				else
					release_locked(table[i]);
			}
		}
	}
	if (s)
		s->refs++;
	(void)pthread_mutex_unlock(&table_lock);
	return s;
}

void shim_session_forget(int fd)
{
	if (fd < 0 || shim_sessions_none() || pthread_mutex_lock(&table_lock) != 0)
		return;
	if ((size_t)fd < table_len && table[fd]) {
		release_locked(table[fd]);
		table[fd] = NULL;
	}
	(void)pthread_mutex_unlock(&table_lock);
}

void shim_session_forget_range(unsigned int first, unsigned int last)
{
	if (shim_sessions_none() || pthread_mutex_lock(&table_lock) != 0)
		return;
	for (size_t fd = first; fd < table_len && fd <= last; fd++) {
		if (table[fd]) {
			release_locked(table[fd]);
			table[fd] = NULL;
		}
	}
	(void)pthread_mutex_unlock(&table_lock);
}

void shim_session_alias(int oldfd, int newfd)
{
	if (oldfd < 0 || newfd < 0 || oldfd == newfd || shim_sessions_none())
		return;
	if (pthread_mutex_lock(&table_lock) != 0)
		return;
	if ((size_t)oldfd < table_len && table[oldfd]) {
		table[oldfd]->refs++;
		if (install_locked(newfd, table[oldfd]) < 0)
			release_locked(table[oldfd]);
	}
	(void)pthread_mutex_unlock(&table_lock);
}

void shim_session_as_chardev(const struct shim_session *s, mode_t *mode, dev_t *rdev)
{
	*mode = S_IFCHR | 0600; /* as udev leaves the fwctl and mlx5ctl nodes */
	*rdev = shim_device_rdev(s->kind, s->index);
}
