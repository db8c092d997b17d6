// bench_encoder --gemm-peak: sgemm GFLOP/s for y = x · Wᵀ (x [m, k], W [n, k], row-major, the
// engine's linear layer), per library and threading scheme.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

namespace bench {

// For OpenBLAS, and oneDNN when built with HUB_BENCH_DNNL: one thread; `threads` OpenMP threads
// each computing a block of output columns with a single-threaded call (how the CPU backend
// calls it); and one call threaded by the library itself. Median of `runs` after one warmup.
nlohmann::json gemm_peak(std::size_t m, std::size_t n, std::size_t k, int threads, int runs);

}  // namespace bench
