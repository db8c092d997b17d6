// Model weights as the engine consumes them, row-major: f32 borrowed from the mapped safetensors
// file (F32 tensors, aligned) or converted once at load into owned storage; or, for matrices
// that only GEMMs and embedding lookups read, BF16 borrowed from the file as stored (half the
// memory and half the bytes per decoded token; kernels widen it on the fly).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/matrix.h"
#include "hub/safetensors.h"

namespace hub::engine {

class Weight {
 public:
  Weight() = default;
  // Move-only: a borrowed view must not outlive its file, an owned one points into owned_.
  Weight(const Weight&) = delete;
  Weight& operator=(const Weight&) = delete;
  Weight(Weight&&) noexcept = default;
  Weight& operator=(Weight&&) noexcept = default;
  // Borrows an F32 tensor's bytes when they are 4-byte aligned; converts anything else
  // (F16, BF16, F64, F8, unaligned F32) into owned f32 storage. `shape` is the logical 2-D shape
  // (a 1-D tensor is one row).
  // With `keep_bf16`, an aligned BF16 tensor is borrowed as BF16 instead of converted.
  static Weight from_tensor(const safetensors::TensorView& tensor, bool keep_bf16 = false);

  // A non-owning view of `other` (tied weights: one matrix used by two layers). `other`'s storage
  // must outlive the view.
  static Weight borrow(const Weight& other) {
    Weight w;
    w.name_ = other.name_;
    w.data_ = other.data_;
    w.bf16_ = other.bf16_;
    w.rows_ = other.rows_;
    w.cols_ = other.cols_;
    w.aliases_ = true;
    return w;
  }

  // Owned f32 values (e.g. a base weight with a LoRA delta merged in).
  static Weight from_values(std::string name, std::size_t rows, std::size_t cols, std::vector<float> values) {
    Weight w;
    w.name_ = std::move(name);
    w.rows_ = rows;
    w.cols_ = cols;
    w.owned_ = std::move(values);
    w.data_ = w.owned_.data();
    return w;
  }

  // f32 values; null for a BF16 weight (see bf16()).
  const float* data() const noexcept { return data_; }
  // BF16 values when the weight was kept in BF16; null otherwise.
  const std::uint16_t* bf16() const noexcept { return bf16_; }
  bool is_bf16() const noexcept { return bf16_ != nullptr; }
  std::size_t bytes() const noexcept { return size() * (bf16_ ? 2 : 4); }
  std::size_t rows() const noexcept { return rows_; }
  std::size_t cols() const noexcept { return cols_; }
  std::size_t size() const noexcept { return rows_ * cols_; }
  bool empty() const noexcept { return data_ == nullptr && bf16_ == nullptr; }
  bool borrowed() const noexcept { return !empty() && owned_.empty(); }
  // A view of another Weight (borrow(): tied weights), whose storage other layers read too.
  bool aliases() const noexcept { return aliases_; }
  // Borrowed from a read-only file mapping (mark_file_mapped()): its pages can be dropped from
  // memory and read back from the file, never lost.
  bool file_mapped() const noexcept { return file_mapped_ && borrowed(); }
  // Says that the tensor this weight borrows lives in a read-only file mapping (what
  // safetensors::Checkpoint::open makes). Only whoever opened the tensors can know.
  void mark_file_mapped() noexcept { file_mapped_ = true; }
  ConstMatrixView view() const noexcept { return {data_, rows_, cols_, cols_}; }
  const std::string& name() const noexcept { return name_; }

 private:
  std::string name_;
  const float* data_ = nullptr;
  const std::uint16_t* bf16_ = nullptr;
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  bool aliases_ = false;
  bool file_mapped_ = false;
  std::vector<float> owned_;
};

// A backend's own copy of a layer's weight, in the layout its kernels read fastest
// (Backend::prepare; e.g. the CPU backend's 16-column panels).
class PreparedWeight {
 public:
  virtual ~PreparedWeight() = default;
};

// A layer-norm's scale and shift.
struct Norm {
  Weight gamma;
  Weight beta;
};

// A low-rank update applied on the fly (a LoRA adapter not merged into the weight):
// y += scale · (x·Aᵀ)·Bᵀ, with A [rank, in] and B [out, rank].
struct LowRankDelta {
  Weight a;
  Weight b;
  float scale = 1.0f;
};

// A linear layer: weight [out, in] (PyTorch's nn.Linear layout), or [in, out] when `transposed`
// (GPT-2's Conv1D), an optional bias [out] and an optional low-rank delta, added before the
// activation.
struct Linear {
  Weight weight;
  Weight bias;  // empty when the layer has none
  bool transposed = false;
  std::optional<LowRankDelta> delta;
  // Set by Backend::prepare when the backend keeps the weight in a layout of its own; `weight`
  // then stays valid (same values) but may no longer be resident in memory.
  std::unique_ptr<const PreparedWeight> prepared;

  std::size_t in_features() const noexcept { return transposed ? weight.rows() : weight.cols(); }
  std::size_t out_features() const noexcept { return transposed ? weight.cols() : weight.rows(); }
};

}  // namespace hub::engine
