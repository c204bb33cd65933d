// A shared mapping of (part of) a file, optionally mlock'ed. JS never gets a raw view of the
// memory: read() copies out and write() copies in, both bounds-checked, so an unmapped or
// out-of-range access is a JS RangeError and never a stray pointer. The finalizer unmaps what an
// explicit unmap() did not.
//
// The copies are made by the kernel (process_vm_readv/writev on this process), not by memcpy:
// the pages belong to a client's file, and should one ever be missing (a hugetlbfs page the pool
// cannot supply, an I/O error), the copy fails with EFAULT instead of a SIGBUS that would kill
// the broker.
//
// duplicate(offset, length) maps the same file pages again (mremap with old_size 0, which a
// shared mapping allows): a writable mapping made before the file was sealed with
// F_SEAL_FUTURE_WRITE can still be duplicated afterwards, where a new mmap would be refused.
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
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
         InstanceMethod("duplicate", &Mapping::Duplicate),
         InstanceAccessor("length", &Mapping::Length, nullptr),
         InstanceAccessor("locked", &Mapping::Locked, nullptr),
         InstanceAccessor("mapped", &Mapping::Mapped, nullptr)});
  }

  // new Mapping(fd, offset, length, writable); duplicate() passes an External instead.
  explicit Mapping(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Mapping>(info) {
    Napi::Env env = info.Env();
    if (info.Length() == 1 && info[0].IsExternal()) {
      const Adopted* a = info[0].As<Napi::External<Adopted>>().Data();
      base_ = static_cast<uint8_t*>(a->addr);
      length_ = a->length;
      writable_ = a->writable;
      return;
    }
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
  // A mapping duplicate() made, handed to the constructor (JS cannot make an External).
  struct Adopted {
    void* addr;
    uint64_t length;
    bool writable;
  };

  // Copies between this process's buffer and the mapping through the kernel: EFAULT, not a
  // signal, when a page cannot be had.
  static bool KernelCopy(void* to, const void* from, uint64_t length, bool into_mapping) {
    uint64_t done = 0;
    while (done < length) {
      struct iovec local, remote;
      local.iov_base = into_mapping ? const_cast<void*>(static_cast<const void*>(static_cast<const uint8_t*>(from) + done))
                                    : static_cast<uint8_t*>(to) + done;
      remote.iov_base = into_mapping ? static_cast<uint8_t*>(to) + done
                                     : const_cast<void*>(static_cast<const void*>(static_cast<const uint8_t*>(from) + done));
      local.iov_len = remote.iov_len = length - done;
      ssize_t n = into_mapping ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
                               : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (n == 0) errno = EFAULT;
        return false;
      }
      done += static_cast<uint64_t>(n);
    }
    return true;
  }

  void CheckRange(Napi::Env env, uint64_t offset, uint64_t length) {
    if (!base_) throw Napi::Error::New(env, "mapping is unmapped");
    if (offset > length_ || length > length_ - offset) ThrowRange(env, "range outside the mapping");
  }

  // read(offset, length) -> Buffer (a copy)
  Napi::Value Read(const Napi::CallbackInfo& info) {
    uint64_t offset = ArgU64(info, 0, UINT64_MAX);
    uint64_t length = ArgU64(info, 1, UINT64_MAX);
    CheckRange(info.Env(), offset, length);
    Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(info.Env(), length);
    if (!KernelCopy(out.Data(), base_ + offset, length, false)) throw ErrnoError(info.Env(), errno, "process_vm_readv");
    return out;
  }

  // write(offset, buffer) -> bytes written
  Napi::Value Write(const Napi::CallbackInfo& info) {
    uint64_t offset = ArgU64(info, 0, UINT64_MAX);
    Napi::Buffer<uint8_t> data = ArgBuffer(info, 1);
    if (!writable_) throw Napi::Error::New(info.Env(), "mapping is read-only");
    CheckRange(info.Env(), offset, data.Length());
    if (!KernelCopy(base_ + offset, data.Data(), data.Length(), true)) throw ErrnoError(info.Env(), errno, "process_vm_writev");
    return Napi::Number::New(info.Env(), static_cast<double>(data.Length()));
  }

  // fill(offset, length, byte)
  Napi::Value Fill(const Napi::CallbackInfo& info) {
    uint64_t offset = ArgU64(info, 0, UINT64_MAX);
    uint64_t length = ArgU64(info, 1, UINT64_MAX);
    uint64_t byte = ArgU64(info, 2, 255);
    if (!writable_) throw Napi::Error::New(info.Env(), "mapping is read-only");
    CheckRange(info.Env(), offset, length);
    uint8_t chunk[16384];
    memset(chunk, static_cast<int>(byte), sizeof(chunk));
    for (uint64_t done = 0; done < length;) {
      uint64_t n = length - done < sizeof(chunk) ? length - done : sizeof(chunk);
      if (!KernelCopy(base_ + offset + done, chunk, n, true)) throw ErrnoError(info.Env(), errno, "process_vm_writev");
      done += n;
    }
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

  // duplicate(offset, length) -> a new, unlocked Mapping of the same pages (offset page aligned).
  // The duplicate may reach past this mapping's end, as far as the file goes: mremap checks it.
  Napi::Value Duplicate(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint64_t offset = ArgU64(info, 0, UINT64_MAX);
    uint64_t length = ArgU64(info, 1, 1ULL << 40);
    long page = sysconf(_SC_PAGESIZE);
    CheckRange(env, offset, 0);
    if (offset >= length_) ThrowRange(env, "duplicate must start inside the mapping");
    if (length == 0 || offset % static_cast<uint64_t>(page) != 0) ThrowRange(env, "duplicate needs a page-aligned offset and a length");
    void* addr = mremap(base_ + offset, 0, length, MREMAP_MAYMOVE);
    if (addr == MAP_FAILED) throw ErrnoError(env, errno, "mremap");
    Adopted adopted{addr, length, writable_};
    Napi::Function ctor = info.This().As<Napi::Object>().Get("constructor").As<Napi::Function>();
    try {
      return ctor.New({Napi::External<Adopted>::New(env, &adopted)});
    } catch (...) {
      munmap(addr, length);
      throw;
    }
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
