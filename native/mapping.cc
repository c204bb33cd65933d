// A shared mapping of (part of) a file, optionally mlock'ed. JS never gets a raw view of the
// memory: read() copies out and write() copies in, both bounds-checked, so an unmapped or
// out-of-range access is a JS RangeError and never a stray pointer. The finalizer unmaps what an
// explicit unmap() did not.
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "errno_error.h"
#include "units.h"

namespace mlx5ctl {
namespace {

class Mapping : public Napi::ObjectWrap<Mapping> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "Mapping",
        {InstanceMethod("read", &Mapping::Read), InstanceMethod("write", &Mapping::Write),
         InstanceMethod("fill", &Mapping::Fill), InstanceMethod("lock", &Mapping::Lock),
         InstanceMethod("unlock", &Mapping::Unlock), InstanceMethod("unmap", &Mapping::Unmap),
         InstanceAccessor("length", &Mapping::Length, nullptr),
         InstanceAccessor("locked", &Mapping::Locked, nullptr),
         InstanceAccessor("mapped", &Mapping::Mapped, nullptr)});
  }

  // new Mapping(fd, offset, length, writable)
  explicit Mapping(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Mapping>(info) {
    Napi::Env env = info.Env();
    int fd = ArgFd(info, 0);
    uint64_t offset = ArgU64(info, 1, INT64_MAX);
    uint64_t length = ArgU64(info, 2, 1ULL << 40);
    bool writable = info.Length() > 3 && info[3].ToBoolean();
    long page = sysconf(_SC_PAGESIZE);
    if (length == 0) ThrowRange(env, "mapping length must be positive");
    if (offset % static_cast<uint64_t>(page) != 0) ThrowRange(env, "mapping offset must be page aligned");
    void* addr = mmap(nullptr, length, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd,
                      static_cast<off_t>(offset));
    if (addr == MAP_FAILED) throw ErrnoError(env, errno, "mmap");
    base_ = static_cast<uint8_t*>(addr);
    length_ = length;
    writable_ = writable;
  }

  ~Mapping() override { Release(); }

 private:
  void CheckRange(Napi::Env env, uint64_t offset, uint64_t length) {
    if (!base_) throw Napi::Error::New(env, "mapping is unmapped");
    if (offset > length_ || length > length_ - offset) ThrowRange(env, "range outside the mapping");
  }

  // read(offset, length) -> Buffer (a copy)
  Napi::Value Read(const Napi::CallbackInfo& info) {
    uint64_t offset = ArgU64(info, 0, UINT64_MAX);
    uint64_t length = ArgU64(info, 1, UINT64_MAX);
    CheckRange(info.Env(), offset, length);
    return Napi::Buffer<uint8_t>::Copy(info.Env(), base_ + offset, length);
  }

  // write(offset, buffer) -> bytes written
  Napi::Value Write(const Napi::CallbackInfo& info) {
    uint64_t offset = ArgU64(info, 0, UINT64_MAX);
    Napi::Buffer<uint8_t> data = ArgBuffer(info, 1);
    if (!writable_) throw Napi::Error::New(info.Env(), "mapping is read-only");
    CheckRange(info.Env(), offset, data.Length());
    memcpy(base_ + offset, data.Data(), data.Length());
    return Napi::Number::New(info.Env(), static_cast<double>(data.Length()));
  }

  // fill(offset, length, byte)
  Napi::Value Fill(const Napi::CallbackInfo& info) {
    uint64_t offset = ArgU64(info, 0, UINT64_MAX);
    uint64_t length = ArgU64(info, 1, UINT64_MAX);
    uint64_t byte = ArgU64(info, 2, 255);
    if (!writable_) throw Napi::Error::New(info.Env(), "mapping is read-only");
    CheckRange(info.Env(), offset, length);
    memset(base_ + offset, static_cast<int>(byte), length);
    return info.Env().Undefined();
  }

  Napi::Value Lock(const Napi::CallbackInfo& info) {
    CheckRange(info.Env(), 0, 0);
    if (!locked_) {
      if (mlock(base_, length_) < 0) throw ErrnoError(info.Env(), errno, "mlock");
      locked_ = true;
    }
    return info.Env().Undefined();
  }

  Napi::Value Unlock(const Napi::CallbackInfo& info) {
    CheckRange(info.Env(), 0, 0);
    if (locked_) {
      if (munlock(base_, length_) < 0) throw ErrnoError(info.Env(), errno, "munlock");
      locked_ = false;
    }
    return info.Env().Undefined();
  }

  Napi::Value Unmap(const Napi::CallbackInfo& info) {
    Release();
    return info.Env().Undefined();
  }

  Napi::Value Length(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(length_));
  }
  Napi::Value Locked(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), locked_); }
  Napi::Value Mapped(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), base_ != nullptr); }

  void Release() {
    if (!base_) return;
    if (locked_) munlock(base_, length_);
    munmap(base_, length_);
    base_ = nullptr;
    locked_ = false;
  }

  uint8_t* base_ = nullptr;
  uint64_t length_ = 0;
  bool writable_ = false;
  bool locked_ = false;
};

}  // namespace

void InitMapping(Napi::Env env, Napi::Object exports) {
  exports.Set("Mapping", Mapping::Define(env));
}

}  // namespace mlx5ctl
