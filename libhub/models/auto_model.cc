// AutoModel: config.json -> architecture -> weights -> a runnable Model.
#include <algorithm>

#include "formats/pickle.h"
#include "hub/error.h"
#include "models/model_impl.h"

namespace hub {
namespace {

std::unique_ptr<engine::Backend> make_backend(const ModelOptions& options) {
  if (options.device == "cpu") return engine::make_cpu_backend(options.threads);
  if (options.device == "cuda" || options.device.starts_with("cuda:")) {
    throw Error(Errc::unsupported, "device '" + options.device + "': the CUDA backend is not built yet (use --device cpu)");
  }
  throw Error(Errc::invalid_input, "device '" + options.device + "': expected cpu or cuda");
}

}  // namespace

std::string_view to_string(ModelHead head) noexcept {
  switch (head) {
    case ModelHead::base: return "base";
    case ModelHead::masked_lm: return "masked_lm";
    case ModelHead::sequence_classification: return "sequence_classification";
    case ModelHead::token_classification: return "token_classification";
  }
  return "unknown";
}

std::span<const float> FloatTensor::row(std::size_t outer) const {
  const std::size_t n = shape.empty() ? 0 : shape.back();
  if (n == 0 || (outer + 1) * n > values.size()) throw Error(Errc::invalid_input, "FloatTensor::row: index out of range");
  return {values.data() + outer * n, n};
}

ModelInput ModelInput::from_encodings(std::span<const Encoding> encodings, std::uint32_t pad_id) {
  ModelInput in;
  in.batch = encodings.size();
  for (const auto& e : encodings) in.seq_len = std::max(in.seq_len, e.size());
  const std::size_t n = in.batch * in.seq_len;
  in.input_ids.assign(n, static_cast<std::int32_t>(pad_id));
  in.attention_mask.assign(n, 0);
  in.token_type_ids.assign(n, 0);
  for (std::size_t b = 0; b < in.batch; ++b) {
    const auto& e = encodings[b];
    for (std::size_t s = 0; s < e.size(); ++s) {
      const std::size_t i = b * in.seq_len + s;
      in.input_ids[i] = static_cast<std::int32_t>(e.ids[s]);
      in.attention_mask[i] = e.attention_mask.empty() ? 1 : static_cast<std::int32_t>(e.attention_mask[s]);
      in.token_type_ids[i] = e.type_ids.empty() ? 0 : static_cast<std::int32_t>(e.type_ids[s]);
    }
  }
  return in;
}

Model::Impl::Impl(const std::filesystem::path& folder, const ModelOptions& options)
    : config(ModelConfig::from_file(folder / "config.json")),
      architecture(models::select_architecture(config, options.head)),
      checkpoint(safetensors::Checkpoint::open(formats::find_safetensors_weights(folder))),
      backend(make_backend(options)) {
  models::WeightSource weights(checkpoint);
  encoder = std::make_unique<models::Encoder>(config, *architecture.encoder, weights);
  if (architecture.head.head != ModelHead::base) {
    head = std::make_unique<models::Head>(config, architecture.head, *encoder, weights);
  }
}

engine::MatrixView Model::Impl::hidden_states(const ModelInput& input) const {
  return encoder->forward(*backend, workspace, input);
}

ModelOutput Model::Impl::forward(const ModelInput& input) const {
  std::lock_guard lock(mutex);
  auto hidden = hidden_states(input);
  ModelOutput out;
  out.hidden.shape = {input.batch, input.seq_len, hidden.cols};
  out.hidden.values.resize(hidden.rows * hidden.cols);
  for (std::size_t r = 0; r < hidden.rows; ++r) {
    std::copy_n(hidden.row(r), hidden.cols, out.hidden.values.data() + r * hidden.cols);
  }
  if (head) out.logits = head->forward(*backend, workspace, hidden, input.batch, input.seq_len);
  return out;
}

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

const ModelConfig& Model::config() const noexcept { return impl_->config; }
const std::string& Model::architecture() const noexcept { return impl_->architecture.name; }
ModelHead Model::head() const noexcept { return impl_->architecture.head.head; }
ModelOutput Model::forward(const ModelInput& input) const { return impl_->forward(input); }

Model AutoModel::from_pretrained(std::string_view name_or_path, const ModelOptions& options) {
  auto resolved = resolve_pretrained(name_or_path, options.pretrained);
  if (resolved.file) {
    formats::refuse_pickle(*resolved.file);
    throw Error(Errc::invalid_input, std::string(name_or_path) + ": AutoModel needs a model folder or repo id, not a file");
  }
  // Weights first: a pickle-only repo is refused with the explanation, whatever its config says.
  formats::find_safetensors_weights(resolved.folder);
  if (!std::filesystem::exists(resolved.folder / "config.json")) {
    throw Error(Errc::entry_not_found, std::string(name_or_path) + ": no config.json");
  }
  return Model(std::make_unique<Model::Impl>(resolved.folder, options));
}

}  // namespace hub
