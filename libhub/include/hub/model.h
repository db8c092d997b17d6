// hub/model.h: AutoConfig and AutoModel, transformers-style model loading and inference.
//
//   auto model = hub::AutoModel::from_pretrained("org/name");   // a repo id, a folder
//   hub::ModelInput in = hub::ModelInput::from_encodings(encodings, pad_id);
//   hub::ModelOutput out = model.forward(in);                   // logits, last hidden state
//
// Weights come from safetensors files only (mapped, validated; pickle files are refused). One
// parametrized transformer runs every architecture: an architecture is a weight-name map plus
// config flags (see libhub/models/). Compute is f32 on the CPU backend; F16/BF16 weights are
// converted once at load, F32 weights are used in place from the mapped file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hub/pretrained.h"
#include "hub/tokenizer.h"

namespace hub {

// What a model computes on top of the transformer body.
enum class ModelHead {
  base,                     // BertModel: last hidden state (and pooler output when present)
  masked_lm,                // *ForMaskedLM: vocabulary logits per token
  sequence_classification,  // *ForSequenceClassification: label logits per sequence
  token_classification,     // *ForTokenClassification: label logits per token
};
std::string_view to_string(ModelHead head) noexcept;

// config.json, read the way transformers reads it for the supported families. Both the
// transformers 4 and 5 layouts are accepted (torch_dtype/dtype, DistilBERT's dim/n_layers names,
// id2label as an object or absent with num_labels, ...).
struct ModelConfig {
  std::string model_type;                  // "bert", "distilbert", "roberta", "xlm-roberta", ...
  std::vector<std::string> architectures;  // as written; may be empty
  std::size_t vocab_size = 0;
  std::size_t hidden_size = 0;
  std::size_t num_hidden_layers = 0;
  std::size_t num_attention_heads = 0;
  std::size_t intermediate_size = 0;
  std::size_t max_position_embeddings = 0;
  std::size_t type_vocab_size = 0;  // 0: the model has no token type embeddings
  std::string hidden_act = "gelu";  // gelu (erf), gelu_new/gelu_pytorch_tanh (tanh), relu, silu, ...
  double layer_norm_eps = 1e-12;
  std::optional<std::int64_t> pad_token_id;
  std::string position_embedding_type = "absolute";
  std::string dtype;  // "float32", "bfloat16", ... as stored; informational
  // Labels by id (id2label; "LABEL_<i>" for ids the file does not name) and problem_type
  // ("single_label_classification", "multi_label_classification", "regression" or empty).
  std::vector<std::string> id2label;
  std::string problem_type;
  // Fields that are read but whose non-default values libhub does not implement, and fields it
  // does not know; each entry names the field. Loading fails on the former (Errc::unsupported).
  std::vector<std::string> warnings;
  std::string json;  // the whole file, for consumers that need more fields

  std::size_t num_labels() const noexcept { return id2label.size(); }

  // Errors: Errc::io, Errc::invalid_input naming the file and field, Errc::unsupported.
  static ModelConfig from_file(const std::filesystem::path& path);
  static ModelConfig from_json(std::string_view json, std::string_view label = "config.json");
};

class AutoConfig {
 public:
  // config.json of a folder, a file or a repo id (see hub/pretrained.h).
  static ModelConfig from_pretrained(std::string_view name_or_path, const PretrainedOptions& options = {});
};

// A row-major float tensor on the host.
struct FloatTensor {
  std::vector<std::size_t> shape;
  std::vector<float> values;

  std::size_t size() const noexcept { return values.size(); }
  // The last dimension's row at a flat outer index (e.g. row(b * seq + s) of [batch, seq, n]).
  std::span<const float> row(std::size_t outer) const;
};

// A right- or left-padded batch of token ids (rows of equal length).
struct ModelInput {
  std::size_t batch = 0;
  std::size_t seq_len = 0;
  std::vector<std::int32_t> input_ids;       // [batch * seq_len]
  std::vector<std::int32_t> attention_mask;  // [batch * seq_len]; 0 = padding
  std::vector<std::int32_t> token_type_ids;  // [batch * seq_len]; empty = all zeros

  // Pads `encodings` on the right to the longest with `pad_id` (attention mask 0, type id 0).
  static ModelInput from_encodings(std::span<const Encoding> encodings, std::uint32_t pad_id);
};

struct ModelOutput {
  // The head's output: [batch, seq, vocab] (masked_lm), [batch, num_labels]
  // (sequence_classification), [batch, seq, num_labels] (token_classification); empty for base.
  FloatTensor logits;
  FloatTensor hidden;  // last hidden state [batch, seq, hidden]
};

struct ModelOptions {
  PretrainedOptions pretrained;
  // "cpu" (default). "cuda" is refused with Errc::unsupported until the CUDA backend lands.
  std::string device = "cpu";
  // Worker threads for the CPU backend; 0 = all cores.
  int threads = 0;
  // Force a head instead of the one config.json's architectures name (e.g. base on a
  // classification checkpoint to extract features).
  std::optional<ModelHead> head;
};

class Model {
 public:
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  const ModelConfig& config() const noexcept;
  const std::string& architecture() const noexcept;  // e.g. "BertForMaskedLM"
  ModelHead head() const noexcept;
  // Runs the model. Throws Errc::invalid_input for ids outside the vocabulary, a sequence longer
  // than max_position_embeddings, or a malformed batch. One forward() at a time per Model
  // (activations live in the model's arena); calls from several threads are serialized.
  ModelOutput forward(const ModelInput& input) const;

  class Impl;

 private:
  friend class AutoModel;
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class AutoModel {
 public:
  // Reads config.json, picks the architecture (config.architectures[0], else the base model of
  // model_type), maps the safetensors weights (model.safetensors or the sharded index) and loads.
  // Errors: Errc::unsupported for an unknown architecture or pickle-only repos, Errc::invalid_input
  // for missing or mis-shaped weights (naming the tensor), the resolve errors.
  static Model from_pretrained(std::string_view name_or_path, const ModelOptions& options = {});
};

// A sentence-transformers model: modules.json (Transformer, Pooling, Normalize, in both the
// classic and the version-6 module names) over an encoder.
class SentenceTransformer {
 public:
  static SentenceTransformer from_pretrained(std::string_view name_or_path, const ModelOptions& options = {});
  SentenceTransformer(SentenceTransformer&&) noexcept;
  SentenceTransformer& operator=(SentenceTransformer&&) noexcept;
  ~SentenceTransformer();

  // One embedding per text, as SentenceTransformer.encode returns them.
  std::vector<std::vector<float>> encode(const std::vector<std::string>& texts, std::size_t batch_size = 32) const;
  std::size_t dimension() const noexcept;
  const Tokenizer& tokenizer() const noexcept;

  class Impl;

 private:
  explicit SentenceTransformer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub
