// Looking up named tensors of a checkpoint as engine weights, with errors that name the tensor.
#pragma once

#include <string>
#include <string_view>

#include "engine/weight.h"
#include "hub/safetensors.h"
#include "models/lora.h"

namespace hub::models {

class WeightSource {
 public:
  // `adapter` (optional) is merged into the weights it targets as they are loaded or, with
  // `adapter_on_the_fly`, attached to the linear layers it targets as low-rank deltas (the base
  // weights then stay as stored; other weights it targets are still merged).
  // With `keep_bf16`, BF16 matrices read only by GEMMs and embedding lookups stay BF16.
  explicit WeightSource(const safetensors::Checkpoint& checkpoint, const LoraAdapter* adapter = nullptr,
                        bool keep_bf16 = false, bool adapter_on_the_fly = false)
      : checkpoint_(checkpoint), adapter_(adapter), keep_bf16_(keep_bf16), on_the_fly_(adapter_on_the_fly) {}

  bool has(std::string_view name) const { return checkpoint_.find(name).has_value(); }
  // The tensor `name` with exactly the given shape (cols only for 1-D: rows == 0). Throws
  // Errc::invalid_input naming the tensor when it is absent or mis-shaped.
  // `transposed`: the matrix is stored [in, out] (GPT-2's Conv1D), which a LoRA delta must follow.
  // `merge_adapter` false leaves the adapter out (the caller attaches it as a delta).
  engine::Weight matrix(const std::string& name, std::size_t rows, std::size_t cols, bool transposed = false,
                        bool merge_adapter = true) const;
  // A GEMM operand or embedding table: kept BF16 when the source allows it (and not transposed).
  engine::Weight operand(const std::string& name, std::size_t rows, std::size_t cols, bool merge_adapter = true) const;
  engine::Weight vector(const std::string& name, std::size_t size) const;
  // prefix + ".weight" [out, in] and prefix + ".bias" [out] (the bias optional).
  engine::Linear linear(const std::string& prefix, std::size_t out, std::size_t in) const;
  // The same for GPT-2's Conv1D: weight [in, out] (Linear::transposed).
  engine::Linear conv1d(const std::string& prefix, std::size_t out, std::size_t in) const;
  // prefix + ".weight"/".bias", or the older ".gamma"/".beta".
  engine::Norm norm(const std::string& prefix, std::size_t size) const;

 private:
  static void check_shape(const safetensors::TensorView& view, const std::string& name, std::size_t rows,
                          std::size_t cols);

  const safetensors::Checkpoint& checkpoint_;
  const LoraAdapter* adapter_;
  bool keep_bf16_;
  bool on_the_fly_;
};

// "encoder.layer.{}." with {} replaced by `index`.
std::string with_index(std::string_view pattern, std::size_t index);

}  // namespace hub::models
