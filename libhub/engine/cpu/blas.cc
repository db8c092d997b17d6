#include "engine/cpu/blas.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "hub/error.h"

namespace hub::engine::cpu {
namespace {

// The OpenMP build of OpenBLAS, as found at configure time (see engine/deps.cmake), then the
// soname, which resolves to whatever build the system chose.
constexpr const char* kCandidates[] = {
#ifdef HUB_OPENBLAS_PATH
    HUB_OPENBLAS_PATH,
#endif
    "libopenblas.so.0",
};

template <typename Fn>
void resolve(void* lib, const char* name, const std::string& path, Fn& out) {
  out = reinterpret_cast<Fn>(::dlsym(lib, name));
  if (out == nullptr) throw Error(Errc::unsupported, path + " has no symbol " + name + ": not an OpenBLAS library");
}

Blas load() {
  std::string tried;
  for (const char* path : kCandidates) {
    // Never closed: the library lives as long as the process, like a linked one.
    void* lib = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* why = ::dlerror();
      tried += std::string(tried.empty() ? "" : "; ") + (why ? why : path);
      continue;
    }
    Blas b;
    resolve(lib, "cblas_sgemm", path, b.sgemm);
    resolve(lib, "openblas_set_num_threads", path, b.set_num_threads);
    resolve(lib, "openblas_get_parallel", path, b.get_parallel);
    return b;
  }
  throw Error(Errc::unsupported, "the CPU backend needs OpenBLAS and none could be loaded (" + tried +
                                     "); install it: apt-get install libopenblas0-openmp");
}

}  // namespace

const Blas& blas() {
  // A failed load is retried by the next call (call_once does not complete on an exception).
  static std::once_flag once;
  static Blas loaded;
  std::call_once(once, [] { loaded = load(); });
  return loaded;
}

}  // namespace hub::engine::cpu
