// The fwctl character device's two ioctls (include/uapi/fwctl/fwctl.h). FWCTL_INFO only copies
// what the driver already holds, so it runs inline; FWCTL_RPC runs a firmware command, which can
// take milliseconds to seconds, so it runs on a libuv worker thread and settles a promise: the
// broker's event loop never waits on the device, and many sessions' RPCs proceed in parallel.
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include <vector>

#include "errno_error.h"
#include "units.h"

namespace mlx5ctl {
namespace {

// The uAPI structs, laid out as the kernel lays them out (sizes asserted below).
struct FwctlInfo {
  uint32_t size;
  uint32_t flags;
  uint32_t out_device_type;
  uint32_t device_data_len;
  uint64_t out_device_data;
};
struct FwctlRpc {
  uint32_t size;
  uint32_t scope;
  uint32_t in_len;
  uint32_t out_len;
  uint64_t in;
  uint64_t out;
};
static_assert(sizeof(FwctlInfo) == 24, "struct fwctl_info is 24 bytes");
static_assert(sizeof(FwctlRpc) == 32, "struct fwctl_rpc is 32 bytes");

constexpr unsigned long kFwctlInfo = _IO(0x9a, 0);
constexpr unsigned long kFwctlRpc = _IO(0x9a, 1);
// The core refuses more than this in either direction (EMSGSIZE); the worker never allocates more.
constexpr uint64_t kMaxRpcLen = 2u << 20;
constexpr uint64_t kMaxDeviceData = 4096;

// fwctlInfo(fd, dataLen) -> {deviceType, deviceDataLen, data: Buffer(dataLen)}
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  uint32_t data_len = static_cast<uint32_t>(ArgU64(info, 1, kMaxDeviceData));
  std::vector<uint8_t> data(data_len);
  FwctlInfo arg{};
  arg.size = sizeof(arg);
  arg.device_data_len = data_len;
  arg.out_device_data = reinterpret_cast<uintptr_t>(data.data());
  if (ioctl(fd, kFwctlInfo, &arg) < 0) throw ErrnoError(env, errno, "ioctl(FWCTL_INFO)");
  Napi::Object out = Napi::Object::New(env);
  out.Set("deviceType", Napi::Number::New(env, arg.out_device_type));
  out.Set("deviceDataLen", Napi::Number::New(env, arg.device_data_len));
  out.Set("data", Napi::Buffer<uint8_t>::Copy(env, data.data(), data.size()));
  return out;
}

// One FWCTL_RPC on a worker thread. The inbox is copied before the worker starts, so JS may reuse
// its buffer at once; the outbox comes back as a new Buffer of the length the kernel wrote.
class RpcWorker : public Napi::AsyncWorker {
 public:
  RpcWorker(Napi::Env env, int fd, uint32_t scope, const uint8_t* in, size_t in_len, size_t out_len)
      : Napi::AsyncWorker(env, "fwctlRpc"),
        deferred_(Napi::Promise::Deferred::New(env)),
        fd_(fd),
        scope_(scope),
        in_(in, in + in_len),
        out_(out_len) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    FwctlRpc arg{};
    arg.size = sizeof(arg);
    arg.scope = scope_;
    arg.in_len = static_cast<uint32_t>(in_.size());
    arg.out_len = static_cast<uint32_t>(out_.size());
    arg.in = reinterpret_cast<uintptr_t>(in_.data());
    arg.out = reinterpret_cast<uintptr_t>(out_.data());
    if (ioctl(fd_, kFwctlRpc, &arg) < 0) {
      errno_ = errno;
      return;
    }
    // The kernel writes back how much of the outbox the driver filled.
    if (arg.out_len < out_.size()) out_.resize(arg.out_len);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (errno_ != 0) {
      deferred_.Reject(ErrnoError(env, errno_, "ioctl(FWCTL_RPC)").Value());
      return;
    }
    deferred_.Resolve(Napi::Buffer<uint8_t>::Copy(env, out_.data(), out_.size()));
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  int fd_;
  uint32_t scope_;
  std::vector<uint8_t> in_;
  std::vector<uint8_t> out_;
  int errno_ = 0;
};

// fwctlRpc(fd, scope, inbox, outLen) -> Promise<Buffer>
Napi::Value Rpc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0);
  uint32_t scope = static_cast<uint32_t>(ArgU64(info, 1, UINT32_MAX));
  Napi::Buffer<uint8_t> inbox = ArgBuffer(info, 2);
  // Lengths past the core's limit still go to the kernel (it answers EMSGSIZE, the errno the
  // caller must see), but the worker never allocates more than the limit plus one page for them.
  uint64_t out_len = ArgU64(info, 3, UINT32_MAX);
  if (inbox.Length() > kMaxRpcLen + 4096 || out_len > kMaxRpcLen + 4096) {
    Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(ErrnoError(env, EMSGSIZE, "ioctl(FWCTL_RPC)").Value());
    return deferred.Promise();
  }
  auto* worker = new RpcWorker(env, fd, scope, inbox.Data(), inbox.Length(), static_cast<size_t>(out_len));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void InitFwctl(Napi::Env env, Napi::Object exports) {
  exports.Set("fwctlInfo", Napi::Function::New(env, Info));
  exports.Set("fwctlRpc", Napi::Function::New(env, Rpc));
}

}  // namespace mlx5ctl
