// sendmsg/recvmsg with SCM_RIGHTS on non-blocking Unix stream sockets.
//
// Received fds are marked close-on-exec (MSG_CMSG_CLOEXEC). When the control buffer was too small
// the kernel drops the fds that did not fit; the caller learns that through `truncated` and treats
// the request as malformed. Fds that did arrive are always handed to JS, which owns closing them.
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errno_error.h"
#include "units.h"

namespace mlx5ctl {
namespace {

constexpr size_t kMaxFdsPerMessage = 16;
// The most parts one sendParts call writes (its iovec array).
constexpr uint32_t kMaxIovPerSend = 64;

// The optional fds argument at `index` (undefined or null: none) into `fds`; returns how many.
size_t ArgFds(const Napi::CallbackInfo& info, size_t index, int (&fds)[kMaxFdsPerMessage]) {
  Napi::Env env = info.Env();
  if (info.Length() <= index || info[index].IsUndefined() || info[index].IsNull()) return 0;
  if (!info[index].IsArray()) ThrowType(env, "fds must be an array of numbers");
  Napi::Array array = info[index].As<Napi::Array>();
  if (array.Length() > kMaxFdsPerMessage) ThrowRange(env, "too many fds for one message");
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value v = array.Get(i);
    if (!v.IsNumber()) ThrowType(env, "fds must be an array of numbers");
    int passed = v.As<Napi::Number>().Int32Value();
    if (passed < 0) ThrowRange(env, "fds must be non-negative");
    fds[i] = passed;
  }
  return array.Length();
}

// One non-blocking sendmsg of `iov` with `fds` as SCM_RIGHTS on its first byte: bytes written,
// or null when the socket is full.
Napi::Value SendWithRights(Napi::Env env, int fd, iovec* iov, size_t iovcnt, size_t total, const int* fds, size_t nfds) {
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

// What one recvmsg brought besides its bytes.
struct Received {
  int fds[kMaxFdsPerMessage];
  size_t nfds = 0;
  bool truncated = false;
};

// One non-blocking recvmsg into `buffer` (close-on-exec fds): bytes read (0 at end of stream), or
// -1 when nothing is ready.
ssize_t RecvWithRights(Napi::Env env, int fd, Napi::Buffer<uint8_t>& buffer, Received& received) {
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
    if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
    throw ErrnoError(env, errno, "recvmsg");
  }
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n && received.nfds < kMaxFdsPerMessage; i++) {
      memcpy(&received.fds[received.nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    }
  }
  received.truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
  return got;
}

// sendMsg(fd, buffer, offset, length, fds?) -> bytes written, or null if the socket is full.
Napi::Value SendMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  Napi::Buffer<uint8_t> buffer = ArgBuffer(info, 1);
  uint64_t offset = ArgU64(info, 2, buffer.Length());
  uint64_t length = ArgU64(info, 3, buffer.Length() - offset);
  int fds[kMaxFdsPerMessage];
  size_t nfds = ArgFds(info, 4, fds);
  iovec iov;
  iov.iov_base = buffer.Data() + offset;
  iov.iov_len = length;
  return SendWithRights(env, fd, &iov, 1, length, fds, nfds);
}

// recvMsg(fd, buffer) -> {bytes, fds, truncated}, or null when nothing is ready. bytes 0 = EOF.
Napi::Value RecvMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  Napi::Buffer<uint8_t> buffer = ArgBuffer(info, 1);
  Received received;
  ssize_t got = RecvWithRights(env, fd, buffer, received);
  if (got < 0) return env.Null();
  Napi::Array fds = Napi::Array::New(env, received.nfds);
  for (size_t i = 0; i < received.nfds; i++) fds.Set(static_cast<uint32_t>(i), Napi::Number::New(env, received.fds[i]));
  Napi::Object out = Napi::Object::New(env);
  out.Set("bytes", Napi::Number::New(env, static_cast<double>(got)));
  out.Set("fds", fds);
  out.Set("truncated", Napi::Boolean::New(env, received.truncated));
  return out;
}

// Sends, in one sendmsg, as much as the socket takes of parts[start..end) (Buffers), the first
// from byte `offset` on, with `fds` on the first byte. Replies queued in one loop turn go out in
// one system call instead of one each, and without being copied into one frame first.
// sendParts(fd, parts, start, end, offset, fds?) -> bytes written, or null if the socket is full.
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
  size_t nfds = ArgFds(info, 5, fds);
  return SendWithRights(env, fd, iov, iovcnt, total, fds, nfds);
}

// recvInto(fd, buffer, state: Int32Array(2 + 16)) -> bytes read (0 = EOF), or -1 when nothing
// is ready. state[0] = fds received, state[1] = 1 if the kernel truncated them (MSG_CTRUNC),
// state[2..] = the fds. Nothing is allocated per read: the hot path reads into buffers the caller
// keeps, and only a read that brought fds costs the caller an array.
Napi::Value RecvInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  Napi::Buffer<uint8_t> buffer = ArgBuffer(info, 1);
  if (info.Length() < 3 || !info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    ThrowType(env, "state must be an Int32Array");
  }
  Napi::Int32Array state = info[2].As<Napi::Int32Array>();
  if (state.ElementLength() < 2 + kMaxFdsPerMessage) ThrowRange(env, "state must hold 2 + 16 numbers");
  Received received;
  ssize_t got = RecvWithRights(env, fd, buffer, received);
  if (got < 0) return Napi::Number::New(env, -1);
  int32_t* out = state.Data();
  for (size_t i = 0; i < received.nfds; i++) out[2 + i] = received.fds[i];
  out[0] = static_cast<int32_t>(received.nfds);
  out[1] = received.truncated ? 1 : 0;
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
