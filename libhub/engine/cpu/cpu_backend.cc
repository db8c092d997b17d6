// The CPU backend: GEMMs through OpenBLAS, everything else in the fused kernels of kernels.cc,
// all parallel on one OpenMP thread team.
//
// Threading: OpenBLAS runs single-threaded inside our own parallel regions (each thread takes a
// block of output columns or rows), so one pool of threads does all the work and no second pool
// spins against it between ops.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/backend.h"
#include "engine/cpu/blas.h"
#include "engine/cpu/kernels.h"
#include "engine/cpu/packed_gemm.h"
#include "hub/error.h"

namespace hub::engine {
namespace {

// Below this many multiply-adds an op runs on one thread (fork/join would cost more).
constexpr std::size_t kParallelWork = 1u << 20;

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(int threads)
      : threads_(threads > 0 ? threads : omp_get_num_procs()),
        sgemm_(cpu::blas().sgemm),
        packed_(cpu::packed_gemm_supported()) {
    // OpenBLAS's OpenMP build implements this with omp_set_num_threads() on the calling thread
    // in some versions: keep the caller's own OpenMP setting as it was.
    const int caller_omp_threads = omp_get_max_threads();
    cpu::blas().set_num_threads(1);
    if (cpu::blas().get_parallel() == 2) omp_set_num_threads(caller_omp_threads);
  }

  std::string_view name() const noexcept override { return "cpu"; }

  // f32 weights read from a file mapping as stored are packed into the micro-kernel's panels,
  // and the mapped original leaves memory (one copy of the weights, as before). Weights
  // converted at load (owned), tied ones, and borrowed memory that is not a file mapping (whose
  // pages madvise would zero) stay on the OpenBLAS path.
  void prepare(Linear& layer) override {
    const Weight& w = layer.weight;
    if (!packed_ || layer.prepared || w.is_bf16() || w.data() == nullptr || !w.file_mapped() || w.aliases()) return;
    layer.prepared = std::make_unique<cpu::PackedWeight>(w.data(), layer.out_features(), layer.in_features(),
                                                         layer.transposed, threads_);
    cpu::release_mapped_pages(w.data(), w.bytes());
  }

  void linear(ConstMatrixView x, const Linear& layer, MatrixView y, Activation act) override {
    const std::size_t m = x.rows, k = x.cols, n = layer.out_features();
    if (layer.in_features() != k || y.rows != m || y.cols != n) {
      throw Error(Errc::internal, "linear '" + layer.weight.name() + "': shape mismatch");
    }
    if (layer.delta) {
      // The delta goes in before the activation: the base layer without it, then the delta.
      linear_dense(x, layer, y, Activation::none);
      add_low_rank(x, *layer.delta, y);
      if (act != Activation::none) activate(y, act);
      return;
    }
    linear_dense(x, layer, y, act);
  }

