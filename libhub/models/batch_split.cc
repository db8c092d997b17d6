#include "models/batch_split.h"

#include <omp.h>

#include <algorithm>
#include <exception>

namespace hub::models {
namespace {

// A core may idle for at most this share of a split forward: parts differ by one sequence, so
// batch 3 on 2 cores (2 + 1, the second core idle half the time) stays one op-parallel batch.
constexpr double kMinBalance = 0.9;

ModelInput slice(const ModelInput& in, std::size_t first, std::size_t count) {
  ModelInput part;
  part.batch = count;
  part.seq_len = in.seq_len;
  const auto begin = static_cast<std::ptrdiff_t>(first * in.seq_len);
  const auto end = static_cast<std::ptrdiff_t>((first + count) * in.seq_len);
  part.input_ids.assign(in.input_ids.begin() + begin, in.input_ids.begin() + end);
  part.attention_mask.assign(in.attention_mask.begin() + begin, in.attention_mask.begin() + end);
  if (!in.token_type_ids.empty()) {
    part.token_type_ids.assign(in.token_type_ids.begin() + begin, in.token_type_ids.begin() + end);
  }
  return part;
}

}  // namespace

BatchSplitter::BatchSplitter(int threads) : threads_(threads > 0 ? threads : omp_get_num_procs()) {}

BatchSplitter::~BatchSplitter() = default;

std::size_t BatchSplitter::parts(const ModelInput& input) const noexcept {
  const auto cores = static_cast<std::size_t>(threads_);
  if (cores < 2 || input.batch < cores) return 1;
  // The largest part has ceil(batch / cores) sequences; the average is batch / cores.
  const std::size_t largest = (input.batch + cores - 1) / cores;
  const double balance = static_cast<double>(input.batch) / static_cast<double>(cores * largest);
  return balance >= kMinBalance ? cores : 1;
}

engine::MatrixView BatchSplitter::forward(const Encoder& encoder, const ModelInput& input, Workspace& out) {
  const std::size_t n = parts(input);
  while (backends_.size() < n) backends_.push_back(engine::make_cpu_backend(1));
  if (workspaces_.size() < n) workspaces_.resize(n);
  const std::size_t h = encoder.hidden_size(), seq = input.seq_len;
  auto hidden = out.view(out.hidden, input.batch * seq, h);

  std::vector<std::exception_ptr> errors(n);
#pragma omp parallel for num_threads(static_cast <int>(n)) schedule(static, 1)
  for (std::size_t p = 0; p < n; ++p) {
    // Part p holds sequences [first, first + count): the first batch % n parts get one more.
    const std::size_t base = input.batch / n, extra = input.batch % n;
    const std::size_t first = p * base + std::min(p, extra), count = base + (p < extra ? 1 : 0);
    try {
      const ModelInput part = slice(input, first, count);
      const auto result = encoder.forward(*backends_[p], workspaces_[p], part);
      for (std::size_t r = 0; r < result.rows; ++r) std::copy_n(result.row(r), h, hidden.row(first * seq + r));
    } catch (...) {
      errors[p] = std::current_exception();
    }
  }
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return hidden;
}

}  // namespace hub::models
