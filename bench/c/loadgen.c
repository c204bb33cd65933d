/*
 * A load generator that costs little CPU, so the broker's own cost per RPC shows: one thread,
 * epoll, raw frames over the Unix socket. The request frame is made by the TypeScript client
 * code (bench/c_load.ts writes it to a file), so the bytes are exactly what the CLI sends; only
 * the seq field (bytes 8..11) is rewritten per request.
 *
 *   loadgen rpc SOCKET REQUEST_FILE CLIENTS SECONDS
 *     CLIENTS connections, each waits for the server's first frame (the broker's OPEN answer),
 *     then runs closed-loop (one request in flight) for SECONDS. Prints one JSON line:
 *     {"clients":..,"rpcs":..,"seconds":..,"p50_us":..,"p99_us":..,"errors":..}
 *   loadgen burst SOCKET COUNT HOLD_MS
 *     COUNT non-blocking connects issued back to back before reading anything, then waits up to
 *     5 s for every accepted one's first frame, holds them idle HOLD_MS (for RSS), and prints
 *     {"attempted":..,"connected":..,"refused":..,"opened":..}
 *
 * Frame header (little-endian): u32 length, u32 cmd, u32 seq, i32 result.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define MAX_SAMPLES (4 * 1000 * 1000)

struct client {
  int fd;
  int opened;
  uint32_t seq;
  double sent_at;
  struct frames in;
};

static unsigned char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *buf = malloc(n > 0 ? n : 1);
  if (fread(buf, 1, n, f) != (size_t)n) {
    fclose(f);
    free(buf);
    return NULL;
  }
  fclose(f);
  *len = n;
  return buf;
}

static int run_rpc(const char *sock, const char *reqfile, int nclients, double seconds) {
  size_t reqlen;
  unsigned char *req = read_file(reqfile, &reqlen);
  if (!req || reqlen < FRAME_HEADER) {
    fprintf(stderr, "loadgen: cannot read request %s\n", reqfile);
    return 1;
  }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct client *clients = calloc(nclients, sizeof(*clients));
  double *samples = malloc(sizeof(double) * MAX_SAMPLES);
  size_t nsamples = 0;
  long errors = 0, rpcs = 0;
  for (int i = 0; i < nclients; i++) {
    struct client *c = &clients[i];
    c->fd = connect_unix(sock, 0);
    if (c->fd < 0) {
      fprintf(stderr, "loadgen: connect %s: %s\n", sock, strerror(errno));
      return 1;
    }
    frames_init(&c->in);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
  }
  unsigned char *out = malloc(reqlen);
  memcpy(out, req, reqlen);
  double start = 0, deadline = 0;
  int opened = 0, running = nclients;
  struct epoll_event events[256];
  while (running > 0) {
    int n = epoll_wait(ep, events, 256, 5000);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fprintf(stderr, "loadgen: no answer for 5 s\n");
      return 1;
    }
    for (int e = 0; e < n; e++) {
      struct client *c = &clients[events[e].data.u32];
      int got = frames_recv(&c->in, c->fd);
      if (got == 0) continue;
      if (got < 0) {
        fprintf(stderr, "loadgen: connection closed by the server\n");
        return 1;
      }
      long len;
      while ((len = frames_next(&c->in)) != 0) {
        if (len < 0) {
          fprintf(stderr, "loadgen: bad frame length %u\n", get_u32(c->in.buf));
          return 1;
        }
        int32_t result = frames_result(&c->in);
        int first = !c->opened;
        c->opened = 1;
        frames_consume(&c->in, len);
        double t = now_us();
        if (first) {
          if (result < 0) {
            fprintf(stderr, "loadgen: open refused: %d\n", result);
            return 1;
          }
          if (++opened == nclients) {
            start = now_us();
            deadline = start + seconds * 1e6;
            for (int i = 0; i < nclients; i++) {
              struct client *k = &clients[i];
              k->seq = 1;
              memcpy(out + 8, &k->seq, 4);
              k->sent_at = now_us();
              if (send_all(k->fd, out, reqlen) < 0) return 1;
            }
          }
          continue;
        }
        if (result < 0) errors++;
        rpcs++;
        if (nsamples < MAX_SAMPLES) samples[nsamples++] = t - c->sent_at;
        if (t >= deadline) {
          running--;
          continue;
        }
        c->seq++;
        memcpy(out + 8, &c->seq, 4);
        c->sent_at = t;
        if (send_all(c->fd, out, reqlen) < 0) return 1;
      }
    }
  }
  double elapsed = (now_us() - start) / 1e6;
  qsort(samples, nsamples, sizeof(double), cmp_double);
  double p50 = nsamples ? samples[nsamples / 2] : 0;
  double p99 = nsamples ? samples[(size_t)(nsamples * 0.99)] : 0;
  printf("{\"clients\":%d,\"rpcs\":%ld,\"seconds\":%.4f,\"p50_us\":%.2f,\"p99_us\":%.2f,\"errors\":%ld}\n", nclients, rpcs,
         elapsed, p50, p99, errors);
  for (int i = 0; i < nclients; i++) close(clients[i].fd);
  return 0;
}

static int run_burst(const char *sock, int count, int hold_ms) {
  int *fds = malloc(sizeof(int) * count);
  int connected = 0, refused = 0;
  for (int i = 0; i < count; i++) {
    fds[i] = connect_unix(sock, 1);
    if (fds[i] >= 0) connected++;
    else refused++;
  }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  for (int i = 0; i < count; i++) {
    if (fds[i] < 0) continue;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
  }
  int opened = 0;
  double deadline = now_us() + 5e6;
  unsigned char buf[4096];
  struct epoll_event events[256];
  while (opened < connected && now_us() < deadline) {
    int n = epoll_wait(ep, events, 256, 100);
    for (int e = 0; e < n; e++) {
      int i = events[e].data.u32;
      ssize_t got = recv(fds[i], buf, sizeof(buf), 0);
      epoll_ctl(ep, EPOLL_CTL_DEL, fds[i], NULL);
      if (got >= FRAME_HEADER) {
        int32_t result;
        memcpy(&result, buf + 12, 4);
        if (result >= 0) opened++;
      }
    }
  }
  /* Tell the caller the sessions are up, so it can sample the server's RSS while they idle. */
  printf("{\"attempted\":%d,\"connected\":%d,\"refused\":%d,\"opened\":%d}\n", count, connected, refused, opened);
  fflush(stdout);
  struct timespec hold = {.tv_sec = hold_ms / 1000, .tv_nsec = (long)(hold_ms % 1000) * 1000000L};
  nanosleep(&hold, NULL);
  for (int i = 0; i < count; i++)
    if (fds[i] >= 0) close(fds[i]);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 6 && strcmp(argv[1], "rpc") == 0) return run_rpc(argv[2], argv[3], atoi(argv[4]), atof(argv[5]));
  if (argc == 5 && strcmp(argv[1], "burst") == 0) return run_burst(argv[2], atoi(argv[3]), atoi(argv[4]));
  fprintf(stderr, "usage: loadgen rpc SOCKET REQUEST_FILE CLIENTS SECONDS | loadgen burst SOCKET COUNT HOLD_MS\n");
  return 2;
}
