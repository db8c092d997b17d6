#include "engine/cpu/packed_gemm.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include "engine/cpu/kernels.h"
#include "hub/error.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace hub::engine::cpu {

void PackedWeight::Free::operator()(float* p) const noexcept { std::free(p); }

PackedWeight::PackedWeight(const float* w, std::size_t n, std::size_t k, bool transposed, int threads, std::size_t ld)
    : n_(n), k_(k) {
  if (ld == 0) ld = transposed ? n : k;
  const std::size_t count = std::max<std::size_t>(panels() * k * kPanel, 1);
  const std::size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
  data_.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
  if (!data_) throw std::bad_alloc();
    // Reading the mapped weights (page faults) is most of the time: worth the cores at load. One
    // thread (attention's per-head K and V) opens no parallel region at all.
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
  for (std::size_t p = 0; p < panels(); ++p) {
    float* out = data_.get() + p * k * kPanel;
    const std::size_t c0 = p * kPanel, cols = std::min(kPanel, n - c0);
    if (transposed) {  // W [k, n]: a panel's row k is 16 consecutive values of W's row k
      for (std::size_t kk = 0; kk < k; ++kk) {
        std::copy_n(w + kk * ld + c0, cols, out + kk * kPanel);
        std::fill(out + kk * kPanel + cols, out + (kk + 1) * kPanel, 0.0f);
      }
    } else {
      for (std::size_t j = 0; j < kPanel; ++j) {
        const float* row = j < cols ? w + (c0 + j) * ld : nullptr;
        for (std::size_t kk = 0; kk < k; ++kk) out[kk * kPanel + j] = row != nullptr ? row[kk] : 0.0f;
      }
    }
  }
}

void release_mapped_pages(const void* data, std::size_t bytes) noexcept {
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + page - 1) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) / page * page;
  // Advice only: on failure the pages simply stay resident.
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

#if defined(__x86_64__)

