/*
 * The mixed-operation load of bench:load from clients that cost little: one thread, epoll, raw
 * frames over the Unix socket. What to send is a script that bench/c_mix.ts writes from the
 * TypeScript client code's own encoders, so the bytes are what the CLI sends; this program only
 * renumbers seq, copies values from replies into later requests, and passes a fresh memfd where
 * a frame takes one (UMEM_REG).
 *
 *   mixload SOCKET SCRIPT CLIENTS SECONDS
 *
 * Script lines (numbers in decimal, masks in hex):
 *   frame ID FDS STATUS_OFF HEX     a request frame; FDS 1: a new sealed 2 MiB memfd rides on
 *                                   it; STATUS_OFF >= 0: the reply byte there is a firmware
 *                                   status that must be 0 (else the op counts a firmware error)
 *   capture ID REG OFF be|le MASK SHIFT   after frame ID's reply (ID -1: the OPEN answer),
 *                                   register REG = (u32 at reply OFF & MASK) >> SHIFT
 *   patch ID REG OFF be|le MASK SHIFT     before frame ID goes out, the u32 at OFF takes
 *                                   (REG << SHIFT) & MASK in the bits of MASK
 *   setup ID...                     frames each client sends once after its OPEN answer
 *   kind NAME ID...                 one operation: its frames, one after another
 *   mix K...                        the operation sequence (kind line indices); client c starts
 *                                   at position c * 7919 and wraps
 *
 * Each client runs closed-loop (one frame in flight). Prints one JSON line: ops, frames,
 * seconds, p50/p99 of whole operations, errors (frames answered -errno), fw_errors, and per
 * kind name {n, p50_us, p99_us}.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"

#define MAX_FRAMES 256
#define MAX_KINDS 128
#define MAX_CHAIN 16
#define MAX_MOVES 8
#define MAX_REGS 8
#define MAX_MIX 100000
#define MAX_SAMPLES (2 * 1000 * 1000)
#define MEMFD_BYTES (2 * 1024 * 1024)

struct move {
  int reg;
  int off;
  int big_endian;
  uint32_t mask;
  int shift;
};

struct frame {
  unsigned char *bytes;
  size_t len;
  int fds;
  int status_off;
  struct move captures[MAX_MOVES];
  int ncaptures;
  struct move patches[MAX_MOVES];
  int npatches;
};

struct kind {
  int name; /* index into names */
  int chain[MAX_CHAIN];
  int nchain;
};

struct script {
  struct frame frames[MAX_FRAMES];
  struct move open_captures[MAX_MOVES];
  int nopen_captures;
  int setup[MAX_CHAIN];
  int nsetup;
  struct kind kinds[MAX_KINDS];
  int nkinds;
  char *names[MAX_KINDS];
  int nnames;
  int *mix;
  int nmix;
};

struct client {
  int fd;
  int opened;
  int in_setup;
  int step; /* position in the current chain */
  int mix_at;
  int kind;
  uint32_t seq;
  uint32_t regs[MAX_REGS];
  double op_started;
  int op_failed;
  struct frames in;
  unsigned char *out;
  size_t out_cap;
};

struct sample {
  float us;
  int name;
};

static uint32_t word_at(const unsigned char *p, int big_endian) {
  uint32_t v = get_u32(p);
  return big_endian ? __builtin_bswap32(v) : v;
}

static void put_word(unsigned char *p, uint32_t v, int big_endian) {
  if (big_endian) v = __builtin_bswap32(v);
  memcpy(p, &v, 4);
}

