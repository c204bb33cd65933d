// sendmsg/recvmsg with SCM_RIGHTS on non-blocking Unix stream sockets.
//
// Received fds are marked close-on-exec (MSG_CMSG_CLOEXEC). When the control buffer was too small
// the kernel drops the fds that did not fit; the caller learns that through `truncated` and treats
// the request as malformed. Fds that did arrive are always handed to JS, which owns closing them.
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "errno_error.h"
#include "units.h"

namespace mlx5ctl {
namespace {

constexpr size_t kMaxFdsPerMessage = 16;

// sendMsg(fd, buffer, offset, length, fds?) -> bytes written, or null if the socket is full.
Napi::Value SendMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  Napi::Buffer<uint8_t> buffer = ArgBuffer(info, 1);
  uint64_t offset = ArgU64(info, 2, buffer.Length());
  uint64_t length = ArgU64(info, 3, buffer.Length() - offset);
  std::vector<int> fds;
  if (info.Length() > 4 && !info[4].IsUndefined() && !info[4].IsNull()) {
    if (!info[4].IsArray()) ThrowType(env, "fds must be an array of numbers");
    Napi::Array array = info[4].As<Napi::Array>();
    if (array.Length() > kMaxFdsPerMessage) ThrowRange(env, "too many fds for one message");
    for (uint32_t i = 0; i < array.Length(); i++) {
      Napi::Value v = array.Get(i);
      if (!v.IsNumber()) ThrowType(env, "fds must be an array of numbers");
      int passed = v.As<Napi::Number>().Int32Value();
      if (passed < 0) ThrowRange(env, "fds must be non-negative");
      fds.push_back(passed);
    }
  }
  if (length == 0 && fds.empty()) return Napi::Number::New(env, 0);

  iovec iov;
  iov.iov_base = buffer.Data() + offset;
  iov.iov_len = length;
  msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  std::vector<char> control;
  if (!fds.empty()) {
    if (length == 0) ThrowRange(env, "fds need at least one data byte to travel with");
    control.resize(CMSG_SPACE(sizeof(int) * fds.size()));
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t sent;
  do {
    sent = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return env.Null();
    throw ErrnoError(env, errno, "sendmsg");
  }
  return Napi::Number::New(env, static_cast<double>(sent));
}

// recvMsg(fd, buffer) -> {bytes, fds, truncated}, or null when nothing is ready. bytes 0 = EOF.
Napi::Value RecvMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  Napi::Buffer<uint8_t> buffer = ArgBuffer(info, 1);
  if (buffer.Length() == 0) ThrowRange(env, "receive buffer must not be empty");

  iovec iov;
  iov.iov_base = buffer.Data();
  iov.iov_len = buffer.Length();
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage)];
  msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t got;
  do {
    got = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return env.Null();
    throw ErrnoError(env, errno, "recvmsg");
  }
  Napi::Array fds = Napi::Array::New(env);
  uint32_t count = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
      int passed;
      memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      fds.Set(count++, Napi::Number::New(env, passed));
    }
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("bytes", Napi::Number::New(env, static_cast<double>(got)));
  out.Set("fds", fds);
  out.Set("truncated", Napi::Boolean::New(env, (msg.msg_flags & MSG_CTRUNC) != 0));
  return out;
}

// Sends, in one sendmsg, as much as the socket takes of parts[start..end) (Buffers), the first
// from byte `offset` on, with `fds` on the first byte. Replies queued in one loop turn go out in
// one system call instead of one each, and without being copied into one frame first.
// sendParts(fd, parts, start, end, offset, fds?) -> bytes written, or null if the socket is full.
constexpr uint32_t kMaxIovPerSend = 64;

