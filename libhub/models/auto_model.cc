// AutoModel: config.json -> architecture -> weights -> a runnable Model.
#include <algorithm>

#include "formats/pickle.h"
#include "hub/error.h"
#include "models/generate.h"
#include "models/model_impl.h"

namespace hub {
namespace {

std::unique_ptr<engine::Backend> make_backend(const ModelOptions& options) {
  if (options.device == "cpu") return engine::make_cpu_backend(options.threads);
  if (options.device == "cuda" || options.device.starts_with("cuda:")) {
    throw Error(Errc::unsupported,
                "device '" + options.device + "': the CUDA backend is not built yet (use --device cpu)");
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
    case ModelHead::causal_lm: return "causal_lm";
    case ModelHead::seq2seq_lm: return "seq2seq_lm";
  }
  return "unknown";
}

std::span<const float> FloatTensor::row(std::size_t outer) const {
  const std::size_t n = shape.empty() ? 0 : shape.back();
  if (n == 0 || (outer + 1) * n > values.size())
    throw Error(Errc::invalid_input, "FloatTensor::row: index out of range");
  return {values.data() + outer * n, n};
}

ModelInput ModelInput::from_encodings(std::span<const Encoding> encodings, std::uint32_t pad_id, Padding side) {
  ModelInput in;
  in.batch = encodings.size();
  for (const auto& e : encodings) in.seq_len = std::max(in.seq_len, e.size());
  const std::size_t n = in.batch * in.seq_len;
  in.input_ids.assign(n, static_cast<std::int32_t>(pad_id));
  in.attention_mask.assign(n, 0);
  in.token_type_ids.assign(n, 0);
  for (std::size_t b = 0; b < in.batch; ++b) {
    const auto& e = encodings[b];
    const std::size_t shift = side == Padding::left ? in.seq_len - e.size() : 0;
    for (std::size_t s = 0; s < e.size(); ++s) {
      const std::size_t i = b * in.seq_len + shift + s;
      in.input_ids[i] = static_cast<std::int32_t>(e.ids[s]);
      in.attention_mask[i] = e.attention_mask.empty() ? 1 : static_cast<std::int32_t>(e.attention_mask[s]);
      in.token_type_ids[i] = e.type_ids.empty() ? 0 : static_cast<std::int32_t>(e.type_ids[s]);
    }
  }
  return in;
}

Model::Impl::Impl(const std::filesystem::path& folder, const ModelOptions& options,
                  const std::optional<std::filesystem::path>& adapter_folder)
    : config(ModelConfig::from_file(folder / "config.json")),
      architecture(models::select_architecture(config, options.head)),
      checkpoint(safetensors::Checkpoint::open(formats::find_safetensors_weights(folder))),
      backend(make_backend(options)) {
  std::optional<models::LoraAdapter> adapter;
  if (adapter_folder) adapter = models::LoraAdapter::open(*adapter_folder);
  models::WeightSource weights(checkpoint, adapter ? &*adapter : nullptr, options.keep_bf16_weights,
                               options.adapter_on_the_fly);
  auto check_adapter = [&] {
    if (!adapter) return;
    if (auto unused = adapter->unused(); !unused.empty()) {
      throw Error(Errc::invalid_input, "adapter: module '" + unused.front() + "' is not a weight of this " +
                                           config.model_type + " model (adapter made for another base?)");
    }
  };
  if (config.is_encoder_decoder) {
    t5 = std::make_unique<models::T5>(config, weights);
    generation = models::read_generation_defaults(folder, config);
    check_adapter();
    return;
  }
  if (architecture.encoder == nullptr) {
    decoder = std::make_unique<models::Decoder>(config, *models::find_decoder_layout(config), weights);
    generation = models::read_generation_defaults(folder, config);
    check_adapter();
    return;
  }
  encoder = std::make_unique<models::Encoder>(config, *architecture.encoder, weights);
  encoder->prepare(*backend);
  if (options.device == "cpu" && options.split_batches) {
    splitter = std::make_unique<models::BatchSplitter>(options.threads);
  }
  if (architecture.head.head != ModelHead::base) {
    head = std::make_unique<models::Head>(config, architecture.head, *encoder, weights);
  }
  check_adapter();
}

engine::MatrixView Model::Impl::hidden_states(const ModelInput& input) const {
  if (splitter && splitter->parts(input) > 1) {
    encoder->validate(input);  // here, so that a bad batch fails before any part starts
    return splitter->forward(*encoder, input, workspace);
  }
  return encoder->forward(*backend, workspace, input);
}

ModelOutput Model::Impl::forward(const ModelInput& input) const {
  std::lock_guard lock(mutex);
  if (t5) {
    // The encoder over the input, then one decoder step from decoder_start_token_id.
    auto encoded = t5->encode(*backend, decoder_workspace, input);
    ModelOutput out;
    out.hidden.shape = {input.batch, input.seq_len, encoded.cols};
    out.hidden.values.assign(encoded.data, encoded.data + encoded.rows * encoded.cols);
    engine::ConstMatrixView enc(out.hidden.values.data(), encoded.rows, encoded.cols, encoded.cols);
    auto state = t5->start(*backend, decoder_workspace, enc, input.attention_mask, input.batch, 1);
    std::vector<std::int32_t> start(input.batch, t5->decoder_start());
    auto hidden = t5->decode(*backend, decoder_workspace, state, start);
    out.logits.shape = {input.batch, 1, t5->vocab_size()};
    out.logits.values.resize(input.batch * t5->vocab_size());
    t5->logits(*backend, hidden, engine::dense(out.logits.values.data(), input.batch, t5->vocab_size()));
    return out;
  }
  if (decoder) {
    if (input.batch == 0 || input.seq_len == 0) throw Error(Errc::invalid_input, "model input: empty batch");
    auto cache = decoder->make_cache(input.batch, input.seq_len);
    auto hidden =
        decoder->step(*backend, decoder_workspace, cache, input.input_ids, input.attention_mask, input.seq_len);
    ModelOutput out;
    out.hidden.shape = {input.batch, input.seq_len, hidden.cols};
    out.hidden.values.assign(hidden.data, hidden.data + hidden.rows * hidden.cols);
    if (architecture.head.head == ModelHead::causal_lm) {
      out.logits.shape = {input.batch, input.seq_len, decoder->vocab_size()};
      out.logits.values.resize(hidden.rows * decoder->vocab_size());
      decoder->logits(*backend, hidden, engine::dense(out.logits.values.data(), hidden.rows, decoder->vocab_size()));
    }
    return out;
  }
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
std::vector<std::vector<std::int32_t>> Model::generate(
    const ModelInput& prompts, const GenerationOptions& options,
    const std::function<bool(std::size_t, std::int32_t)>& on_token) const {
  return impl_->generate(prompts, options, on_token);
}
const GenerationOptions& Model::generation_defaults() const noexcept { return impl_->generation; }

Model AutoModel::from_pretrained(std::string_view name_or_path, const ModelOptions& options) {
  auto resolved = resolve_pretrained(name_or_path, options.pretrained);
  if (resolved.file) {
    formats::refuse_pickle(*resolved.file);
    throw Error(Errc::invalid_input,
                std::string(name_or_path) + ": AutoModel needs a model folder or repo id, not a file");
  }
  // Weights first: a pickle-only repo is refused with the explanation, whatever its config says.
  formats::find_safetensors_weights(resolved.folder);
  if (!std::filesystem::exists(resolved.folder / "config.json")) {
    throw Error(Errc::entry_not_found, std::string(name_or_path) + ": no config.json");
  }
  std::optional<std::filesystem::path> adapter_folder;
  if (options.adapter) adapter_folder = resolve_pretrained(*options.adapter, options.pretrained).folder;
  return Model(std::make_unique<Model::Impl>(resolved.folder, options, adapter_folder));
}

}  // namespace hub
