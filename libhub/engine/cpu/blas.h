// OpenBLAS, loaded when the CPU backend first needs it (internal to the CPU backend).
//
// libhub does not link OpenBLAS: a process that runs no model (`hub cache ls`, `hub pull`,
// `hub serve`, an application that only downloads) would otherwise pay for loading it at start,
// which was the largest single cost of a short command: some 12,000 symbol bindings, more than
// every other library together, plus its constructor's CPU probing and buffers. The library is
// opened with dlopen on the first CpuBackend, and its functions are called through pointers
// whose types come from cblas.h, so the compiler still checks every call.
#pragma once

#include <cblas.h>

namespace hub::engine::cpu {

struct Blas {
  decltype(&::cblas_sgemm) sgemm = nullptr;
  decltype(&::openblas_set_num_threads) set_num_threads = nullptr;
  decltype(&::openblas_get_parallel) get_parallel = nullptr;  // 0 serial, 1 pthreads, 2 OpenMP
};

// The loaded library (once per process, thread-safe). Throws hub::Error (Errc::unsupported)
// naming what was tried and the package to install when no OpenBLAS can be opened.
const Blas& blas();

}  // namespace hub::engine::cpu