static int parse_move(char *rest, struct move *m) {
  char order[4];
  unsigned mask;
  if (sscanf(rest, "%d %d %3s %x %d", &m->reg, &m->off, order, &mask, &m->shift) != 5) return -1;
  if (m->reg < 0 || m->reg >= MAX_REGS || m->off < 0 || m->shift < 0 || m->shift > 31) return -1;
  m->big_endian = strcmp(order, "be") == 0;
  m->mask = mask;
  return 0;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static int name_index(struct script *s, const char *name) {
  for (int i = 0; i < s->nnames; i++)
    if (strcmp(s->names[i], name) == 0) return i;
  s->names[s->nnames] = strdup(name);
  return s->nnames++;
}

/* Reads frame ids from `p` into `ids`; returns how many, or -1 on a bad one. */
static int parse_ids(struct script *s, char *p, int *ids, int max) {
  int n = 0, id, used;
  while (sscanf(p, "%d%n", &id, &used) == 1) {
    if (n == max || id < 0 || id >= MAX_FRAMES || !s->frames[id].bytes) return -1;
    ids[n++] = id;
    p += used;
  }
  return n;
}

static int load_script(const char *path, struct script *s) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char *line = NULL;
  size_t cap = 0;
  int lineno = 0;
  s->mix = malloc(sizeof(int) * MAX_MIX);
  while (getline(&line, &cap, f) > 0) {
    lineno++;
    char word[16];
    int used = 0, id;
    if (sscanf(line, "%15s %n", word, &used) != 1) continue;
    char *rest = line + used;
    int ok = 1;
    if (strcmp(word, "frame") == 0) {
      struct frame fr = {0};
      int n;
      if (sscanf(rest, "%d %d %d %n", &id, &fr.fds, &fr.status_off, &n) != 3 || id < 0 || id >= MAX_FRAMES) ok = 0;
      else {
        char *hex = rest + n;
        size_t hexlen = strcspn(hex, " \r\n");
        fr.len = hexlen / 2;
        fr.bytes = malloc(fr.len ? fr.len : 1);
        for (size_t i = 0; i < fr.len && ok; i++) {
          int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
          if (hi < 0 || lo < 0) ok = 0;
          fr.bytes[i] = (unsigned char)(hi << 4 | lo);
        }
        if (fr.len < FRAME_HEADER || hexlen % 2) ok = 0;
        s->frames[id] = fr;
      }
    } else if (strcmp(word, "capture") == 0 || strcmp(word, "patch") == 0) {
      int n;
      struct move m;
      if (sscanf(rest, "%d %n", &id, &n) != 1 || parse_move(rest + n, &m) < 0) ok = 0;
      else if (id == -1 && word[0] == 'c' && s->nopen_captures < MAX_MOVES) s->open_captures[s->nopen_captures++] = m;
      else if (id >= 0 && id < MAX_FRAMES && s->frames[id].bytes) {
        struct frame *fr = &s->frames[id];
        if (word[0] == 'c' && fr->ncaptures < MAX_MOVES) fr->captures[fr->ncaptures++] = m;
        else if (word[0] == 'p' && fr->npatches < MAX_MOVES && m.off + 4 <= (int)fr->len) fr->patches[fr->npatches++] = m;
        else ok = 0;
      } else ok = 0;
    } else if (strcmp(word, "setup") == 0) {
      ok = (s->nsetup = parse_ids(s, rest, s->setup, MAX_CHAIN)) >= 0;
    } else if (strcmp(word, "kind") == 0) {
      char name[64];
      int n;
      if (s->nkinds == MAX_KINDS || sscanf(rest, "%63s %n", name, &n) != 1) ok = 0;
      else {
        struct kind *k = &s->kinds[s->nkinds++];
        k->name = name_index(s, name);
        ok = (k->nchain = parse_ids(s, rest + n, k->chain, MAX_CHAIN)) > 0;
      }
    } else if (strcmp(word, "mix") == 0) {
      char *p = rest;
      int k, n;
      while (sscanf(p, "%d%n", &k, &n) == 1 && ok) {
        if (k < 0 || k >= s->nkinds || s->nmix == MAX_MIX) ok = 0;
        else s->mix[s->nmix++] = k;
        p += n;
      }
    } else ok = 0;
    if (!ok) {
      fprintf(stderr, "mixload: %s:%d: bad line\n", path, lineno);
      return -1;
    }
  }
  free(line);
  fclose(f);
  return s->nmix > 0 ? 0 : -1;
}