namespace {

constexpr std::size_t kKc = 256;   // k per block: a panel's slice (256 x 16 floats, 16 KB) stays in L1
constexpr std::size_t kMc = 144;   // rows per block: its packed strips (144 x 256 floats, 144 KB) stay in L2
constexpr std::size_t kGroup = 8;  // panels between activation passes: 128 columns of each row
constexpr std::size_t kMr = 6;     // rows per tile: 6 x 2 accumulators + 2 panel loads + 1 broadcast
constexpr std::size_t kNr = PackedWeight::kPanel;

#define HUB_AVX2 __attribute__((target("avx2,fma")))
#define HUB_AVX2_LAMBDA __attribute__((target("avx2,fma")))

// The 6 x 16 output tile over kc values of k: c (+)= a · b (+ bias). `a` is a packed 6-row
// strip (6 floats per k), `b` a panel's slice (16 floats per k). Twelve named accumulators: an
// array here would be kept on the stack by GCC, a load and a store around every FMA.
HUB_AVX2 inline void tile6x16(const float* a, const float* b, std::size_t kc, float* c, std::size_t ldc,
                              bool accumulate, const float* bias) {
  // The output rows are K floats apart and were last touched a whole block ago: ask for them now
  // (for the read, or for the write of the first slice) so the stores at the end do not stall.
  for (std::size_t r = 0; r < kMr; ++r) {
    __builtin_prefetch(c + r * ldc, 1, 3);
    __builtin_prefetch(c + r * ldc + kNr - 1, 1, 3);
  }
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
#pragma GCC unroll 4
  for (std::size_t k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_load_ps(b + k * kNr), b1 = _mm256_load_ps(b + k * kNr + 8);
    const float* ak = a + k * kMr;
    __m256 av = _mm256_broadcast_ss(ak);
    c00 = _mm256_fmadd_ps(av, b0, c00);
    c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(ak + 1);
    c10 = _mm256_fmadd_ps(av, b0, c10);
    c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(ak + 2);
    c20 = _mm256_fmadd_ps(av, b0, c20);
    c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(ak + 3);
    c30 = _mm256_fmadd_ps(av, b0, c30);
    c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(ak + 4);
    c40 = _mm256_fmadd_ps(av, b0, c40);
    c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(ak + 5);
    c50 = _mm256_fmadd_ps(av, b0, c50);
    c51 = _mm256_fmadd_ps(av, b1, c51);
  }
  const __m256 bias0 = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
  const __m256 bias1 = bias ? _mm256_loadu_ps(bias + 8) : _mm256_setzero_ps();
  const auto store = [&](float* out, __m256 v0, __m256 v1) HUB_AVX2_LAMBDA {
    v0 = _mm256_add_ps(v0, bias0);
    v1 = _mm256_add_ps(v1, bias1);
    if (accumulate) {
      v0 = _mm256_add_ps(v0, _mm256_loadu_ps(out));
      v1 = _mm256_add_ps(v1, _mm256_loadu_ps(out + 8));
    }
    _mm256_storeu_ps(out, v0);
    _mm256_storeu_ps(out + 8, v1);
  };
  store(c, c00, c01);
  store(c + ldc, c10, c11);
  store(c + 2 * ldc, c20, c21);
  store(c + 3 * ldc, c30, c31);
  store(c + 4 * ldc, c40, c41);
  store(c + 5 * ldc, c50, c51);
}

// A tile with fewer than 6 valid rows or 16 valid columns (the edges): computed into a padded
// tile, of which the valid part is copied out (the packed strip's missing rows are zeros).
HUB_AVX2 void edge_tile(std::size_t rows, const float* a, const float* b, std::size_t kc, float* c, std::size_t ldc,
                        bool accumulate, const float* bias, std::size_t cols) {
  alignas(32) float c_pad[kMr * kNr] = {};
  alignas(32) float bias_pad[kNr] = {};
  if (accumulate) {
    for (std::size_t r = 0; r < rows; ++r) std::copy_n(c + r * ldc, cols, c_pad + r * kNr);
  }
  if (bias != nullptr) std::copy_n(bias, cols, bias_pad);
  tile6x16(a, b, kc, c_pad, kNr, accumulate, bias != nullptr ? bias_pad : nullptr);
  for (std::size_t r = 0; r < rows; ++r) std::copy_n(c_pad + r * kNr, cols, c + r * ldc);
}

// Copies rows [i0, i1) x columns [k0, k0 + kc) of x into 6-row strips, 6 floats per k (rows past
// i1 as zeros): the kernel then broadcasts from one sequential stream instead of six rows that,
// K floats apart, can fall into the same L1 sets as the panel (K = 3072: 12 KB apart). Full
// strips go 8 values of k at a time through an 8 x 8 register transpose (rows 6 and 7 zero),
// each column stored whole: its 2 extra floats land where the next column (or strip) goes and
// are overwritten by it, so `out` needs 2 floats of slack at the end. Attention's products,
// with few output columns per packed row, spent 5% of a BERT-base forward here when this was a
// scalar loop.
[[gnu::noinline]] HUB_AVX2 void pack_strips(ConstMatrixView x, std::size_t i0, std::size_t i1, std::size_t k0,
                                            std::size_t kc, float* out) {
  for (std::size_t i = i0; i < i1; i += kMr, out += kc * kMr) {
    const std::size_t rows = std::min(kMr, i1 - i);
    std::size_t k = 0;
    if (rows == kMr) {
      const float *r0p = x.row(i) + k0, *r1p = x.row(i + 1) + k0, *r2p = x.row(i + 2) + k0;
      const float *r3p = x.row(i + 3) + k0, *r4p = x.row(i + 4) + k0, *r5p = x.row(i + 5) + k0;
      const __m256 zero = _mm256_setzero_ps();
      for (; k + 8 <= kc; k += 8) {
        const __m256 t0 = _mm256_unpacklo_ps(_mm256_loadu_ps(r0p + k), _mm256_loadu_ps(r1p + k));
        const __m256 t1 = _mm256_unpackhi_ps(_mm256_loadu_ps(r0p + k), _mm256_loadu_ps(r1p + k));
        const __m256 t2 = _mm256_unpacklo_ps(_mm256_loadu_ps(r2p + k), _mm256_loadu_ps(r3p + k));
        const __m256 t3 = _mm256_unpackhi_ps(_mm256_loadu_ps(r2p + k), _mm256_loadu_ps(r3p + k));
        const __m256 t4 = _mm256_unpacklo_ps(_mm256_loadu_ps(r4p + k), _mm256_loadu_ps(r5p + k));
        const __m256 t5 = _mm256_unpackhi_ps(_mm256_loadu_ps(r4p + k), _mm256_loadu_ps(r5p + k));
        const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
        const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
        const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
        const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
        const __m256 s4 = _mm256_shuffle_ps(t4, zero, _MM_SHUFFLE(1, 0, 1, 0));
        const __m256 s5 = _mm256_shuffle_ps(t4, zero, _MM_SHUFFLE(3, 2, 3, 2));
        const __m256 s6 = _mm256_shuffle_ps(t5, zero, _MM_SHUFFLE(1, 0, 1, 0));
        const __m256 s7 = _mm256_shuffle_ps(t5, zero, _MM_SHUFFLE(3, 2, 3, 2));
        float* o = out + k * kMr;
        _mm256_storeu_ps(o, _mm256_permute2f128_ps(s0, s4, 0x20));
        _mm256_storeu_ps(o + 6, _mm256_permute2f128_ps(s1, s5, 0x20));
        _mm256_storeu_ps(o + 12, _mm256_permute2f128_ps(s2, s6, 0x20));
        _mm256_storeu_ps(o + 18, _mm256_permute2f128_ps(s3, s7, 0x20));
        _mm256_storeu_ps(o + 24, _mm256_permute2f128_ps(s0, s4, 0x31));
        _mm256_storeu_ps(o + 30, _mm256_permute2f128_ps(s1, s5, 0x31));
        _mm256_storeu_ps(o + 36, _mm256_permute2f128_ps(s2, s6, 0x31));
        _mm256_storeu_ps(o + 42, _mm256_permute2f128_ps(s3, s7, 0x31));
      }
    }
    for (std::size_t r = 0; r < kMr; ++r) {
      const float* src = r < rows ? x.row(i + r) + k0 : nullptr;
      for (std::size_t kk = k; kk < kc; ++kk) out[kk * kMr + r] = src != nullptr ? src[kk] : 0.0f;
    }
  }
}

// Loop order (BLIS's): a block of kMc rows of x and a kKc slice of k, packed into strips; then
// panel by panel the block's tiles, so a panel's slice is read from L1 by every tile of the
// block and the packed strips from L2 by every panel. The output takes the bias with the last
// slice of k, and the activation group by group while those columns are still in cache.
HUB_AVX2 void gemm_avx2(ConstMatrixView x, const PackedWeight& w, const float* bias, Activation act, MatrixView y,
                        std::size_t p0, std::size_t p1) {
  const std::size_t m = x.rows, k = w.in_features(), n = w.out_features();
  thread_local std::vector<float> strips;
  strips.resize(kMc * kKc + 2);  // + pack_strips' slack
  for (std::size_t i0 = 0; i0 < m; i0 += kMc) {
    const std::size_t i1 = std::min(m, i0 + kMc);
    for (std::size_t k0 = 0; k0 < k; k0 += kKc) {
      const std::size_t kc = std::min(kKc, k - k0);
      const bool first = k0 == 0, last = k0 + kc == k;
      pack_strips(x, i0, i1, k0, kc, strips.data());
      for (std::size_t g0 = p0; g0 < p1; g0 += kGroup) {
        const std::size_t g1 = std::min(p1, g0 + kGroup);
        for (std::size_t p = g0; p < g1; ++p) {
          const std::size_t c0 = p * kNr, cols = std::min(kNr, n - c0);
          const float* b = w.panel(p) + k0 * kNr;
          const float* tile_bias = last && bias != nullptr ? bias + c0 : nullptr;
          const float* a = strips.data();
          // The next panel's slice was last read a whole block of rows ago and has left L1
          // (and L2): each tile asks for a share of its lines, so the next panel starts hot.
          const float* next = p + 1 < p1 ? w.panel(p + 1) + k0 * kNr : nullptr;
          const std::size_t lines = kc * kNr * sizeof(float) / 64, tiles = (i1 - i0 + kMr - 1) / kMr;
          const std::size_t per_tile = (lines + tiles - 1) / tiles;
          std::size_t line = 0;
          for (std::size_t i = i0; i < i1; i += kMr, a += kc * kMr) {
            if (next != nullptr) {
              for (const std::size_t end = std::min(lines, line + per_tile); line < end; ++line) {
                _mm_prefetch(reinterpret_cast<const char*>(next + line * 16), _MM_HINT_T0);
              }
            }
            const std::size_t rows = std::min(kMr, i1 - i);
            float* c = y.row(i) + c0;
            if (rows == kMr && cols == kNr) {
              tile6x16(a, b, kc, c, y.stride, !first, tile_bias);
            } else {
              edge_tile(rows, a, b, kc, c, y.stride, !first, tile_bias, cols);
            }
          }
        }
        if (last && act != Activation::none) {
          const std::size_t c0 = g0 * kNr, c1 = std::min(n, g1 * kNr);
          for (std::size_t i = i0; i < i1; ++i) bias_activate_row(y.row(i) + c0, nullptr, c1 - c0, act);
        }
      }
    }
  }
}

}  // namespace

bool packed_gemm_supported() noexcept { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

void packed_gemm(ConstMatrixView x, const PackedWeight& w, const float* bias, Activation act, MatrixView y,
                 std::size_t p0, std::size_t p1) {
  p1 = std::min(p1, w.panels());
  if (p0 >= p1 || x.rows == 0) return;
  if (w.in_features() == 0) {  // an empty sum: the output is act(bias)
    const std::size_t c0 = p0 * kNr, c1 = std::min(w.out_features(), p1 * kNr);
    for (std::size_t i = 0; i < x.rows; ++i) {
      float* out = y.row(i) + c0;
      for (std::size_t c = c0; c < c1; ++c) out[c - c0] = bias != nullptr ? bias[c] : 0.0f;
      bias_activate_row(out, nullptr, c1 - c0, act);
    }
    return;
  }
  gemm_avx2(x, w, bias, act, y, p0, p1);
}

#else

bool packed_gemm_supported() noexcept { return false; }

void packed_gemm(ConstMatrixView, const PackedWeight&, const float*, Activation, MatrixView, std::size_t, std::size_t) {
  throw Error(Errc::internal, "packed_gemm: no packed kernels for this CPU");
}

#endif

}  // namespace hub::engine::cpu
