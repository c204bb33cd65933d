/*
 * UMEM on ordinary memory. The kernel pins the caller's pages; over a socket the broker can only
 * pin what it can map, a sealed memfd. So UMEM_REG of a heap range [addr, addr+len) creates a
 * memfd covering its pages [addr & ~0xfff, roundup(addr+len)), passes it with addr = addr & 0xfff
 * (so the UMEM's page_offset is the caller's), and keeps the caller's range and the mapping.
 *
 * Addresses keep their kernel meaning: the caller's VAs go into CREATE_MKEY start_addr and the
 * dump registers; the device resolves VA - start_addr + page_offset within the UMEM, which is
 * the same byte of the memfd as of the caller's range.
 *
 * Coherence: before every RPC, the caller's bytes are copied into the memfd (caller writes are
 * visible to the device); after it, the pages the device changed are copied back (device writes
 * are visible when the RPC returns). Only changed pages are written back, and all comparisons
 * are made before any copy, so overlapping registrations do not undo each other's writes.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open, stat... must keep their own names, not become open64 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shim.h"

#define UMEM_PAGE 4096ULL
#define CHUNK (16 * UMEM_PAGE)

struct shim_umem {
	struct shim_umem *next;
	uint64_t uaddr; /* the caller's range */
	uint64_t len;
	uint8_t *map; /* the memfd's pages; the caller's byte uaddr is map[uaddr & 0xfff] */
	size_t map_len;
	uint8_t *dirty; /* per page, set between the two phases of a copy-back */
	uint32_t umem_id;
};

static size_t page_off(const struct shim_umem *u)
{
	return (size_t)(u->uaddr & (UMEM_PAGE - 1));
}

/*
 * Walks the caller's range in chunks of at most CHUNK bytes that end on page boundaries of the
 * mapping, reading each chunk of caller memory into `scratch`. A chunk the caller unmapped is
 * skipped: pinned pages outlive the caller's mapping in the kernel too.
 */
typedef void (*chunk_fn)(struct shim_umem *u, size_t moff, size_t n, const uint8_t *user);

static void for_each_chunk(struct shim_umem *u, uint8_t *scratch, chunk_fn fn)
{
	size_t moff = page_off(u), end = page_off(u) + (size_t)u->len;
	while (moff < end) {
		size_t n = (moff / CHUNK + 1) * CHUNK - moff;
		if (n > end - moff)
			n = end - moff;
		if (shim_copy_from_user(scratch, u->uaddr + (moff - page_off(u)), n) == 0)
			fn(u, moff, n, scratch);
		moff += n;
	}
}

static void push_chunk(struct shim_umem *u, size_t moff, size_t n, const uint8_t *user)
{
	if (memcmp(u->map + moff, user, n) != 0)
		memcpy(u->map + moff, user, n);
}

static void mark_chunk(struct shim_umem *u, size_t moff, size_t n, const uint8_t *user)
{
	/* Page by page, so only what the device touched is written back. */
	size_t done = 0;
	while (done < n) {
		size_t at = moff + done;
		size_t len = (at / UMEM_PAGE + 1) * UMEM_PAGE - at;
		if (len > n - done)
			len = n - done;
		if (memcmp(u->map + at, user + done, len) != 0)
			u->dirty[at / UMEM_PAGE] = 1;
		done += len;
	}
}

void shim_umem_to_device(struct shim_session *s)
{
	uint8_t *scratch;
	if (!s->umems || !(scratch = malloc(CHUNK)))
		return;
	for (struct shim_umem *u = s->umems; u; u = u->next)
		for_each_chunk(u, scratch, push_chunk);
	free(scratch);
}

void shim_umem_from_device(struct shim_session *s)
{
	uint8_t *scratch;
	if (!s->umems || !(scratch = malloc(CHUNK)))
		return;
	for (struct shim_umem *u = s->umems; u; u = u->next)
		for_each_chunk(u, scratch, mark_chunk);
	free(scratch);
	for (struct shim_umem *u = s->umems; u; u = u->next) {
		size_t start = page_off(u), end = page_off(u) + (size_t)u->len;
		for (size_t page = 0; page < u->map_len / UMEM_PAGE; page++) {
			size_t from = page * UMEM_PAGE, to = from + UMEM_PAGE;
			if (!u->dirty[page])
				continue;
			u->dirty[page] = 0;
			if (from < start)
				from = start;
			if (to > end)
				to = end;
			/* A failure means the caller unmapped its range; the device's bytes stay in the
			 * memfd, where a kernel's would stay in the pinned pages. */
			(void)shim_copy_to_user(u->uaddr + (from - start), u->map + from, to - from);
		}
	}
}

