/*
 * The broker's framing (src/uapi/frame.ts): a 16-byte little-endian header {u32 length incl.
 * header, u32 cmd, u32 seq, i32 result}, then the ioctl's struct and payload. Requests carry a
 * per-session seq; replies echo it. Unsolicited frames (seq 0) and stray fds are skipped.
 * Any socket failure means the device is gone for this open file: -ENODEV, as an orphaned fd
 * gets from the kernel.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open, stat... must keep their own names, not become open64 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shim.h"

#define HEADER_SIZE 16
/* The broker's MAX_FRAME_SIZE: a 2 MiB fwctl RPC plus a page of struct plus the header. */
#define MAX_FRAME (HEADER_SIZE + 4096 + 2 * 1024 * 1024)
#define MAX_PARTS 4

struct header {
	uint32_t length, cmd, seq;
	int32_t result;
};

static void put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return le32toh(v);
}

/* Waits until the socket is ready (the program may have made it non-blocking). */
static int wait_ready(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	for (;;) {
		int n = poll(&p, 1, -1);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -ENODEV;
	}
}

/* Closes whatever fds came with a read: the broker never sends any the shim expects. */
static void drop_fds(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			shim_real()->close(fd);
		}
	}
}

static int recv_exact(int fd, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		union { struct cmsghdr align; char buf[CMSG_SPACE(8 * sizeof(int))]; } control;
		struct iovec iov = { (char *)buf + got, len - got };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
		ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_ready(fd, POLLIN) < 0)
				return -ENODEV;
			continue;
		}
		if (n <= 0)
			return -ENODEV; /* EOF or reset: the broker hung up */
		drop_fds(&msg);
		got += (size_t)n;
	}
	return 0;
}

static int send_all(int fd, struct iovec *iov, int niov, int pass_fd)
{
	int first = 1;
	while (niov > 0) {
		union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } control;
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)niov };
		ssize_t n;
		if (first && pass_fd >= 0) {
			/* SCM_RIGHTS rides on the frame's first byte, where the broker looks for it. */
			memset(&control, 0, sizeof(control));
			msg.msg_control = control.buf;
			msg.msg_controllen = sizeof(control.buf);
			struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
		}
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_ready(fd, POLLOUT) < 0)
				return -ENODEV;
			continue;
		}
		if (n < 0)
			return -ENODEV;
		first = 0;
		while (niov > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			niov--;
		}
		if (niov > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

static int read_header(int fd, struct header *h)
{
	uint8_t raw[HEADER_SIZE];
	int err = recv_exact(fd, raw, sizeof(raw));
	if (err)
		return err;
	h->length = get32(raw);
	h->cmd = get32(raw + 4);
	h->seq = get32(raw + 8);
	h->result = (int32_t)get32(raw + 12);
	/* A header that cannot be right means the stream is lost. */
	if (h->length < HEADER_SIZE || h->length > MAX_FRAME)
		return -ENODEV;
	return 0;
}

static int read_body(int fd, size_t len, uint8_t **out)
{
	uint8_t *body = malloc(len ? len : 1);
	int err;
	if (!body)
		return -ENOMEM;
	err = recv_exact(fd, body, len);
	if (err) {
		free(body);
		return err;
	}
	*out = body;
	return 0;
}

void shim_reply_free(struct shim_reply *r)
{
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
}

int shim_proto_call(struct shim_session *s, int fd, uint32_t cmd, const struct iovec *parts,
		    int nparts, int pass_fd, struct shim_reply *reply)
{
	struct iovec iov[MAX_PARTS + 1];
	uint8_t raw[HEADER_SIZE];
	size_t length = HEADER_SIZE;
	uint32_t seq;
	int err;
	if (nparts > MAX_PARTS)
		return -EINVAL;
	for (int i = 0; i < nparts; i++)
		length += parts[i].iov_len;
	if (length > MAX_FRAME)
		return -EMSGSIZE;
	seq = s->next_seq++;
	if (s->next_seq == 0)
		s->next_seq = 1; /* seq 0 is the broker's */
	put32(raw, (uint32_t)length);
	put32(raw + 4, cmd);
	put32(raw + 8, seq);
	put32(raw + 12, 0);
	iov[0].iov_base = raw;
	iov[0].iov_len = sizeof(raw);
	for (int i = 0; i < nparts; i++)
		iov[i + 1] = parts[i];
	err = send_all(fd, iov, nparts + 1, pass_fd);
	while (!err) {
		struct header h;
		uint8_t *body;
		err = read_header(fd, &h);
		if (!err)
			err = read_body(fd, h.length - HEADER_SIZE, &body);
		if (err)
			break;
		if (h.seq != seq) {
			free(body); /* an event, or a reply nobody waits for */
			continue;
		}
		reply->result = h.result;
		reply->body = body;
		reply->body_len = h.length - HEADER_SIZE;
		return 0;
	}
	return err;
}

int shim_proto_wait_open(int fd)
{
	for (;;) {
		struct header h;
		uint8_t *body;
		int err = read_header(fd, &h);
		if (!err)
			err = read_body(fd, h.length - HEADER_SIZE, &body);
		if (err)
			return err;
		free(body);
		if (h.cmd == MLX5CTLD_OPEN && h.seq == 0)
			return h.result < 0 ? h.result : 0;
	}
}
