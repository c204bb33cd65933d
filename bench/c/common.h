/*
 * Helpers the C load generators share: the clock, sorting samples, connecting, whole sends, and
 * the receive side of a connection in the broker's framing.
 */
#ifndef BENCH_C_COMMON_H
#define BENCH_C_COMMON_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static inline double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static inline int connect_unix(const char *path, int nonblock) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

static inline uint32_t get_u32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static inline int send_all(int fd, const unsigned char *buf, size_t len) {
  size_t off = 0;
  while (off < len) {
    ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    off += n;
  }
  return 0;
}

/* Frame header (little-endian): u32 length, u32 cmd, u32 seq, i32 result. */
#define FRAME_HEADER 16

/* What one connection has received and not consumed yet. */
struct frames {
  unsigned char *buf;
  size_t have;
  size_t cap;
};

static inline void frames_init(struct frames *f) {
  f->cap = 64 * 1024;
  f->buf = malloc(f->cap);
  f->have = 0;
}

/* One recv into the buffer: 1 when bytes came, 0 when none were ready, -1 when the peer closed. */
static inline int frames_recv(struct frames *f, int fd) {
  ssize_t got = recv(fd, f->buf + f->have, f->cap - f->have, 0);
  if (got < 0 && errno == EAGAIN) return 0;
  if (got <= 0) return -1;
  f->have += got;
  return 1;
}

/*
 * The length of the complete frame at the start of the buffer; 0 while it is incomplete (the
 * buffer grows to hold it); -1 for a length shorter than the header.
 */
static inline long frames_next(struct frames *f) {
  if (f->have < FRAME_HEADER) return 0;
  uint32_t len = get_u32(f->buf);
  if (len < FRAME_HEADER) return -1;
  if (len > f->cap) {
    f->cap = len;
    f->buf = realloc(f->buf, f->cap);
  }
  return f->have < len ? 0 : (long)len;
}

static inline int32_t frames_result(const struct frames *f) {
  int32_t result;
  memcpy(&result, f->buf + 12, 4);
  return result;
}

/* Drops the first frame, `len` bytes, once it has been handled. */
static inline void frames_consume(struct frames *f, size_t len) {
  memmove(f->buf, f->buf + len, f->have - len);
  f->have -= len;
}

#endif
