#include "core/shared_library.h"

#include <dlfcn.h>

#include "hub/error.h"

namespace hub::core {

SharedLibrary::SharedLibrary(std::initializer_list<const char*> candidates, std::string what,
                             const std::string& install_hint)
    : what_(std::move(what)) {
  std::string tried;
  for (const char* path : candidates) {
    if (path == nullptr || *path == '\0') continue;
    // RTLD_LOCAL: its symbols serve libhub's table only.
    if ((handle_ = ::dlopen(path, RTLD_NOW | RTLD_LOCAL)) != nullptr) return;
    const char* why = ::dlerror();
    tried += std::string(tried.empty() ? "" : "; ") + (why ? why : path);
  }
  throw Error(Errc::unsupported, what_ + " could not be loaded (" + tried + "); " + install_hint);
}

void* SharedLibrary::symbol(const char* name) const {
  ::dlerror();
  void* address = ::dlsym(handle_, name);
  if (address == nullptr)
    throw Error(Errc::unsupported, what_ + " has no symbol " + name + ": an incompatible build of the library");
  return address;
}

}  // namespace hub::core
