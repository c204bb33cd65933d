// Each unit adds its functions to the module's exports.
#pragma once
#include <napi.h>

namespace mlx5ctl {
void InitUnixSocket(Napi::Env env, Napi::Object exports);
void InitFdPass(Napi::Env env, Napi::Object exports);
void InitPoller(Napi::Env env, Napi::Object exports);
void InitMemfd(Napi::Env env, Napi::Object exports);
void InitMapping(Napi::Env env, Napi::Object exports);
void InitFwctl(Napi::Env env, Napi::Object exports);
void InitPidfd(Napi::Env env, Napi::Object exports);
void InitFlock(Napi::Env env, Napi::Object exports);
void InitNetlink(Napi::Env env, Napi::Object exports);
}  // namespace mlx5ctl