/* A memfd the broker takes for a UMEM: sealed against shrinking and growing, read-write. */
static int new_umem_memfd(void) {
  int fd = memfd_create("mlx5ctl-umem", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return -1;
  if (ftruncate(fd, MEMFD_BYTES) < 0 || fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int send_with_fd(int fd, const unsigned char *buf, size_t len, int passed) {
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
  union {
    struct cmsghdr align;
    char space[CMSG_SPACE(sizeof(int))];
  } control;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof(control.space)};
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &passed, sizeof(int));
  ssize_t n;
  do n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -1;
  return (size_t)n == len ? 0 : send_all(fd, buf + n, len - n);
}

static int current_frame(const struct script *s, const struct client *c) {
  return c->in_setup ? s->setup[c->step] : s->kinds[c->kind].chain[c->step];
}

/* Sends the client's current frame, its registers patched in. */
static int send_current(const struct script *s, struct client *c) {
  const struct frame *fr = &s->frames[current_frame(s, c)];
  if (fr->len > c->out_cap) {
    c->out_cap = fr->len;
    c->out = realloc(c->out, c->out_cap);
  }
  memcpy(c->out, fr->bytes, fr->len);
  c->seq++;
  memcpy(c->out + 8, &c->seq, 4);
  for (int i = 0; i < fr->npatches; i++) {
    const struct move *m = &fr->patches[i];
    uint32_t w = word_at(c->out + m->off, m->big_endian);
    w = (w & ~m->mask) | ((c->regs[m->reg] << m->shift) & m->mask);
    put_word(c->out + m->off, w, m->big_endian);
  }
  if (!fr->fds) return send_all(c->fd, c->out, fr->len);
  int memfd = new_umem_memfd();
  if (memfd < 0) return -1;
  int rc = send_with_fd(c->fd, c->out, fr->len, memfd);
  close(memfd);
  return rc;
}

static void capture(struct client *c, const struct move *moves, int n, const unsigned char *reply, size_t len) {
  for (int i = 0; i < n; i++) {
    const struct move *m = &moves[i];
    if ((size_t)m->off + 4 <= len) c->regs[m->reg] = (word_at(reply + m->off, m->big_endian) & m->mask) >> m->shift;
  }
}

static void start_op(const struct script *s, struct client *c, double t) {
  c->in_setup = 0;
  c->step = 0;
  c->kind = s->mix[c->mix_at];
  c->mix_at = (c->mix_at + 1) % s->nmix;
  c->op_started = t;
  c->op_failed = 0;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: mixload SOCKET SCRIPT CLIENTS SECONDS\n");
    return 2;
  }
  const char *sock = argv[1];
  int nclients = atoi(argv[3]);
  double seconds = atof(argv[4]);
  static struct script s;
  if (nclients < 1 || load_script(argv[2], &s) < 0) {
    fprintf(stderr, "mixload: cannot load script %s\n", argv[2]);
    return 1;
  }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct client *clients = calloc(nclients, sizeof(*clients));
  struct sample *samples = malloc(sizeof(struct sample) * MAX_SAMPLES);
  size_t nsamples = 0;
  long ops = 0, frames = 0, errors = 0, fw_errors = 0;
  for (int i = 0; i < nclients; i++) {
    struct client *c = &clients[i];
    c->fd = connect_unix(sock, 0);
    if (c->fd < 0) {
      fprintf(stderr, "mixload: connect %s: %s\n", sock, strerror(errno));
      return 1;
    }
    frames_init(&c->in);
    c->mix_at = (int)(((long)i * 7919) % s.nmix);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
  }
  double start = 0, deadline = 0;
  int ready = 0, running = nclients;
  struct epoll_event events[256];
  while (running > 0) {
    int n = epoll_wait(ep, events, 256, 5000);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fprintf(stderr, "mixload: no answer for 5 s\n");
      return 1;
    }
    for (int e = 0; e < n; e++) {
      struct client *c = &clients[events[e].data.u32];
      int got = frames_recv(&c->in, c->fd);
      if (got == 0) continue;
      if (got < 0) {
        fprintf(stderr, "mixload: connection closed by the server\n");
        return 1;
      }
      long len;
      while ((len = frames_next(&c->in)) != 0) {
        if (len < 0) {
          fprintf(stderr, "mixload: bad frame length %u\n", get_u32(c->in.buf));
          return 1;
        }
        int32_t result = frames_result(&c->in);
        double t = now_us();
        int done = 0; /* the client finished its setup or an operation */
        if (!c->opened) {
          if (result < 0) {
            fprintf(stderr, "mixload: open refused: %d\n", result);
            return 1;
          }
          c->opened = 1;
          capture(c, s.open_captures, s.nopen_captures, c->in.buf, len);
          c->in_setup = 1;
          c->step = 0;
          if (s.nsetup == 0) done = 1;
          else if (send_current(&s, c) < 0) return 1;
        } else {
          const struct frame *fr = &s.frames[current_frame(&s, c)];
          frames += !c->in_setup;
          if (result < 0) {
            if (c->in_setup) {
              fprintf(stderr, "mixload: setup frame answered %d\n", result);
              return 1;
            }
            errors++;
            c->op_failed = 1;
          } else if (fr->status_off >= 0 && fr->status_off < len && c->in.buf[fr->status_off] != 0) {
            fw_errors++;
            c->op_failed = 1;
          }
          capture(c, fr->captures, fr->ncaptures, c->in.buf, len);
          c->step++;
          int chain_len = c->in_setup ? s.nsetup : s.kinds[c->kind].nchain;
          if (c->step < chain_len) {
            if (send_current(&s, c) < 0) return 1;
          } else if (c->in_setup) {
            done = 1;
          } else {
            ops++;
            if (nsamples < MAX_SAMPLES) samples[nsamples++] = (struct sample){.us = (float)(t - c->op_started), .name = s.kinds[c->kind].name};
            if (t >= deadline) running--;
            else {
              start_op(&s, c, t);
              if (send_current(&s, c) < 0) return 1;
            }
          }
        }
        frames_consume(&c->in, len);
        if (done && ++ready == nclients) {
          start = now_us();
          deadline = start + seconds * 1e6;
          for (int i = 0; i < nclients; i++) {
            start_op(&s, &clients[i], now_us());
            if (send_current(&s, &clients[i]) < 0) return 1;
          }
        }
      }
    }
  }
  double elapsed = (now_us() - start) / 1e6;
  double *all = malloc(sizeof(double) * (nsamples ? nsamples : 1));
  for (size_t i = 0; i < nsamples; i++) all[i] = samples[i].us;
  qsort(all, nsamples, sizeof(double), cmp_double);
  printf("{\"clients\":%d,\"ops\":%ld,\"frames\":%ld,\"seconds\":%.4f,\"p50_us\":%.2f,\"p99_us\":%.2f,\"errors\":%ld,\"fw_errors\":%ld,\"kinds\":{", nclients, ops, frames,
         elapsed, nsamples ? all[nsamples / 2] : 0, nsamples ? all[(size_t)(nsamples * 0.99)] : 0, errors, fw_errors);
  for (int k = 0; k < s.nnames; k++) {
    size_t m = 0;
    for (size_t i = 0; i < nsamples; i++)
      if (samples[i].name == k) all[m++] = samples[i].us;
    qsort(all, m, sizeof(double), cmp_double);
    printf("%s\"%s\":{\"n\":%zu,\"p50_us\":%.2f,\"p99_us\":%.2f}", k ? "," : "", s.names[k], m, m ? all[m / 2] : 0, m ? all[(size_t)(m * 0.99)] : 0);
  }
  printf("}}\n");
  for (int i = 0; i < nclients; i++) close(clients[i].fd);
  return 0;
}
