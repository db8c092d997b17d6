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
#include <functional>
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
  causal_lm,                // *ForCausalLM / GPT2LMHeadModel: next-token logits per token
  seq2seq_lm,               // T5ForConditionalGeneration: decoder logits over the encoded input
};
std::string_view to_string(ModelHead head) noexcept;

// Rotary embedding parameters: transformers 5's `rope_parameters`, or the older top-level
// `rope_theta` + `rope_scaling`.
struct RopeParameters {
  std::string type = "default";  // default, linear, dynamic, llama3, yarn, longrope
  double theta = 10000.0;
  double factor = 1.0;
  bool factor_explicit = false;
  double partial_rotary_factor = 1.0;
  std::size_t original_max_position_embeddings = 0;      // 0: max_position_embeddings
  double low_freq_factor = 1.0, high_freq_factor = 4.0;  // llama3
  double beta_fast = 32.0, beta_slow = 1.0;              // yarn
  bool truncate = true;                                  // yarn
  std::optional<double> mscale, mscale_all_dim, attention_factor;
  std::vector<double> short_factor, long_factor;  // longrope
};

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
  // Decoder fields (GPT-2 names are mapped: n_embd, n_layer, n_head, n_inner, n_positions,
  // activation_function, layer_norm_epsilon). layer_norm_eps holds rms_norm_eps for RMSNorm models.
  std::size_t num_key_value_heads = 0;  // 0 for encoders
  std::size_t head_dim = 0;             // hidden_size / num_attention_heads unless given
  RopeParameters rope;
  std::size_t sliding_window = 0;  // 0: none
  std::optional<bool> tie_word_embeddings;
  bool attention_bias = false;
  bool mlp_bias = false;
  std::optional<std::int64_t> bos_token_id;
  std::vector<std::int64_t> eos_token_ids;
  // Encoder-decoder (T5) fields: d_model, num_layers, d_ff, d_kv, num_heads are mapped onto the
  // fields above; num_hidden_layers counts encoder layers.
  bool is_encoder_decoder = false;
  std::size_t num_decoder_layers = 0;
  std::size_t relative_attention_num_buckets = 32;
  std::size_t relative_attention_max_distance = 128;
  std::optional<std::int64_t> decoder_start_token_id;
  bool gated_ffn = false;  // feed_forward_proj gated-*
  std::string dtype;       // "float32", "bfloat16", ... as stored; informational
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

  enum class Padding { right, left };
  // Pads `encodings` to the longest with `pad_id` (attention mask 0, type id 0): on the right for
  // forward(), on the left for decoder-only generate() (as transformers pads for generation).
  static ModelInput from_encodings(std::span<const Encoding> encodings, std::uint32_t pad_id,
                                   Padding side = Padding::right);
};

struct ModelOutput {
  // The head's output: [batch, seq, vocab] (masked_lm, causal_lm), [batch, 1, vocab] (seq2seq_lm:
  // the first decoder step from decoder_start_token_id), [batch, num_labels]
  // (sequence_classification), [batch, seq, num_labels] (token_classification); empty for base.
  FloatTensor logits;
  FloatTensor hidden;  // last hidden state [batch, seq, hidden] (the encoder's for seq2seq models)
};

struct ModelOptions {
  PretrainedOptions pretrained;
  // "cpu" (default). "cuda" is refused with Errc::unsupported until the CUDA backend lands.
  std::string device = "cpu";
  // Keep BF16 matrices in BF16 (borrowed from the mapped file; GEMM kernels widen them on the
  // fly): half the memory and half the bytes read per decoded token. false converts every
  // weight to f32 at load.
  bool keep_bf16_weights = true;
  // Worker threads for the CPU backend; 0 = all cores.
  int threads = 0;
  // CPU encoders: run a batch of at least `threads` sequences as one sub-batch per thread, each
  // on one core, instead of splitting every op across the threads (same results, higher
  // throughput for large batches). false keeps every batch whole.
  bool split_batches = true;
  // A LoRA adapter (PEFT folder or repo id: adapter_config.json + adapter_model.safetensors),
  // merged into the base weights at load.
  std::optional<std::string> adapter;
  // Apply the adapter on the fly (y += scale·(x·Aᵀ)·Bᵀ per targeted linear layer) instead of
  // merging it: the base weights stay as stored (BF16 mapped from the file, shared with other
  // loads), at the cost of two thin GEMMs per targeted layer.
  bool adapter_on_the_fly = false;
  // Force a head instead of the one config.json's architectures name (e.g. base on a classification
  // checkpoint to extract features).
  std::optional<ModelHead> head;
};

// Decoding settings, with transformers' names and defaults. Unset fields take the repo's
// generation_config.json values (then config.json's), as transformers' generate() does.
struct GenerationOptions {
  std::optional<std::size_t> max_new_tokens;  // default 20
  std::optional<bool> do_sample;              // default false (greedy)
  std::optional<float> temperature;           // default 1
  std::optional<std::size_t> top_k;           // default 50; 0 disables
  std::optional<float> top_p;                 // default 1 (off)
  std::optional<float> min_p;                 // default off
  std::optional<float> repetition_penalty;    // default 1 (off)
  std::optional<std::uint64_t> seed;          // sampling seed; default: random
  std::vector<std::int64_t> eos_token_ids;    // empty: generation_config / config
  std::optional<std::int64_t> pad_token_id;
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

  // Decoder models: generates after each prompt row of a left-padded batch (attention_mask 0 on the
  // left), with a KV cache allocated once for prompt + max_new_tokens. Returns the new tokens of
  // each row, up to and including its first eos. `on_token(row, id)` is called for every new token
  // as it is chosen; returning false ends that row (as its eos would: no more tokens for it, the
  // other rows go on). Throws Errc::unsupported for encoder models.
  std::vector<std::vector<std::int32_t>> generate(
      const ModelInput& prompts, const GenerationOptions& options = {},
      const std::function<bool(std::size_t row, std::int32_t token)>& on_token = {}) const;
  // The repo's generation_config.json merged over config.json (what unset options take).
  const GenerationOptions& generation_defaults() const noexcept;

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
