// AF_NETLINK datagram sockets as raw non-blocking fds (readiness through poller.cc). Only the
// system calls live here; building, parsing and matching netlink messages is TypeScript
// (src/netlink/). Each call moves exactly one datagram, as netlink requires.
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errno_error.h"
#include "units.h"

namespace mlx5ctl {
namespace {

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

// The protocols a caller may open: generic netlink (devlink, nlctrl). Anything else is refused
// before the system call so the addon cannot be used to reach rtnetlink or audit by accident.
constexpr uint64_t kAllowedProtocol = NETLINK_GENERIC;

// netlinkOpen(protocol) -> {fd, portId}. The kernel picks the port id at bind (nl_pid 0).
Napi::Value NetlinkOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t protocol = ArgU64(info, 0, 255);
  if (protocol != kAllowedProtocol) ThrowRange(env, "only NETLINK_GENERIC sockets are supported");
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, static_cast<int>(protocol));
  if (fd < 0) throw ErrnoError(env, errno, "socket");
  sockaddr_nl addr;
  memset(&addr, 0, sizeof(addr));
  addr.nl_family = AF_NETLINK;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    int err = errno;
    close(fd);
    throw ErrnoError(env, err, "bind");
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("fd", Napi::Number::New(env, fd));
  out.Set("portId", Napi::Number::New(env, addr.nl_pid));
  return out;
}

// netlinkSetOption(fd, option, value): setsockopt(SOL_NETLINK, option, int value). Only the
// options the TS layer uses: membership (add/drop), CAP_ACK, EXT_ACK, GET_STRICT_CHK.
Napi::Value NetlinkSetOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  int option = static_cast<int>(ArgU64(info, 1, 64));
  int value = static_cast<int>(ArgU64(info, 2, 0x7fffffff));
  switch (option) {
    case NETLINK_ADD_MEMBERSHIP:
    case NETLINK_DROP_MEMBERSHIP:
    case NETLINK_CAP_ACK:
    case NETLINK_EXT_ACK:
    case NETLINK_GET_STRICT_CHK:
      break;
    default:
      ThrowRange(env, "unsupported netlink socket option");
  }
  if (setsockopt(fd, SOL_NETLINK, option, &value, sizeof(value)) < 0) throw ErrnoError(env, errno, "setsockopt");
  return env.Undefined();
}

// netlinkSend(fd, buffer, length) -> bytes sent, or null when the socket is full. The
// destination is always the kernel (nl_pid 0, no groups).
Napi::Value NetlinkSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  Napi::Buffer<uint8_t> buffer = ArgBuffer(info, 1);
  uint64_t length = ArgU64(info, 2, buffer.Length());
  sockaddr_nl dest;
  memset(&dest, 0, sizeof(dest));
  dest.nl_family = AF_NETLINK;
  ssize_t sent;
  do {
    sent = sendto(fd, buffer.Data(), length, MSG_DONTWAIT | MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&dest),
                  sizeof(dest));
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return env.Null();
    throw ErrnoError(env, errno, "sendto");
  }
  return Napi::Number::New(env, static_cast<double>(sent));
}

// netlinkRecv(fd, buffer) -> {bytes, length, portId, groups}, or null when nothing is queued.
// `length` is the datagram's real size (MSG_TRUNC): larger than `bytes` means it was cut, and
// the rest is lost (netlink datagrams cannot be read in parts). `portId` is the sender: 0 for
// the kernel; anything else is another process and must not be trusted.
Napi::Value NetlinkRecv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  Napi::Buffer<uint8_t> buffer = ArgBuffer(info, 1);
  if (buffer.Length() == 0) ThrowRange(env, "receive buffer must not be empty");
  sockaddr_nl from;
  memset(&from, 0, sizeof(from));
  iovec iov;
  iov.iov_base = buffer.Data();
  iov.iov_len = buffer.Length();
  msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_name = &from;
  msg.msg_namelen = sizeof(from);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  ssize_t got;
  do {
    got = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return env.Null();
    throw ErrnoError(env, errno, "recvmsg");
  }
  size_t length = static_cast<size_t>(got);
  size_t bytes = length < buffer.Length() ? length : buffer.Length();
  Napi::Object out = Napi::Object::New(env);
  out.Set("bytes", Napi::Number::New(env, static_cast<double>(bytes)));
  out.Set("length", Napi::Number::New(env, static_cast<double>(length)));
  out.Set("portId", Napi::Number::New(env, from.nl_pid));
  out.Set("groups", Napi::Number::New(env, from.nl_groups));
  return out;
}

}  // namespace

void InitNetlink(Napi::Env env, Napi::Object exports) {
  exports.Set("netlinkOpen", Napi::Function::New(env, NetlinkOpen, "netlinkOpen"));
  exports.Set("netlinkSetOption", Napi::Function::New(env, NetlinkSetOption, "netlinkSetOption"));
  exports.Set("netlinkSend", Napi::Function::New(env, NetlinkSend, "netlinkSend"));
  exports.Set("netlinkRecv", Napi::Function::New(env, NetlinkRecv, "netlinkRecv"));
}

}  // namespace mlx5ctl
