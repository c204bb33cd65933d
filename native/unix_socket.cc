// AF_UNIX stream sockets as raw non-blocking fds. Node's net module cannot carry SCM_RIGHTS, so
// the broker and its clients drive these fds themselves (reads and writes in fdpass.cc, readiness
// through poller.cc).
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "errno_error.h"
#include "units.h"

namespace mlx5ctl {
namespace {

constexpr size_t kMaxPath = sizeof(sockaddr_un::sun_path) - 1;

sockaddr_un AddressFor(const std::string& path) {
  sockaddr_un addr;
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

int NewSocket(Napi::Env env) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw ErrnoError(env, errno, "socket");
  return fd;
}

// chmod of the socket file just bound at `path`, never through a symbolic link: the file is
// opened O_PATH|O_NOFOLLOW, must be a socket, and is changed through its /proc/self/fd entry
// (Linux has no fchmod for O_PATH fds nor, before fchmodat2, AT_SYMLINK_NOFOLLOW for chmod).
int ChmodSocketNoFollow(const std::string& path, mode_t mode) {
  int pfd = open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (pfd < 0) return -1;
  struct stat st;
  int rc = fstat(pfd, &st);
  if (rc == 0 && !S_ISSOCK(st.st_mode)) {
    errno = ELOOP;
    rc = -1;
  }
  if (rc == 0) {
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
    rc = chmod(proc, mode);
  }
  int err = errno;
  close(pfd);
  errno = err;
  return rc;
}

// listen(path, mode, backlog) -> fd. The socket file gets `mode` before anyone can connect.
Napi::Value Listen(const Napi::CallbackInfo& info) {
  std::string path = ArgString(info, 0, kMaxPath);
  mode_t mode = static_cast<mode_t>(ArgU64(info, 1, 07777));
  int backlog = static_cast<int>(ArgU64(info, 2, 65535));
  int fd = NewSocket(info.Env());
  sockaddr_un addr = AddressFor(path);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) {
    int err = errno;
    close(fd);
    throw ErrnoError(info.Env(), err, "bind");
  }
  if (ChmodSocketNoFollow(path, mode) < 0 || listen(fd, backlog) < 0) {
    int err = errno;
    close(fd);
    unlink(path.c_str());
    throw ErrnoError(info.Env(), err, "listen");
  }
  return Napi::Number::New(info.Env(), fd);
}

// connect(path) -> fd. A blocking connect on a Unix socket completes at once or fails, so the fd
// is made non-blocking only afterwards; that keeps the call synchronous and simple.
Napi::Value Connect(const Napi::CallbackInfo& info) {
  std::string path = ArgString(info, 0, kMaxPath);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw ErrnoError(info.Env(), errno, "socket");
  sockaddr_un addr = AddressFor(path);
  int rc;
  do {
    rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  } while (rc < 0 && errno == EINTR);
  if (rc < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
    int err = errno;
    close(fd);
    throw ErrnoError(info.Env(), err, "connect");
  }
  return Napi::Number::New(info.Env(), fd);
}

// accept(listenFd) -> fd, or null when no connection is pending.
Napi::Value Accept(const Napi::CallbackInfo& info) {
  int listen_fd = ArgFd(info, 0);
  int fd;
  do {
    fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED) return info.Env().Null();
    throw ErrnoError(info.Env(), errno, "accept4");
  }
  return Napi::Number::New(info.Env(), fd);
}

// peerCred(fd) -> {pid, uid, gid} of the process that connected (SO_PEERCRED).
Napi::Value PeerCred(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  ucred cred;
  socklen_t len = sizeof(cred);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
    throw ErrnoError(info.Env(), errno, "getsockopt");
  }
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("pid", Napi::Number::New(info.Env(), cred.pid));
  out.Set("uid", Napi::Number::New(info.Env(), cred.uid));
  out.Set("gid", Napi::Number::New(info.Env(), cred.gid));
  return out;
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  // Linux releases the fd even when close() reports EINTR, so it is never retried.
  if (close(fd) < 0 && errno != EINTR) throw ErrnoError(info.Env(), errno, "close");
  return info.Env().Undefined();
}

// shutdownWrite(fd): half-close, so the peer sees EOF after the queued replies.
Napi::Value ShutdownWrite(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  if (shutdown(fd, SHUT_WR) < 0 && errno != ENOTCONN) throw ErrnoError(info.Env(), errno, "shutdown");
  return info.Env().Undefined();
}

// fdType(fd) -> 'socket' | 'file' | 'fifo' | 'dir' | 'chr' | 'blk' | 'link' | 'other'
Napi::Value FdType(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  struct stat st;
  if (fstat(fd, &st) < 0) throw ErrnoError(info.Env(), errno, "fstat");
  const char* type = "other";
  if (S_ISSOCK(st.st_mode)) type = "socket";
  else if (S_ISREG(st.st_mode)) type = "file";
  else if (S_ISFIFO(st.st_mode)) type = "fifo";
  else if (S_ISDIR(st.st_mode)) type = "dir";
  else if (S_ISCHR(st.st_mode)) type = "chr";
  else if (S_ISBLK(st.st_mode)) type = "blk";
  return Napi::String::New(info.Env(), type);
}

const char* DomainName(int domain) {
  switch (domain) {
    case AF_UNIX: return "unix";
    case AF_INET: return "inet";
    case AF_INET6: return "inet6";
    case AF_NETLINK: return "netlink";
    default: return "other";
  }
}

