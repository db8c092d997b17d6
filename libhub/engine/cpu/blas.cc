#include "engine/cpu/blas.h"

#include <mutex>

#include "core/shared_library.h"

namespace hub::engine::cpu {
namespace {

Blas load() {
  // The OpenMP build of OpenBLAS, as found at configure time (see engine/deps.cmake), then the
  // soname, which resolves to whatever build the system chose.
  void* lib = core::open_shared_library(
      {
#ifdef HUB_OPENBLAS_PATH
          HUB_OPENBLAS_PATH,
#endif
          "libopenblas.so.0"},
      "OpenBLAS (the CPU backend's GEMM)", "install it: apt-get install libopenblas0-openmp");
  Blas b;
  core::resolve_symbol(lib, "cblas_sgemm", "OpenBLAS", b.sgemm);
  core::resolve_symbol(lib, "openblas_set_num_threads", "OpenBLAS", b.set_num_threads);
  core::resolve_symbol(lib, "openblas_get_parallel", "OpenBLAS", b.get_parallel);
  return b;
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
