// Shared by bench_encoder_gen and bench_encoder: the model shape, the deterministic inputs both
// peers feed (torch_bert.py computes the same ids with the same formula), FLOP counting and
// process statistics.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bench {

struct Shape {
  std::size_t layers = 12;
  std::size_t hidden = 768;
  std::size_t heads = 12;
  std::size_t intermediate = 3072;
  std::size_t vocab = 30522;
  std::size_t max_positions = 512;
  std::size_t type_vocab = 2;
};

// Token id of sequence b, position s: a fixed hash, the same in torch_bert.py (input_ids()).
inline std::int32_t input_id(std::size_t b, std::size_t s, std::size_t vocab) {
  const std::uint64_t x =
      (static_cast<std::uint64_t>(b) * 1000003u + static_cast<std::uint64_t>(s) * 7919u + 101u) * 2654435761u;
  return static_cast<std::int32_t>((x >> 8) % vocab);
}

// Attended length of sequence b: `seq` for the benchmark (no padding); for the correctness check
// (padded = true) sequence b loses 3 * b tokens (at least one stays), to exercise the mask.
inline std::size_t attended(std::size_t b, std::size_t seq, bool padded) {
  if (!padded) return seq;
  return std::max<std::size_t>(1, seq > 3 * b ? seq - 3 * b : 1);
}

// Forward FLOPs of the encoder body for `batch` sequences of `seq` tokens: 2 x (matmul weights
// per token) x tokens for Q, K, V, attention output and the two FFN matmuls, plus 4 x seq² x
// hidden per layer and sequence for QKᵀ and AV. Embeddings, layer norms, softmax, GELU and the
// pooler (2 x hidden² per sequence) are left out: together well under 1% at BERT-base shape.
inline double forward_flops(const Shape& m, std::size_t batch, std::size_t seq) {
  const double h = static_cast<double>(m.hidden), inter = static_cast<double>(m.intermediate);
  const double tokens = static_cast<double>(batch * seq);
  const double matmul_params = static_cast<double>(m.layers) * (4 * h * h + 2 * h * inter);
  const double attention = static_cast<double>(m.layers * batch) * 4.0 * static_cast<double>(seq * seq) * h;
  return 2.0 * matmul_params * tokens + attention;
}

// Peak resident set size of this process, in bytes (Linux reports ru_maxrss in KiB).
inline std::uint64_t peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::uint64_t>(u.ru_maxrss) * 1024u;
}

inline double median(std::vector<double> xs) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  const std::size_t n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

}  // namespace bench
