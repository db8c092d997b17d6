#include "engine/weight.h"

#include <cstdint>

#include "hub/error.h"

namespace hub::engine {

Weight Weight::from_tensor(const safetensors::TensorView& tensor, bool keep_bf16) {
  Weight w;
  w.name_ = std::string(tensor.name);
  const auto& shape = tensor.shape;
  if (shape.empty() || shape.size() > 2) {
    throw Error(Errc::invalid_input,
                "tensor '" + w.name_ + "': expected 1 or 2 dimensions, got " + std::to_string(shape.size()));
  }
  w.rows_ = shape.size() == 2 ? static_cast<std::size_t>(shape[0]) : 1;
  w.cols_ = static_cast<std::size_t>(shape.back());
  const auto* bytes = tensor.data.data();
  bool aligned = reinterpret_cast<std::uintptr_t>(bytes) % alignof(float) == 0;
  if (keep_bf16 && tensor.dtype == safetensors::Dtype::bf16 &&
      reinterpret_cast<std::uintptr_t>(bytes) % alignof(std::uint16_t) == 0) {
    w.bf16_ = reinterpret_cast<const std::uint16_t*>(bytes);
    return w;
  }
  if (tensor.dtype == safetensors::Dtype::f32 && aligned) {
    w.data_ = reinterpret_cast<const float*>(bytes);
    return w;
  }
  w.owned_.resize(w.rows_ * w.cols_);
  try {
    safetensors::to_f32(tensor, w.owned_);
  } catch (const Error& e) {
    throw Error(e.code(), "tensor '" + w.name_ + "': " + e.what());
  }
  w.data_ = w.owned_.data();
  return w;
}

}  // namespace hub::engine