  void linear_dense(ConstMatrixView x, const Linear& layer, MatrixView y, Activation act) {
    const std::size_t m = x.rows, k = x.cols, n = layer.out_features();
    if (layer.weight.is_bf16()) return linear_bf16(x, layer, y, act);
    if (const auto* packed = dynamic_cast<const cpu::PackedWeight*>(layer.prepared.get())) {
      return linear_packed(x, *packed, layer.bias.empty() ? nullptr : layer.bias.data(), y, act);
    }
    const float* w = layer.weight.data();
    const float* bias = layer.bias.empty() ? nullptr : layer.bias.data();
    const int threads = m * n * k < kParallelWork ? 1 : threads_;
    // Each thread's call packs the whole of the operand it shares with the others: all of x
    // when the output is split into column blocks (each a slice of W), all of W when it is split
    // into row blocks. So split the way that duplicates the smaller one: columns while there are
    // fewer rows than columns (decoding, short sequences), rows for large batches (BERT-base at
    // 32 x 128 tokens: packing went from 6.8% to 4.8% of the forward).
    const auto nthreads = static_cast<std::size_t>(threads);
    const bool by_columns = m < nthreads || (n >= nthreads * 32 && m <= n);
#pragma omp parallel num_threads(threads)
    {
      const auto t = static_cast<std::size_t>(omp_get_thread_num());
      const auto nt = static_cast<std::size_t>(omp_get_num_threads());
      std::size_t r0 = 0, r1 = m, c0 = 0, c1 = n;
      if (by_columns) {
        std::size_t block = (n + nt - 1) / nt;
        block = (block + 15) / 16 * 16;
        c0 = std::min(n, t * block);
        c1 = std::min(n, c0 + block);
      } else {
        std::size_t block = (m + nt - 1) / nt;
        r0 = std::min(m, t * block);
        r1 = std::min(m, r0 + block);
      }
      if (r1 > r0 && c1 > c0) {
        // The bias goes in first and the GEMM accumulates onto it (beta = 1): with beta = 0,
        // OpenBLAS makes a pass of its own to zero the output, and the bias would be one more.
        float beta = 0.0f;
        if (bias != nullptr) {
          for (std::size_t r = r0; r < r1; ++r) std::copy(bias + c0, bias + c1, y.row(r) + c0);
          beta = 1.0f;
        }
        if (layer.transposed) {  // W stored [in, out]: the output columns are W's columns
          sgemm_(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(r1 - r0), static_cast<int>(c1 - c0),
                 static_cast<int>(k), 1.0f, x.row(r0), static_cast<int>(x.stride), w + c0, static_cast<int>(n), beta,
                 y.row(r0) + c0, static_cast<int>(y.stride));
        } else {
          sgemm_(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(r1 - r0), static_cast<int>(c1 - c0),
                 static_cast<int>(k), 1.0f, x.row(r0), static_cast<int>(x.stride), w + c0 * k, static_cast<int>(k),
                 beta, y.row(r0) + c0, static_cast<int>(y.stride));
        }
        if (act != Activation::none) {
          for (std::size_t r = r0; r < r1; ++r) cpu::bias_activate_row(y.row(r) + c0, nullptr, c1 - c0, act);
        }
      }
    }
  }

  // Threads take contiguous ranges of the weight's 16-column panels; x is read in place by all.
  void linear_packed(ConstMatrixView x, const cpu::PackedWeight& w, const float* bias, MatrixView y, Activation act) {
    const std::size_t panels = w.panels();
    const int threads = x.rows * w.out_features() * w.in_features() < kParallelWork ? 1 : threads_;
    if (threads == 1) return cpu::packed_gemm(x, w, bias, act, y, 0, panels);
#pragma omp parallel num_threads(threads)
    {
      const auto t = static_cast<std::size_t>(omp_get_thread_num());
      const auto nt = static_cast<std::size_t>(omp_get_num_threads());
      const std::size_t block = (panels + nt - 1) / nt;
      cpu::packed_gemm(x, w, bias, act, y, std::min(panels, t * block), std::min(panels, (t + 1) * block));
    }
  }