static void umem_free(struct shim_umem *u)
{
	if (u->map)
		(void)munmap(u->map, u->map_len);
	free(u->dirty);
	free(u);
}

void shim_umem_drop_all(struct shim_session *s)
{
	while (s->umems) {
		struct shim_umem *u = s->umems;
		s->umems = u->next;
		umem_free(u);
	}
}

/*
 * A memfd the broker accepts: sized, sealed against shrinking and growing, mapped here before it
 * is registered. No F_SEAL_SEAL: the broker adds F_SEAL_FUTURE_WRITE at registration (no page
 * can then be punched out), which leaves this mapping writable but refuses any new one.
 */
static int make_backing(struct shim_umem *u, int *memfd)
{
	int fd = memfd_create("mlx5ctl-shim-umem", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	void *map;
	if (fd < 0)
		return -ENOMEM;
	if (ftruncate(fd, (off_t)u->map_len) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) < 0 ||
	    (map = mmap(NULL, u->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		shim_real()->close(fd);
		return -ENOMEM;
	}
	u->map = map;
	*memfd = fd;
	return 0;
}

int shim_umem_reg(struct shim_session *s, int fd, struct mlx5ctl_umem_reg *reg)
{
	struct mlx5ctl_umem_reg wire;
	struct shim_reply reply = { 0 };
	struct shim_umem *u;
	uint64_t end = reg->addr + reg->len, first, last;
	int memfd = -1, err;
	/* The driver's order: reserved, overflow, then 0 < pages <= 64 MB. */
	if (reg->reserved)
		return -EOPNOTSUPP;
	if (end < reg->addr || end > UINT64_MAX - UMEM_PAGE)
		return -EINVAL;
	first = reg->addr & ~(UMEM_PAGE - 1);
	last = (end + UMEM_PAGE - 1) & ~(UMEM_PAGE - 1);
	if (reg->len == 0 || last - first == 0 || last - first > MLX5CTL_UMEM_MAX_BYTES)
		return -EINVAL;
	if (!(u = calloc(1, sizeof(*u))))
		return -ENOMEM;
	u->uaddr = reg->addr;
	u->len = reg->len;
	u->map_len = (size_t)(last - first);
	if (!(u->dirty = calloc(u->map_len / UMEM_PAGE, 1))) {
		free(u);
		return -ENOMEM;
	}
	err = make_backing(u, &memfd);
	/* pin_user_pages(FOLL_WRITE): the range must be mapped and writable. Reading the bytes in
	 * and writing the same bytes back checks both. */
	if (!err)
		err = shim_copy_from_user(u->map + page_off(u), u->uaddr, (size_t)u->len);
	if (!err)
		err = shim_copy_to_user(u->uaddr, u->map + page_off(u), (size_t)u->len);
	if (!err) {
		struct iovec part = { &wire, sizeof(wire) };
		memset(&wire, 0, sizeof(wire));
		wire.addr = page_off(u);
		wire.len = reg->len;
		err = shim_proto_call(s, fd, MLX5CTL_IOCTL_UMEM_REG, &part, 1, memfd, &reply);
	}
	if (memfd >= 0)
		shim_real()->close(memfd); /* the broker and our mapping keep the memory */
	if (!err && reply.result < 0)
		err = reply.result;
	if (!err && reply.body_len < sizeof(wire))
		err = -EIO;
	if (err) {
		shim_reply_free(&reply);
		umem_free(u);
		return err;
	}
	memcpy(&wire, reply.body, sizeof(wire));
	shim_reply_free(&reply);
	u->umem_id = wire.umem_id;
	u->next = s->umems;
	s->umems = u;
	reg->umem_id = wire.umem_id;
	return 0;
}

int shim_umem_unreg(struct shim_session *s, int fd, const struct mlx5ctl_umem_unreg *unreg)
{
	struct mlx5ctl_umem_unreg wire = *unreg;
	struct iovec part = { &wire, sizeof(wire) };
	struct shim_reply reply = { 0 };
	int err = shim_proto_call(s, fd, MLX5CTL_IOCTL_UMEM_UNREG, &part, 1, -1, &reply);
	if (!err)
		err = reply.result < 0 ? reply.result : 0;
	shim_reply_free(&reply);
	if (err)
		return err;
	for (struct shim_umem **p = &s->umems; *p; p = &(*p)->next) {
		if ((*p)->umem_id == unreg->umem_id) {
			struct shim_umem *u = *p;
			*p = u->next;
			umem_free(u);
			break;
		}
	}
	return 0;
}
