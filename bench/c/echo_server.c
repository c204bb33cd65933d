/*
 * The baseline: a bare C Unix-socket server with the broker's framing that does no work. On
 * accept it sends a first frame of HELLO_BYTES (as the broker sends its OPEN answer); each
 * complete request frame is answered with a REPLY_BYTES frame echoing cmd and seq. One thread,
 * epoll, listen backlog BACKLOG (the broker's), so burst and RPC numbers compare like for like.
 *
 *   echo_server SOCKET HELLO_BYTES REPLY_BYTES BACKLOG     prints "ready" once listening
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define HEADER 16

struct conn {
  int fd;
  size_t have;
  unsigned char buf[64 * 1024];
};

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: echo_server SOCKET HELLO_BYTES REPLY_BYTES BACKLOG\n");
    return 2;
  }
  size_t hello_len = strtoul(argv[2], NULL, 10), reply_len = strtoul(argv[3], NULL, 10);
  int backlog = atoi(argv[4]);
  if (hello_len < HEADER || reply_len < HEADER) return 2;
  unsigned char *hello = calloc(1, hello_len), *reply = calloc(1, reply_len);
  uint32_t v = (uint32_t)hello_len;
  memcpy(hello, &v, 4);
  v = (uint32_t)reply_len;
  memcpy(reply, &v, 4);

  int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, argv[1], sizeof(addr.sun_path) - 1);
  unlink(argv[1]);
  if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, backlog) < 0) {
    perror("echo_server: bind/listen");
    return 1;
  }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  printf("ready\n");
  fflush(stdout);

  struct epoll_event events[256];
  for (;;) {
    int n = epoll_wait(ep, events, 256, -1);
    if (n < 0 && errno == EINTR) continue;
    for (int e = 0; e < n; e++) {
      if (events[e].data.ptr == NULL) {
        int fd;
        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          struct conn *c = calloc(1, sizeof(*c));
          c->fd = fd;
          struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
          send(fd, hello, hello_len, MSG_NOSIGNAL);
        }
        continue;
      }
      struct conn *c = events[e].data.ptr;
      int fd = c->fd;
      size_t room = sizeof(c->buf) - c->have;
      ssize_t got = recv(fd, c->buf + c->have, room, 0);
      if (got <= 0) {
        if (got < 0 && errno == EAGAIN) continue;
        epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
        close(fd);
        free(c);
        continue;
      }
      c->have += got;
      size_t at = 0;
      while (c->have - at >= HEADER) {
        uint32_t len;
        memcpy(&len, c->buf + at, 4);
        if (len < HEADER || c->have - at < len) break;
        memcpy(reply + 4, c->buf + at + 4, 8); /* cmd and seq */
        send(fd, reply, reply_len, MSG_NOSIGNAL);
        at += len;
      }
      memmove(c->buf, c->buf + at, c->have - at);
      c->have -= at;
    }
  }
}
