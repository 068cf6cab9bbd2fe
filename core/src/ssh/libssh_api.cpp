#include "ssh/libssh_api.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <mutex>

namespace greenlight::detail {
namespace {

// The soname the headers belong to (libssh 0.10: libssh.so.4).
constexpr const char* kLibrary = "libssh.so.4";

struct Loaded {
  LibsshApi api;
  std::string error;  ///< empty when loaded
};

Loaded load() {
  Loaded loaded;
  void* handle = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    loaded.error = fmt::format("cannot load {}: {}", kLibrary, ::dlerror());
    return loaded;
  }
  // The handle stays open for the life of the process.
#define GREENLIGHT_LIBSSH_RESOLVE(name)                                          \
  loaded.api.name = reinterpret_cast<decltype(&::name)>(::dlsym(handle, #name)); \
  if (loaded.api.name == nullptr) {                                              \
    loaded.error = fmt::format("cannot load {}: it has no {}", kLibrary, #name); \
    return loaded;                                                               \
  }
  GREENLIGHT_LIBSSH_FUNCTIONS(GREENLIGHT_LIBSSH_RESOLVE)
#undef GREENLIGHT_LIBSSH_RESOLVE
  if (loaded.api.ssh_init() != SSH_OK) loaded.error = fmt::format("{}: ssh_init failed", kLibrary);
  return loaded;
}

const Loaded& loaded_once() {
  static const Loaded loaded = load();
  return loaded;
}

}  // namespace

const LibsshApi* load_libssh(std::string& error) {
  const Loaded& loaded = loaded_once();
  error = loaded.error;
  return loaded.error.empty() ? &loaded.api : nullptr;
}

const LibsshApi& libssh() { return loaded_once().api; }

}  // namespace greenlight::detail