Napi::Value SendParts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  if (info.Length() < 2 || !info[1].IsArray()) ThrowType(env, "parts must be an array of Buffers");
  Napi::Array parts = info[1].As<Napi::Array>();
  uint64_t start = ArgU64(info, 2, parts.Length());
  uint64_t end = ArgU64(info, 3, parts.Length());
  if (end < start) ThrowRange(env, "end before start");
  if (end - start > kMaxIovPerSend) end = start + kMaxIovPerSend;
  uint64_t offset = ArgU64(info, 4, UINT32_MAX);
  iovec iov[kMaxIovPerSend];
  size_t iovcnt = 0;
  size_t total = 0;
  for (uint64_t i = start; i < end; i++) {
    Napi::Value v = parts.Get(static_cast<uint32_t>(i));
    if (!v.IsBuffer()) ThrowType(env, "parts must be an array of Buffers");
    Napi::Buffer<uint8_t> b = v.As<Napi::Buffer<uint8_t>>();
    size_t skip = i == start ? offset : 0;
    if (skip > b.Length()) ThrowRange(env, "offset past the first part");
    if (b.Length() == skip) continue;
    iov[iovcnt].iov_base = b.Data() + skip;
    iov[iovcnt].iov_len = b.Length() - skip;
    total += iov[iovcnt].iov_len;
    iovcnt++;
  }
  int fds[kMaxFdsPerMessage];
  size_t nfds = 0;
  if (info.Length() > 5 && !info[5].IsUndefined() && !info[5].IsNull()) {
    if (!info[5].IsArray()) ThrowType(env, "fds must be an array of numbers");
    Napi::Array array = info[5].As<Napi::Array>();
    if (array.Length() > kMaxFdsPerMessage) ThrowRange(env, "too many fds for one message");
    for (uint32_t i = 0; i < array.Length(); i++) {
      Napi::Value v = array.Get(i);
      if (!v.IsNumber()) ThrowType(env, "fds must be an array of numbers");
      int passed = v.As<Napi::Number>().Int32Value();
      if (passed < 0) ThrowRange(env, "fds must be non-negative");
      fds[nfds++] = passed;
    }
  }
  if (total == 0) {
    if (nfds > 0) ThrowRange(env, "fds need at least one data byte to travel with");
    return Napi::Number::New(env, 0);
  }
  msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = iov;
  msg.msg_iovlen = iovcnt;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage)];
  if (nfds > 0) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
    memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
  }
  ssize_t sent;
  do {
    sent = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return env.Null();
    throw ErrnoError(env, errno, "sendmsg");
  }
  return Napi::Number::New(env, static_cast<double>(sent));
}

// recvInto(fd, buffer, state: Int32Array(2 + 16)) -> bytes read (0 = EOF), or -1 when nothing
// is ready. state[0] = fds received, state[1] = 1 if the kernel truncated them (MSG_CTRUNC),
// state[2..] = the fds. Nothing is allocated per read: the hot path reads into buffers the caller
// keeps, and only a read that brought fds costs the caller an array.
Napi::Value RecvInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  Napi::Buffer<uint8_t> buffer = ArgBuffer(info, 1);
  if (buffer.Length() == 0) ThrowRange(env, "receive buffer must not be empty");
  if (info.Length() < 3 || !info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    ThrowType(env, "state must be an Int32Array");
  }
  Napi::Int32Array state = info[2].As<Napi::Int32Array>();
  if (state.ElementLength() < 2 + kMaxFdsPerMessage) ThrowRange(env, "state must hold 2 + 16 numbers");

  iovec iov;
  iov.iov_base = buffer.Data();
  iov.iov_len = buffer.Length();
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage)];
  msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t got;
  do {
    got = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Napi::Number::New(env, -1);
    throw ErrnoError(env, errno, "recvmsg");
  }
  int32_t* out = state.Data();
  uint32_t count = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n && count < kMaxFdsPerMessage; i++) {
      int passed;
      memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      out[2 + count++] = passed;
    }
  }
  out[0] = static_cast<int32_t>(count);
  out[1] = (msg.msg_flags & MSG_CTRUNC) != 0 ? 1 : 0;
  return Napi::Number::New(env, static_cast<double>(got));
}

}  // namespace

void InitFdPass(Napi::Env env, Napi::Object exports) {
  exports.Set("sendMsg", Napi::Function::New(env, SendMsg, "sendMsg"));
  exports.Set("recvMsg", Napi::Function::New(env, RecvMsg, "recvMsg"));
  exports.Set("sendParts", Napi::Function::New(env, SendParts, "sendParts"));
  exports.Set("recvInto", Napi::Function::New(env, RecvInto, "recvInto"));
}

}  // namespace mlx5ctl