const char* TypeName(int type) {
  switch (type) {
    case SOCK_STREAM: return "stream";
    case SOCK_DGRAM: return "dgram";
    case SOCK_SEQPACKET: return "seqpacket";
    case SOCK_RAW: return "raw";
    default: return "other";
  }
}

int SocketOption(int fd, int option, int* value) {
  socklen_t len = sizeof(*value);
  return getsockopt(fd, SOL_SOCKET, option, value, &len);
}

// socketInfo(fd) -> {domain, type, listening, path}: what an inherited fd is, so a socket handed
// over by systemd (LISTEN_FDS) is used only if it is the AF_UNIX stream listener the broker would
// have bound itself. `path` is the bound file name; null for an unbound or abstract socket.
// Throws ENOTSOCK for an fd that is not a socket, EBADF for one that is not open.
Napi::Value SocketInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  int domain = 0, type = 0, listening = 0;
  if (SocketOption(fd, SO_DOMAIN, &domain) < 0) throw ErrnoError(env, errno, "getsockopt(SO_DOMAIN)");
  if (SocketOption(fd, SO_TYPE, &type) < 0) throw ErrnoError(env, errno, "getsockopt(SO_TYPE)");
  if (SocketOption(fd, SO_ACCEPTCONN, &listening) < 0) throw ErrnoError(env, errno, "getsockopt(SO_ACCEPTCONN)");
  Napi::Object out = Napi::Object::New(env);
  out.Set("domain", Napi::String::New(env, DomainName(domain)));
  out.Set("type", Napi::String::New(env, TypeName(type)));
  out.Set("listening", Napi::Boolean::New(env, listening != 0));
  out.Set("path", env.Null());
  if (domain == AF_UNIX) {
    sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    socklen_t len = sizeof(addr);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) throw ErrnoError(env, errno, "getsockname");
    size_t path_len = len > offsetof(sockaddr_un, sun_path) ? len - offsetof(sockaddr_un, sun_path) : 0;
    if (path_len > 0 && addr.sun_path[0] != '\0') {
      out.Set("path", Napi::String::New(env, std::string(addr.sun_path, strnlen(addr.sun_path, path_len))));
    }
  }
  return out;
}

// adoptListener(fd): an inherited listener made like the broker's own: close-on-exec (so wrap's
// children do not inherit it, as sd_listen_fds sets FD_CLOEXEC) and non-blocking (accept4 must
// answer EAGAIN when the backlog is empty; systemd passes blocking sockets unless NonBlocking=).
Napi::Value AdoptListener(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  int fd_flags = fcntl(fd, F_GETFD);
  if (fd_flags < 0 || fcntl(fd, F_SETFD, fd_flags | FD_CLOEXEC) < 0) throw ErrnoError(info.Env(), errno, "fcntl(F_SETFD)");
  int fl_flags = fcntl(fd, F_GETFL);
  if (fl_flags < 0 || fcntl(fd, F_SETFL, fl_flags | O_NONBLOCK) < 0) throw ErrnoError(info.Env(), errno, "fcntl(F_SETFL)");
  return info.Env().Undefined();
}

// sendDatagram(path, data): one datagram to the AF_UNIX datagram socket at `path`; a leading
// '@' names the abstract namespace. This is sd_notify(3) without libsystemd: systemd's
// NOTIFY_SOCKET is such a socket, and Node's dgram module has no AF_UNIX.
Napi::Value SendDatagram(const Napi::CallbackInfo& info) {
  std::string path = ArgString(info, 0, kMaxPath);
  if (info.Length() < 2 || !info[1].IsBuffer()) throw Napi::TypeError::New(info.Env(), "data must be a Buffer");
  Napi::Buffer<uint8_t> data = info[1].As<Napi::Buffer<uint8_t>>();
  if (path.empty()) throw ErrnoError(info.Env(), EINVAL, "sendDatagram");
  sockaddr_un addr = AddressFor(path);
  if (path[0] == '@') addr.sun_path[0] = '\0';
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + (path[0] == '@' ? 0 : 1));
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw ErrnoError(info.Env(), errno, "socket");
  ssize_t sent;
  do {
    sent = sendto(fd, data.Data(), data.Length(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), len);
  } while (sent < 0 && errno == EINTR);
  int err = errno;
  close(fd);
  if (sent < 0) throw ErrnoError(info.Env(), err, "sendto");
  return Napi::Number::New(info.Env(), static_cast<double>(sent));
}

}  // namespace

void InitUnixSocket(Napi::Env env, Napi::Object exports) {
  exports.Set("listen", Napi::Function::New(env, Listen, "listen"));
  exports.Set("connect", Napi::Function::New(env, Connect, "connect"));
  exports.Set("accept", Napi::Function::New(env, Accept, "accept"));
  exports.Set("peerCred", Napi::Function::New(env, PeerCred, "peerCred"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("shutdownWrite", Napi::Function::New(env, ShutdownWrite, "shutdownWrite"));
  exports.Set("fdType", Napi::Function::New(env, FdType, "fdType"));
  exports.Set("socketInfo", Napi::Function::New(env, SocketInfo, "socketInfo"));
  exports.Set("adoptListener", Napi::Function::New(env, AdoptListener, "adoptListener"));
  exports.Set("sendDatagram", Napi::Function::New(env, SendDatagram, "sendDatagram"));
}

}  // namespace mlx5ctl
