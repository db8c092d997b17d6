// y = act(x · Wᵀ + b) with W packed once, at load, into the layout the micro-kernel reads.
//
// Why not OpenBLAS here: every sgemm call packs its operands again (at batch 32 x 128 tokens
// that was 4.8% of a BERT-base forward, the same weights packed on every call), and its API has
// no epilogue, so the bias and the activation are extra passes over the output. Packing W once
// into 16-column panels lets the kernel read x in place (no packing at all) and add the bias and
// apply the activation while the output tile is still in registers or L1.
//
// x86-64 with AVX2 + FMA only (checked at run time by packed_gemm_supported()); other CPUs and
// weight types keep the OpenBLAS path.
#pragma once

#include <cstddef>
#include <memory>

#include "engine/backend.h"
#include "engine/weight.h"

namespace hub::engine::cpu {

// Column panels of 16 output features: panel p holds, for k = 0..K-1, the 16 values
// W[16p + j][k] (j = 0..15) contiguously; a last partial panel is padded with zeros.
class PackedWeight final : public PreparedWeight {
 public:
  static constexpr std::size_t kPanel = 16;

  // Packs W [n, k] (or [k, n] when `transposed`, GPT-2's Conv1D), row-major with rows `ld`
  // floats apart (0: dense), on `threads` threads.
  PackedWeight(const float* w, std::size_t n, std::size_t k, bool transposed, int threads = 1, std::size_t ld = 0);

  std::size_t out_features() const noexcept { return n_; }
  std::size_t in_features() const noexcept { return k_; }
  std::size_t panels() const noexcept { return (n_ + kPanel - 1) / kPanel; }
  const float* panel(std::size_t p) const noexcept { return data_.get() + p * k_ * kPanel; }

 private:
  struct Free {
    void operator()(float* p) const noexcept;
  };
  std::size_t n_, k_;
  std::unique_ptr<float[], Free> data_;  // 64-byte aligned
};

// Whether this CPU runs the packed kernels (AVX2 and FMA).
bool packed_gemm_supported() noexcept;

// Computes output columns [16 * p0, min(n, 16 * p1)) of y = act(x · Wᵀ + bias) for every row of
// x, on the calling thread (callers split panels between threads). bias: n values or null.
void packed_gemm(ConstMatrixView x, const PackedWeight& w, const float* bias, Activation act, MatrixView y,
                 std::size_t p0, std::size_t p1);

// Drops the pages of a read-only file mapping that lie wholly inside [data, data + bytes) from
// this process's memory (they are read back from the file if touched again): after packing, the
// mapped original would otherwise count as a second copy of the weights. Only for file
// mappings (Weight::file_mapped()): on anonymous memory MADV_DONTNEED zeroes the pages.
void release_mapped_pages(const void* data, std::size_t bytes) noexcept;

}  // namespace hub::engine::cpu
