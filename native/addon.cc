// Module init only: the platform pieces Node lacks (peer credentials and pidfds, fd passing, memfd, mlock, flock).
// Module init only: the platform pieces Node lacks (peer credentials, fd passing, memfd, mlock, netlink).
#include "units.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  mlx5ctl::InitUnixSocket(env, exports);
  mlx5ctl::InitFdPass(env, exports);
  mlx5ctl::InitPoller(env, exports);
  mlx5ctl::InitMemfd(env, exports);
  mlx5ctl::InitMapping(env, exports);
  mlx5ctl::InitFwctl(env, exports);
  mlx5ctl::InitPidfd(env, exports);
  mlx5ctl::InitFlock(env, exports);
  mlx5ctl::InitNetlink(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(mlx5ctl_native, Init)
