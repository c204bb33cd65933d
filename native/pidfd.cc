// pidfds of socket peers: SO_PEERPIDFD (Linux 6.5+) names the very process that connected, so
// facts read from /proc/<pid> can be confirmed to be about it and not about a process that later
// got the same pid.
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errno_error.h"
#include "units.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

namespace mlx5ctl {
namespace {

// peerPidfd(fd) -> pidfd of the process that connected (close-on-exec; the caller closes it), or
// null when the kernel has no SO_PEERPIDFD. Throws (ESRCH, EINVAL) when that process is gone.
Napi::Value PeerPidfd(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  int pidfd = -1;
  socklen_t len = sizeof(pidfd);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) < 0) {
    if (errno == ENOPROTOOPT) return info.Env().Null();
    throw ErrnoError(info.Env(), errno, "getsockopt");
  }
  return Napi::Number::New(info.Env(), pidfd);
}

// pidfdAlive(pidfd) -> whether the process still exists (a zombie does: its pid is not free yet).
Napi::Value PidfdAlive(const Napi::CallbackInfo& info) {
  int pidfd = ArgFd(info, 0);
  if (syscall(SYS_pidfd_send_signal, pidfd, 0, nullptr, 0) == 0) return Napi::Boolean::New(info.Env(), true);
  if (errno == ESRCH) return Napi::Boolean::New(info.Env(), false);
  throw ErrnoError(info.Env(), errno, "pidfd_send_signal");
}

}  // namespace

void InitPidfd(Napi::Env env, Napi::Object exports) {
  exports.Set("peerPidfd", Napi::Function::New(env, PeerPidfd, "peerPidfd"));
  exports.Set("pidfdAlive", Napi::Function::New(env, PidfdAlive, "pidfdAlive"));
}

}  // namespace mlx5ctl
