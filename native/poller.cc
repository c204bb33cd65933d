// Readiness of a raw fd on Node's own event loop (a uv_poll_t), so socket I/O through sendMsg /
// recvMsg never blocks the loop and needs no threads. The JS object stays alive while it polls.
#include <uv.h>

#include "errno_error.h"
#include "units.h"

namespace mlx5ctl {
namespace {

class Poller : public Napi::ObjectWrap<Poller> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Poller",
                       {InstanceMethod("start", &Poller::Start), InstanceMethod("stop", &Poller::Stop),
                        InstanceMethod("close", &Poller::Close), InstanceMethod("ref", &Poller::RefLoop),
                        InstanceMethod("unref", &Poller::UnrefLoop)});
  }

  // new Poller(fd, callback(errno, readable, writable))
  explicit Poller(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Poller>(info) {
    Napi::Env env = info.Env();
    int fd = ArgFd(info, 0);
    if (info.Length() < 2 || !info[1].IsFunction()) ThrowType(env, "callback must be a function");
    callback_ = Napi::Persistent(info[1].As<Napi::Function>());
    context_ = std::make_unique<Napi::AsyncContext>(env, "mlx5ctl:Poller");
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok) throw Napi::Error::New(env, "no event loop");
    handle_ = new uv_poll_t;
    int rc = uv_poll_init(loop, handle_, fd);
    if (rc < 0) {
      delete handle_;
      handle_ = nullptr;
      throw ErrnoError(env, -rc, "uv_poll_init");
    }
    handle_->data = this;
  }

  ~Poller() override { CloseHandle(); }

 private:
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!handle_) throw Napi::Error::New(env, "poller is closed");
    int events = 0;
    if (info.Length() > 0 && info[0].ToBoolean()) events |= UV_READABLE;
    if (info.Length() > 1 && info[1].ToBoolean()) events |= UV_WRITABLE;
    if (events == 0) return Stop(info);
    int rc = uv_poll_start(handle_, events | UV_DISCONNECT, OnEvent);
    if (rc < 0) throw ErrnoError(env, -rc, "uv_poll_start");
    if (!active_) {
      Ref();
      active_ = true;
    }
    return env.Undefined();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    if (handle_) uv_poll_stop(handle_);
    Deactivate();
    return info.Env().Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    CloseHandle();
    Deactivate();
    return info.Env().Undefined();
  }

  Napi::Value RefLoop(const Napi::CallbackInfo& info) {
    if (handle_) uv_ref(reinterpret_cast<uv_handle_t*>(handle_));
    return info.Env().Undefined();
  }

  Napi::Value UnrefLoop(const Napi::CallbackInfo& info) {
    if (handle_) uv_unref(reinterpret_cast<uv_handle_t*>(handle_));
    return info.Env().Undefined();
  }

  void Deactivate() {
    if (active_) {
      active_ = false;
      Unref();
    }
  }

  void CloseHandle() {
    if (!handle_) return;
    uv_poll_stop(handle_);
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    handle_ = nullptr;
  }

  static void OnEvent(uv_poll_t* handle, int status, int events) {
    Poller* self = static_cast<Poller*>(handle->data);
    if (self == nullptr) return;
    Napi::Env env = self->Env();
    Napi::HandleScope scope(env);
    int err = status < 0 ? -status : 0;
    bool readable = (events & (UV_READABLE | UV_DISCONNECT)) != 0;
    bool writable = (events & UV_WRITABLE) != 0;
    try {
      self->callback_.MakeCallback(self->Value(),
                                   {Napi::Number::New(env, err), Napi::Boolean::New(env, readable),
                                    Napi::Boolean::New(env, writable)},
                                   *self->context_);
    } catch (const Napi::Error& e) {
      // No JS frame is below a libuv callback: report it as Node reports any uncaught exception.
      napi_fatal_exception(env, e.Value());
    }
  }

  uv_poll_t* handle_ = nullptr;
  bool active_ = false;
  Napi::FunctionReference callback_;
  std::unique_ptr<Napi::AsyncContext> context_;
};

}  // namespace

void InitPoller(Napi::Env env, Napi::Object exports) {
  exports.Set("Poller", Poller::Define(env));
}

}  // namespace mlx5ctl
