#include "errno_error.h"

#include <string.h>

#include <cmath>
#include <limits>
#include <string>

namespace mlx5ctl {

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall) {
  const char* name = strerrorname_np(err);
  std::string code = name ? name : "EUNKNOWN";
  std::string message = code + ": " + strerror(err) + ", " + syscall;
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  error.Set("errno", Napi::Number::New(env, -err));
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

void ThrowType(Napi::Env env, const char* message) {
  throw Napi::TypeError::New(env, message);
}

void ThrowRange(Napi::Env env, const char* message) {
  throw Napi::RangeError::New(env, message);
}

int ArgFd(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsNumber()) ThrowType(info.Env(), "fd must be a number");
  double value = info[index].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(value) || value < 0 || value > std::numeric_limits<int>::max() ||
      value != std::floor(value)) {
    ThrowRange(info.Env(), "fd must be a non-negative integer");
  }
  return static_cast<int>(value);
}

uint64_t ArgU64(const Napi::CallbackInfo& info, size_t index, uint64_t max) {
  if (info.Length() <= index) ThrowType(info.Env(), "missing integer argument");
  if (info[index].IsBigInt()) {
    bool lossless = false;
    uint64_t value = info[index].As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless || value > max) ThrowRange(info.Env(), "integer argument out of range");
    return value;
  }
  if (!info[index].IsNumber()) ThrowType(info.Env(), "integer argument must be a number or bigint");
  double value = info[index].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(value) || value < 0 || value != std::floor(value) ||
      value > 9007199254740991.0 || static_cast<uint64_t>(value) > max) {
    ThrowRange(info.Env(), "integer argument out of range");
  }
  return static_cast<uint64_t>(value);
}

Napi::Buffer<uint8_t> ArgBuffer(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsBuffer()) ThrowType(info.Env(), "argument must be a Buffer");
  return info[index].As<Napi::Buffer<uint8_t>>();
}

std::string ArgString(const Napi::CallbackInfo& info, size_t index, size_t max_len) {
  if (info.Length() <= index || !info[index].IsString()) ThrowType(info.Env(), "argument must be a string");
  std::string value = info[index].As<Napi::String>().Utf8Value();
  if (value.size() > max_len) ThrowRange(info.Env(), "string argument too long");
  if (value.find('\0') != std::string::npos) ThrowType(info.Env(), "string argument contains NUL");
  return value;
}

}  // namespace mlx5ctl
