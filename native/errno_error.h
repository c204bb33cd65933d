// Node-style errors from errno: err.code ('EBADF'), err.errno (negative, as libuv and Node report
// it), err.syscall. Every failing system call in the addon reports through here, so JS code can
// branch on `code` and never on message text.
#pragma once
#include <napi.h>

namespace mlx5ctl {

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall);
// Throws a TypeError/RangeError for argument problems detected before any system call.
[[noreturn]] void ThrowType(Napi::Env env, const char* message);
[[noreturn]] void ThrowRange(Napi::Env env, const char* message);

// Argument readers that throw TypeError/RangeError instead of crashing on a wrong type.
int ArgFd(const Napi::CallbackInfo& info, size_t index);
uint64_t ArgU64(const Napi::CallbackInfo& info, size_t index, uint64_t max);
Napi::Buffer<uint8_t> ArgBuffer(const Napi::CallbackInfo& info, size_t index);
std::string ArgString(const Napi::CallbackInfo& info, size_t index, size_t max_len);

}  // namespace mlx5ctl
