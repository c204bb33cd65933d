// Advisory whole-file locks. The broker's pid file is live only while a broker holds its lock:
// the kernel drops the lock when that process dies, and a file planted by someone else holds none.
#include <errno.h>
#include <sys/file.h>

#include "errno_error.h"
#include "units.h"

namespace mlx5ctl {
namespace {

// tryLockExclusive(fd) -> true if this process now holds an exclusive flock on fd, false if
// another open file description holds one.
Napi::Value TryLockExclusive(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  int rc;
  do {
    rc = flock(fd, LOCK_EX | LOCK_NB);
  } while (rc < 0 && errno == EINTR);
  if (rc == 0) return Napi::Boolean::New(info.Env(), true);
  if (errno == EWOULDBLOCK) return Napi::Boolean::New(info.Env(), false);
  throw ErrnoError(info.Env(), errno, "flock");
}

}  // namespace

void InitFlock(Napi::Env env, Napi::Object exports) {
  exports.Set("tryLockExclusive", Napi::Function::New(env, TryLockExclusive, "tryLockExclusive"));
}

}  // namespace mlx5ctl
