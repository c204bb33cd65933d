// memfd_create and file seals. A UMEM buffer is a memfd sealed against shrinking and growing: the
// broker can then map it without the client being able to pull pages out from under the mapping
// (a truncated shared mapping would SIGBUS the broker). Once mapped, the broker adds
// F_SEAL_FUTURE_WRITE itself, which also refuses hole punching.
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "errno_error.h"
#include "units.h"

namespace mlx5ctl {
namespace {

// memfdCreate(name, allowSealing, hugetlb = false) -> fd (close-on-exec)
Napi::Value MemfdCreate(const Napi::CallbackInfo& info) {
  std::string name = ArgString(info, 0, 249);
  bool sealing = info.Length() > 1 && info[1].ToBoolean();
  bool hugetlb = info.Length() > 2 && info[2].ToBoolean();
  int fd = memfd_create(name.c_str(), MFD_CLOEXEC | (sealing ? MFD_ALLOW_SEALING : 0) | (hugetlb ? MFD_HUGETLB : 0));
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

// punchHole(fd, offset, length): fallocate(PUNCH_HOLE | KEEP_SIZE), what a client may try on
// the pages under its UMEM (the broker's seal refuses it with EPERM).
Napi::Value PunchHole(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  uint64_t offset = ArgU64(info, 1, INT64_MAX);
  uint64_t length = ArgU64(info, 2, INT64_MAX);
  if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset), static_cast<off_t>(length)) < 0) {
    throw ErrnoError(info.Env(), errno, "fallocate");
  }
  return info.Env().Undefined();
}

Napi::Value FdSize(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0);
  struct stat st;
  if (fstat(fd, &st) < 0) throw ErrnoError(info.Env(), errno, "fstat");
  return Napi::Number::New(info.Env(), static_cast<double>(st.st_size));
}

// fdInfo(fd) -> {fsType, dev, ino, size, flags}: what decides whether a passed fd can back a UMEM.
// fstat, fstatfs and F_GETFL all work on an O_PATH fd, so the caller can refuse one by its flags.
Napi::Value FdInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  struct stat st;
  if (fstat(fd, &st) < 0) throw ErrnoError(env, errno, "fstat");
  struct statfs sfs;
  if (fstatfs(fd, &sfs) < 0) throw ErrnoError(env, errno, "fstatfs");
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) throw ErrnoError(env, errno, "fcntl(F_GETFL)");
  Napi::Object out = Napi::Object::New(env);
  out.Set("fsType", Napi::Number::New(env, static_cast<double>(static_cast<uint32_t>(sfs.f_type))));
  out.Set("dev", Napi::Number::New(env, static_cast<double>(st.st_dev)));
  out.Set("ino", Napi::Number::New(env, static_cast<double>(st.st_ino)));
  out.Set("size", Napi::Number::New(env, static_cast<double>(st.st_size)));
  out.Set("regular", Napi::Boolean::New(env, S_ISREG(st.st_mode)));
  out.Set("path", Napi::Boolean::New(env, (flags & O_PATH) != 0));
  out.Set("accessMode", Napi::Number::New(env, flags & O_ACCMODE));
  return out;
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
  exports.Set("punchHole", Napi::Function::New(env, PunchHole, "punchHole"));
  exports.Set("fdInfo", Napi::Function::New(env, FdInfo, "fdInfo"));
  exports.Set("sealBits", Napi::Function::New(env, SealBits, "sealBits"));
  exports.Set("pageSize", Napi::Function::New(env, PageSize, "pageSize"));
}

}  // namespace mlx5ctl
