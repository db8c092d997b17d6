#include "gemm_peak.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common.h"

#ifdef HUB_BENCH_DNNL
#include <dnnl.h>
#endif

namespace bench {
namespace {

// C[rows, cols] (leading dimension ldc) = A[rows, k] · B[cols, k]ᵀ.
using Gemm = std::function<void(std::size_t rows, std::size_t cols, std::size_t k, const float* a, const float* b,
                                float* c, std::size_t ldc)>;

void openblas(std::size_t rows, std::size_t cols, std::size_t k, const float* a, const float* b, float* c,
              std::size_t ldc) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows), static_cast<int>(cols),
              static_cast<int>(k), 1.0f, a, static_cast<int>(k), b, static_cast<int>(k), 0.0f, c,
              static_cast<int>(ldc));
}

#ifdef HUB_BENCH_DNNL
void onednn(std::size_t rows, std::size_t cols, std::size_t k, const float* a, const float* b, float* c,
            std::size_t ldc) {
  const auto d = [](std::size_t v) { return static_cast<dnnl_dim_t>(v); };
  if (dnnl_sgemm('N', 'T', d(rows), d(cols), d(k), 1.0f, a, d(k), b, d(k), 0.0f, c, d(ldc)) != dnnl_success) {
    throw std::runtime_error("dnnl_sgemm failed");
  }
}

std::string isa_name(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_sse41: return "SSE4.1";
    case dnnl_cpu_isa_avx: return "AVX";
    case dnnl_cpu_isa_avx2: return "AVX2";
    case dnnl_cpu_isa_avx2_vnni: return "AVX2-VNNI";
    case dnnl_cpu_isa_avx512_core: return "AVX-512";
    case dnnl_cpu_isa_avx512_core_vnni: return "AVX-512 VNNI";
    case dnnl_cpu_isa_avx512_core_bf16: return "AVX-512 BF16";
    case dnnl_cpu_isa_avx512_core_amx: return "AMX";
    default: return "ISA " + std::to_string(static_cast<int>(isa));
  }
}
#endif

struct Problem {
  std::size_t m, n, k;
  std::vector<float> a, b, c;
};

double gflops(const Problem& p, double seconds) { return 2.0 * static_cast<double>(p.m * p.n * p.k) / seconds / 1e9; }

// Median GFLOP/s of `call` over `runs` timed calls after one warmup.
double measure(Problem& p, int runs, const std::function<void()>& call) {
  call();
  std::vector<double> rates;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    call();
    rates.push_back(gflops(p, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()));
  }
  return median(rates);
}

// The CPU backend's scheme: `threads` OpenMP threads, each a block of columns (a slice of W),
// rounded to 16, with a single-threaded library call.
void by_columns(Problem& p, int threads, const Gemm& gemm) {
#pragma omp parallel num_threads(threads)
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
    const auto nt = static_cast<std::size_t>(omp_get_num_threads());
    std::size_t block = (p.n + nt - 1) / nt;
    block = (block + 15) / 16 * 16;
    const std::size_t c0 = std::min(p.n, t * block), c1 = std::min(p.n, c0 + block);
    if (c1 > c0) gemm(p.m, c1 - c0, p.k, p.a.data(), p.b.data() + c0 * p.k, p.c.data() + c0, p.n);
  }
}

nlohmann::json library(Problem& p, int threads, int runs, const Gemm& gemm,
                       const std::function<void(int)>& set_threads) {
  const auto whole = [&] { gemm(p.m, p.n, p.k, p.a.data(), p.b.data(), p.c.data(), p.n); };
  set_threads(1);
  nlohmann::json j;
  j["one_thread"] = measure(p, runs, whole);
  j["engine_style"] = measure(p, runs, [&] { by_columns(p, threads, gemm); });
  set_threads(threads);
  j["library_threads"] = measure(p, runs, whole);
  set_threads(1);
  return j;
}

}  // namespace

nlohmann::json gemm_peak(std::size_t m, std::size_t n, std::size_t k, int threads, int runs) {
  Problem p{m, n, k, std::vector<float>(m * k), std::vector<float>(n * k), std::vector<float>(m * n)};
  for (std::size_t i = 0; i < p.a.size(); ++i) p.a[i] = static_cast<float>(i % 13) * 0.01f - 0.06f;
  for (std::size_t i = 0; i < p.b.size(); ++i) p.b[i] = static_cast<float>(i % 7) * 0.01f - 0.03f;
  nlohmann::json j = {{"mode", "gemm-peak"}, {"m", m}, {"n", n}, {"k", k}, {"threads", threads}, {"runs", runs}};
  j["openblas"] = library(p, threads, runs, openblas, [](int t) { openblas_set_num_threads(t); });
  j["openblas"]["config"] = openblas_get_config();
#ifdef HUB_BENCH_DNNL
  j["onednn"] = library(p, threads, runs, onednn, [](int t) { omp_set_num_threads(t); });
  const dnnl_version_t* v = dnnl_version();
  j["onednn"]["config"] = "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                          std::to_string(v->patch) + " " + isa_name(dnnl_get_effective_cpu_isa());
#endif
  return j;
}

}  // namespace bench