  // y += scale·(x·Aᵀ)·Bᵀ: two thin GEMMs through a [M, R] intermediate (R, the adapter's rank, is
  // small, so this costs 2·M·R·(K + N) flops next to the layer's M·K·N).
  void add_low_rank(ConstMatrixView x, const LowRankDelta& d, MatrixView y) {
    const std::size_t m = x.rows, k = x.cols, r = d.a.rows(), n = y.cols;
    std::vector<float> t(m * r);
    sgemm_(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), static_cast<int>(r), static_cast<int>(k), 1.0f,
           x.data, static_cast<int>(x.stride), d.a.data(), static_cast<int>(k), 0.0f, t.data(), static_cast<int>(r));
    sgemm_(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), static_cast<int>(n), static_cast<int>(r),
           d.scale, t.data(), static_cast<int>(r), d.b.data(), static_cast<int>(r), 1.0f, y.data,
           static_cast<int>(y.stride));
  }

  // BF16 weights [N, K]. Few rows (decoding): a dot product per output, reading each weight
  // once. Many rows (prefill, encoders): blocks of 64 weight rows widened to f32 into a
  // per-thread buffer, then an OpenBLAS GEMM on the block, so the widening is amortized over M.
  void linear_bf16(ConstMatrixView x, const Linear& layer, MatrixView y, Activation act) {
    const std::size_t m = x.rows, k = x.cols, n = layer.out_features();
    if (layer.transposed) throw Error(Errc::internal, "linear '" + layer.weight.name() + "': transposed BF16");
    const std::uint16_t* w = layer.weight.bf16();
    const float* bias = layer.bias.empty() ? nullptr : layer.bias.data();
    const int threads = m * n * k < kParallelWork ? 1 : threads_;
    constexpr std::size_t kBlock = 64;
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel num_threads(threads)
    {
      std::vector<float> wide;
#pragma omp for schedule(static)
      for (std::size_t blk = 0; blk < blocks; ++blk) {
        const std::size_t c0 = blk * kBlock, c1 = std::min(n, c0 + kBlock);
        if (m <= 4) {
          for (std::size_t r = 0; r < m; ++r) {
            for (std::size_t c = c0; c < c1; ++c) y.row(r)[c] = cpu::dot_bf16(x.row(r), w + c * k, k);
          }
        } else {
          wide.resize((c1 - c0) * k);
          for (std::size_t c = c0; c < c1; ++c) cpu::bf16_to_f32_row(w + c * k, wide.data() + (c - c0) * k, k);
          sgemm_(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), static_cast<int>(c1 - c0),
                 static_cast<int>(k), 1.0f, x.row(0), static_cast<int>(x.stride), wide.data(), static_cast<int>(k),
                 0.0f, y.row(0) + c0, static_cast<int>(y.stride));
        }
        if (bias != nullptr || act != Activation::none) {
          for (std::size_t r = 0; r < m; ++r)
            cpu::bias_activate_row(y.row(r) + c0, bias ? bias + c0 : nullptr, c1 - c0, act);
        }
      }
    }
  }

  void add_layer_norm(MatrixView x, ConstMatrixView residual, const Norm& norm, float eps) override {
    if (norm.gamma.size() != x.cols || norm.beta.size() != x.cols) {
      throw Error(Errc::internal, "layer norm '" + norm.gamma.name() + "': shape mismatch");
    }
    const int threads = x.rows * x.cols < kParallelWork ? 1 : threads_;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::size_t r = 0; r < x.rows; ++r) {
      cpu::add_layer_norm_row(x.row(r), residual.data ? residual.row(r) : nullptr, x.cols, norm.gamma.data(),
                              norm.beta.data(), eps);
    }
  }

  void activate(MatrixView x, Activation act) override {
    const int threads = x.rows * x.cols < kParallelWork ? 1 : threads_;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::size_t r = 0; r < x.rows; ++r) cpu::bias_activate_row(x.row(r), nullptr, x.cols, act);
  }

  void attention(const AttentionArgs& a) override {
    const std::size_t pairs = a.batch * a.heads;
    const int threads = a.batch * a.seq * a.seq * a.heads * a.head_dim < kParallelWork ? 1 : threads_;
#pragma omp parallel num_threads(threads)
    {
      std::vector<float> scores;
#pragma omp for schedule(dynamic)
      for (std::size_t p = 0; p < pairs; ++p) {
        const std::size_t b = p / a.heads, h = p % a.heads;
        const std::size_t first = b * a.seq;
        // Keys past the last attended position never receive weight: leave them out entirely.
        std::size_t keys = 0;
        for (std::size_t j = 0; j < a.seq; ++j) {
          if (a.key_mask[first + j] != 0) keys = j + 1;
        }
        const std::size_t col = h * a.head_dim;
        float* out = a.out.row(first) + col;
        if (keys == 0) {
          for (std::size_t i = 0; i < a.seq; ++i) std::fill_n(out + i * a.out.stride, a.head_dim, 0.0f);
          continue;
        }
        scores.resize(a.seq * keys);
        const ConstMatrixView q(a.q.row(first) + col, a.seq, a.head_dim, a.q.stride);
        const MatrixView s{scores.data(), a.seq, keys, keys};
        // With the packed kernels, K and V are packed per head (keys x head_dim floats, a few
        // KB) and both products take the same micro-kernel as the linears: no per-call sgemm
        // set-up, no separate pass zeroing the output. The scale goes in with the mask.
        float scale = a.scale;
        if (packed_) {
          const cpu::PackedWeight k(a.k.row(first) + col, keys, a.head_dim, false, 1, a.k.stride);
          cpu::packed_gemm(q, k, nullptr, Activation::none, s, 0, k.panels());
        } else {
          sgemm_(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(a.seq), static_cast<int>(keys),
                 static_cast<int>(a.head_dim), a.scale, q.data, static_cast<int>(q.stride), a.k.row(first) + col,
                 static_cast<int>(a.k.stride), 0.0f, scores.data(), static_cast<int>(keys));
          scale = 1.0f;
        }
        for (std::size_t i = 0; i < a.seq; ++i) {
          float* row = scores.data() + i * keys;
          if (scale != 1.0f) cpu::scale_row(row, scale, keys);
          if (!a.position_bias.empty()) cpu::add_row(row, a.position_bias.data() + (h * a.seq + i) * a.seq, keys);
          for (std::size_t j = 0; j < keys; ++j) {
            if (a.key_mask[first + j] == 0) row[j] = -INFINITY;
          }
          cpu::softmax_row(row, keys);
        }
        if (packed_) {
          const cpu::PackedWeight v(a.v.row(first) + col, a.head_dim, keys, true, 1, a.v.stride);
          cpu::packed_gemm(s, v, nullptr, Activation::none, MatrixView{out, a.seq, a.head_dim, a.out.stride}, 0,
                           v.panels());
        } else {
          sgemm_(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(a.seq), static_cast<int>(a.head_dim),
                 static_cast<int>(keys), 1.0f, scores.data(), static_cast<int>(keys), a.v.row(first) + col,
                 static_cast<int>(a.v.stride), 0.0f, out, static_cast<int>(a.out.stride));
        }
      }
    }
  }

  void norm(ConstMatrixView x, const NormSpec& spec, MatrixView out) override {
    if (spec.gamma == nullptr || spec.gamma->size() != x.cols || out.rows != x.rows || out.cols != x.cols) {
      throw Error(Errc::internal, "norm: shape mismatch");
    }
    const int threads = x.rows * x.cols < kParallelWork ? 1 : threads_;
    std::vector<float> zeros;
    if (spec.kind == NormSpec::Kind::layer && spec.beta == nullptr) zeros.assign(x.cols, 0.0f);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::size_t r = 0; r < x.rows; ++r) {
      if (spec.kind == NormSpec::Kind::rms) {
        cpu::rms_norm_row(x.row(r), out.row(r), x.cols, spec.gamma->data(), spec.eps, spec.unit_offset);
      } else {
        if (out.row(r) != x.row(r)) std::copy_n(x.row(r), x.cols, out.row(r));
        cpu::add_layer_norm_row(out.row(r), nullptr, x.cols, spec.gamma->data(),
                                spec.beta ? spec.beta->data() : zeros.data(), spec.eps);
      }
    }
  }

  void add(MatrixView x, ConstMatrixView y) override {
    const int threads = x.rows * x.cols < kParallelWork ? 1 : threads_;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::size_t r = 0; r < x.rows; ++r) cpu::add_row(x.row(r), y.row(r), x.cols);
  }

  void scale(MatrixView x, float factor) override {
    for (std::size_t r = 0; r < x.rows; ++r) cpu::scale_row(x.row(r), factor, x.cols);
  }

  void gated(ConstMatrixView gate, ConstMatrixView up, Activation act, MatrixView out) override {
    const int threads = out.rows * out.cols < kParallelWork ? 1 : threads_;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::size_t r = 0; r < out.rows; ++r) cpu::gated_row(gate.row(r), up.row(r), out.row(r), out.cols, act);
  }

  void rope(const RopeArgs& a) override {
    const std::size_t half = a.rotary_dim / 2;
    for (std::size_t r = 0; r < a.x.rows; ++r) {
      for (std::size_t h = 0; h < a.heads; ++h) {
        cpu::rope_row(a.x.row(r) + h * a.head_dim, a.cos.data() + r * half, a.sin.data() + r * half, half);
      }
    }
  }

  void causal_attention(const CausalAttentionArgs& a) override {
    const std::size_t pairs = a.batch * a.q_heads;
    const std::size_t group = a.q_heads / a.kv_heads;
    const std::size_t total = a.causal ? a.past + a.new_tokens : a.key_count;
    const int threads = pairs * a.new_tokens * total * a.head_dim < kParallelWork ? 1 : threads_;
#pragma omp parallel num_threads(threads)
    {
      std::vector<float> scores(total);
#pragma omp for schedule(dynamic)
      for (std::size_t p = 0; p < pairs; ++p) {
        const std::size_t b = p / a.q_heads, h = p % a.q_heads, kvh = h / group;
        const std::int32_t* valid = a.key_valid.data() + b * a.capacity;
        const float* k_base = a.k_cache.row(b * a.capacity) + kvh * a.head_dim;
        const float* v_base = a.v_cache.row(b * a.capacity) + kvh * a.head_dim;
        for (std::size_t i = 0; i < a.new_tokens; ++i) {
          // Keys visible to this query: [lo, hi].
          const std::size_t slot = a.causal ? a.past + i : total - 1;
          const std::size_t lo =
              a.causal && a.sliding_window > 0 && slot + 1 > a.sliding_window ? slot + 1 - a.sliding_window : 0;
          const float* bias =
              a.position_bias.empty() ? nullptr : a.position_bias.data() + (h * a.new_tokens + i) * a.bias_keys;
          const float* q = a.q.row(b * a.new_tokens + i) + h * a.head_dim;
          float* out = a.out.row(b * a.new_tokens + i) + h * a.head_dim;
          float max = -INFINITY;
          for (std::size_t j = lo; j <= slot; ++j) {
            if (!valid[j]) continue;
            scores[j] = a.scale * cpu::dot(q, k_base + j * a.k_cache.stride, a.head_dim) + (bias ? bias[j] : 0.0f);
            max = std::max(max, scores[j]);
          }
          std::fill_n(out, a.head_dim, 0.0f);
          if (max == -INFINITY) continue;  // nothing visible (a padding query)
          float sum = 0.0f;
          for (std::size_t j = lo; j <= slot; ++j) {
            if (!valid[j]) continue;
            scores[j] = std::exp(scores[j] - max);
            sum += scores[j];
          }
          const float inv = 1.0f / sum;
          for (std::size_t j = lo; j <= slot; ++j) {
            if (valid[j]) cpu::axpy(out, v_base + j * a.v_cache.stride, scores[j] * inv, a.head_dim);
          }
        }
      }
    }
  }

  void embed(std::span<const Weight* const> tables, std::span<const std::span<const std::int32_t>> ids,
             MatrixView out) override {
    const int threads = out.rows * out.cols < kParallelWork ? 1 : threads_;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::size_t r = 0; r < out.rows; ++r) {
      float* dst = out.row(r);
      std::vector<float> row;
      for (std::size_t t = 0; t < tables.size(); ++t) {
        const Weight& table = *tables[t];
        const std::size_t offset = static_cast<std::size_t>(ids[t][r]) * table.cols();
        const float* src = nullptr;
        if (table.is_bf16()) {
          row.resize(out.cols);
          cpu::bf16_to_f32_row(table.bf16() + offset, row.data(), out.cols);
          src = row.data();
        } else {
          src = table.data() + offset;
        }
        if (t == 0) {
          std::copy_n(src, out.cols, dst);
        } else {
          cpu::add_row(dst, src, out.cols);
        }
      }
    }
  }

 private:
  int threads_;
  decltype(cpu::Blas::sgemm) sgemm_;  // OpenBLAS, loaded by the first backend
  bool packed_;                       // this CPU runs the packed GEMM kernels (AVX2 + FMA)
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(int threads) { return std::make_unique<CpuBackend>(threads); }

}  // namespace hub::engine
