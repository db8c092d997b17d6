#include "engine/cpu/blas.h"

#include "core/shared_library.h"

namespace hub::engine::cpu {
namespace {

Blas load() {
  // The OpenMP build of OpenBLAS, as found at configure time (see engine/deps.cmake), then the
  // soname, which resolves to whatever build the system chose.
  core::SharedLibrary lib(
      {
#ifdef HUB_OPENBLAS_PATH
          HUB_OPENBLAS_PATH,
#endif
          "libopenblas.so.0"},
      "OpenBLAS (the CPU backend's GEMM)", "install it: apt-get install libopenblas0-openmp");
  Blas b;
  lib.resolve("cblas_sgemm", b.sgemm);
  lib.resolve("openblas_set_num_threads", b.set_num_threads);
  lib.resolve("openblas_get_parallel", b.get_parallel);
  return b;
}

}  // namespace

const Blas& blas() {
  static const Blas loaded = load();  // a failed load throws, and the next call tries again
  return loaded;
}

}  // namespace hub::engine::cpu
