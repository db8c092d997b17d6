#include "models/weights.h"

#include "hub/error.h"

namespace hub::models {
namespace {

std::string shape_text(std::span<const std::uint64_t> shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

}  // namespace

void WeightSource::check_shape(const safetensors::TensorView& view, const std::string& name, std::size_t rows,
                               std::size_t cols) {
  bool ok = rows == 0 ? (view.shape.size() == 1 && view.shape[0] == cols)
                      : (view.shape.size() == 2 && view.shape[0] == rows && view.shape[1] == cols);
  if (!ok) {
    std::vector<std::uint64_t> want =
        rows == 0 ? std::vector<std::uint64_t>{cols} : std::vector<std::uint64_t>{rows, cols};
    throw Error(Errc::invalid_input, "weights: tensor '" + name + "' has shape " + shape_text(view.shape) +
                                         ", expected " + shape_text(want));
  }
}

engine::Weight WeightSource::matrix(const std::string& name, std::size_t rows, std::size_t cols, bool transposed,
                                    bool merge_adapter) const {
  auto view = checkpoint_.find(name);
  if (!view) throw Error(Errc::invalid_input, "weights: tensor '" + name + "' is missing");
  check_shape(*view, name, rows, cols);
  if (merge_adapter && adapter_ != nullptr && rows != 0 && adapter_->touches(name)) {
    std::vector<float> values(view->element_count());
    safetensors::to_f32(*view, values);
    adapter_->merge(name, values, rows, cols, transposed);
    return engine::Weight::from_values(name, rows, cols, std::move(values));
  }
  // Checkpoint::open maps every shard read-only: what a Weight borrows from it is file-backed.
  auto w = engine::Weight::from_tensor(*view);
  w.mark_file_mapped();
  return w;
}

engine::Weight WeightSource::operand(const std::string& name, std::size_t rows, std::size_t cols,
                                     bool merge_adapter) const {
  auto view = checkpoint_.find(name);
  if (!keep_bf16_ || !view || view->dtype != safetensors::Dtype::bf16 ||
      (merge_adapter && adapter_ != nullptr && adapter_->touches(name))) {
    return matrix(name, rows, cols, false, merge_adapter);
  }
  check_shape(*view, name, rows, cols);
  auto w = engine::Weight::from_tensor(*view, true);
  w.mark_file_mapped();
  return w;
}

engine::Weight WeightSource::vector(const std::string& name, std::size_t size) const {
  // Copied, not borrowed: a few KB each (biases, norm scales), and every read of one from the
  // mapping would bring the file pages around it back into memory (a whole large folio on recent
  // kernels), pages of matrices the backend has packed and let go (Backend::prepare).
  engine::Weight w = matrix(name, 0, size);
  if (!w.borrowed()) return w;
  return engine::Weight::from_values(w.name(), w.rows(), w.cols(), std::vector<float>(w.data(), w.data() + w.size()));
}

engine::Linear WeightSource::linear(const std::string& prefix, std::size_t out, std::size_t in) const {
  engine::Linear l;
  l.weight = operand(prefix + ".weight", out, in, !on_the_fly_);
  if (has(prefix + ".bias")) l.bias = vector(prefix + ".bias", out);
  if (on_the_fly_ && adapter_ != nullptr) l.delta = adapter_->delta(prefix + ".weight", out, in);
  return l;
}

engine::Linear WeightSource::conv1d(const std::string& prefix, std::size_t out, std::size_t in) const {
  engine::Linear l;
  l.weight = matrix(prefix + ".weight", in, out, true, !on_the_fly_);
  if (has(prefix + ".bias")) l.bias = vector(prefix + ".bias", out);
  l.transposed = true;
  if (on_the_fly_ && adapter_ != nullptr) l.delta = adapter_->delta(prefix + ".weight", out, in);
  return l;
}

engine::Norm WeightSource::norm(const std::string& prefix, std::size_t size) const {
  engine::Norm n;
  if (!has(prefix + ".weight") && has(prefix + ".gamma")) {
    n.gamma = vector(prefix + ".gamma", size);
    n.beta = vector(prefix + ".beta", size);
  } else {
    n.gamma = vector(prefix + ".weight", size);
    n.beta = vector(prefix + ".bias", size);
  }
  return n;
}

std::string with_index(std::string_view pattern, std::size_t index) {
  std::string out(pattern);
  if (auto pos = out.find("{}"); pos != std::string::npos) out.replace(pos, 2, std::to_string(index));
  return out;
}

}  // namespace hub::models
