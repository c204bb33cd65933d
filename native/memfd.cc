// memfd_create and file seals. A UMEM buffer is a memfd sealed against shrinking and growing: the
// broker can then map it without the client being able to pull pages out from under the mapping
// (a truncated shared mapping would SIGBUS the broker).
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errno_error.h"
#include "units.h"

namespace mlx5ctl {
namespace {

// memfdCreate(name, allowSealing) -> fd (close-on-exec)
Napi::Value MemfdCreate(const Napi::CallbackInfo& info) {
  std::string name = ArgString(info, 0, 249);
  bool sealing = info.Length() > 1 && info[1].ToBoolean();
  int fd = memfd_create(name.c_str(), MFD_CLOEXEC | (sealing ? MFD_ALLOW_SEALING : 0));
  if (fd < 0) throw ErrnoError(info.Env(), errno, "memfd_create");
  return Napi::Number::New(info.Env(), fd);
}

// addSeals(fd, seals): seals is a bitmask of F_SEAL_* (see sealBits()).
Napi::Value AddSeals(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  int seals = static_cast<int>(ArgU64(info, 1, 0xffff));
  if (fcntl(fd, F_ADD_SEALS, seals) < 0) throw ErrnoError(info.Env(), errno, "fcntl(F_ADD_SEALS)");
  return info.Env().Undefined();
}

Napi::Value GetSeals(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  int seals = fcntl(fd, F_GET_SEALS);
  if (seals < 0) throw ErrnoError(info.Env(), errno, "fcntl(F_GET_SEALS)");
  return Napi::Number::New(info.Env(), seals);
}

Napi::Value Ftruncate(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  uint64_t size = ArgU64(info, 1, INT64_MAX);
  if (ftruncate(fd, static_cast<off_t>(size)) < 0) throw ErrnoError(info.Env(), errno, "ftruncate");
  return info.Env().Undefined();
}

Napi::Value FdSize(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  struct stat st;
  if (fstat(fd, &st) < 0) throw ErrnoError(info.Env(), errno, "fstat");
  return Napi::Number::New(info.Env(), static_cast<double>(st.st_size));
}

Napi::Value SealBits(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("SEAL", Napi::Number::New(info.Env(), F_SEAL_SEAL));
  out.Set("SHRINK", Napi::Number::New(info.Env(), F_SEAL_SHRINK));
  out.Set("GROW", Napi::Number::New(info.Env(), F_SEAL_GROW));
  out.Set("WRITE", Napi::Number::New(info.Env(), F_SEAL_WRITE));
  out.Set("FUTURE_WRITE", Napi::Number::New(info.Env(), F_SEAL_FUTURE_WRITE));
  return out;
}

Napi::Value PageSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(sysconf(_SC_PAGESIZE)));
}

}  // namespace

void InitMemfd(Napi::Env env, Napi::Object exports) {
  exports.Set("memfdCreate", Napi::Function::New(env, MemfdCreate, "memfdCreate"));
  exports.Set("addSeals", Napi::Function::New(env, AddSeals, "addSeals"));
  exports.Set("getSeals", Napi::Function::New(env, GetSeals, "getSeals"));
  exports.Set("ftruncate", Napi::Function::New(env, Ftruncate, "ftruncate"));
  exports.Set("fdSize", Napi::Function::New(env, FdSize, "fdSize"));
  exports.Set("sealBits", Napi::Function::New(env, SealBits, "sealBits"));
  exports.Set("pageSize", Napi::Function::New(env, PageSize, "pageSize"));
}

}  // namespace mlx5ctl
