#include "core/shared_library.h"

#include <dlfcn.h>

#include "hub/error.h"

namespace hub::core {

void* open_shared_library(std::initializer_list<const char*> candidates, const std::string& what,
                          const std::string& install_hint) {
  std::string tried;
  for (const char* path : candidates) {
    if (path == nullptr || *path == '\0') continue;
    // RTLD_LOCAL: its symbols serve libhub's table only; never closed.
    if (void* library = ::dlopen(path, RTLD_NOW | RTLD_LOCAL)) return library;
    const char* why = ::dlerror();
    tried += std::string(tried.empty() ? "" : "; ") + (why ? why : path);
  }
  throw Error(Errc::unsupported, what + " could not be loaded (" + tried + "); " + install_hint);
}

void* shared_library_symbol(void* library, const char* name, const std::string& what) {
  ::dlerror();
  void* address = ::dlsym(library, name);
  if (address == nullptr)
    throw Error(Errc::unsupported, what + " has no symbol " + name + ": an incompatible build of the library");
  return address;
}

}  // namespace hub::core
