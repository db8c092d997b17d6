// ModelConfig: config.json as transformers reads it for the supported model families.
#include <charconv>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "hub/error.h"
#include "hub/model.h"

namespace hub {
namespace {

using Json = nlohmann::json;

// Fields every PretrainedConfig may carry that do not change inference on the CPU engine.
const std::set<std::string, std::less<>> kIgnoredFields = {"_name_or_path",
                                                           "architectures",
                                                           "model_type",
                                                           "transformers_version",
                                                           "dtype",
                                                           "torch_dtype",
                                                           "attention_probs_dropout_prob",
                                                           "hidden_dropout_prob",
                                                           "classifier_dropout",
                                                           "dropout",
                                                           "attention_dropout",
                                                           "qa_dropout",
                                                           "seq_classif_dropout",
                                                           "initializer_range",
                                                           "use_cache",
                                                           "bos_token_id",
                                                           "eos_token_id",
                                                           "sep_token_id",
                                                           "cls_token_id",
                                                           "decoder_start_token_id",
                                                           "tie_word_embeddings",
                                                           "id2label",
                                                           "label2id",
                                                           "num_labels",
                                                           "_num_labels",
                                                           "problem_type",
                                                           "output_hidden_states",
                                                           "output_attentions",
                                                           "return_dict",
                                                           "chunk_size_feed_forward",
                                                           "gradient_checkpointing",
                                                           "finetuning_task",
                                                           "tokenizer_class",
                                                           "prefix",
                                                           "task_specific_params",
                                                           "pruned_heads",
                                                           "torchscript",
                                                           "use_bfloat16",
                                                           "is_encoder_decoder",
                                                           "cross_attention_hidden_size",
                                                           "tie_encoder_decoder",
                                                           "add_cross_attention",
                                                           "is_decoder",
                                                           "max_length",
                                                           "min_length",
                                                           "do_sample",
                                                           "early_stopping",
                                                           "num_beams",
                                                           "temperature",
                                                           "top_k",
                                                           "top_p",
                                                           "repetition_penalty",
                                                           "length_penalty",
                                                           "no_repeat_ngram_size",
                                                           "bad_words_ids",
                                                           "num_return_sequences",
                                                           "output_scores",
                                                           "return_dict_in_generate",
                                                           "forced_bos_token_id",
                                                           "forced_eos_token_id",
                                                           "remove_invalid_values",
                                                           "diversity_penalty",
                                                           "num_beam_groups",
                                                           "typical_p",
                                                           "encoder_no_repeat_ngram_size",
                                                           "exponential_decay_length_penalty",
                                                           "suppress_tokens",
                                                           "begin_suppress_tokens",
                                                           "tf_legacy_loss",
                                                           "_attn_implementation_autoset",
                                                           "gradient_checkpointing",
                                                           "sinusoidal_pos_embds",
                                                           "tie_weights_",
                                                           "summary_type",
                                                           "summary_use_proj",
                                                           "summary_activation",
                                                           "summary_proj_to_labels",
                                                           "summary_first_dropout",
                                                           "classifier_activation",
                                                           "layerdrop",
                                                           "embedding_size",
                                                           "attn_pdrop",
                                                           "embd_pdrop",
                                                           "resid_pdrop",
                                                           "reorder_and_upcast_attn",
                                                           "scale_attn_by_inverse_layer_idx",
                                                           "scale_attn_weights",
                                                           "pretraining_tp",
                                                           "use_bidirectional_attention",
                                                           "n_ctx",
                                                           "bos_token_id",
                                                           "eos_token_id",
                                                           "dropout_rate",
                                                           "initializer_factor"};

std::string where(std::string_view label, std::string_view field) {
  return std::string(label) + ": field '" + std::string(field) + "'";
}

std::size_t get_size(const Json& j, std::string_view label, std::initializer_list<const char*> names,
                     std::optional<std::size_t> fallback = std::nullopt) {
  for (const char* name : names) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
      throw Error(Errc::invalid_input, where(label, name) + " must be a non-negative integer");
    }
    return it->get<std::size_t>();
  }
  if (fallback) return *fallback;
  throw Error(Errc::invalid_input, where(label, *names.begin()) + " is missing");
}

std::string get_string(const Json& j, std::string_view label, std::initializer_list<const char*> names,
                       std::string fallback) {
  for (const char* name : names) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_string()) throw Error(Errc::invalid_input, where(label, name) + " must be a string");
    return it->get<std::string>();
  }
  return fallback;
}

void read_labels(const Json& j, std::string_view label, ModelConfig& c) {
  std::map<std::size_t, std::string> by_id;
  if (auto it = j.find("id2label"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) throw Error(Errc::invalid_input, where(label, "id2label") + " must be an object");
    for (const auto& [key, value] : it->items()) {
      std::size_t id = 0;
      auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
      if (ec != std::errc() || ptr != key.data() + key.size() || !value.is_string()) {
        throw Error(Errc::invalid_input, where(label, "id2label") + ": entry '" + key + "' is not id -> name");
      }
      by_id[id] = value.get<std::string>();
    }
  }
  std::size_t count = by_id.empty() ? 0 : by_id.rbegin()->first + 1;
  // transformers: num_labels (or the older _num_labels) sizes id2label when it names no labels.
  if (auto n = j.find("num_labels"); by_id.empty() && n != j.end() && n->is_number_integer()) {
    count = n->get<std::size_t>();
  } else if (by_id.empty()) {
    count = 2;  // PretrainedConfig's default
  }
  if (count > 1u << 20) throw Error(Errc::invalid_input, where(label, "id2label") + ": too many labels");
  c.id2label.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto it = by_id.find(i);
    c.id2label[i] = it != by_id.end() ? it->second : "LABEL_" + std::to_string(i);
  }
}

bool is_decoder_family(std::string_view type) {
  return type == "gpt2" || type == "llama" || type == "mistral" || type == "qwen2" || type == "qwen3" ||
         type == "gemma" || type == "phi3";
}

double get_double(const Json& j, std::string_view label, const char* name, double fallback) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number()) throw Error(Errc::invalid_input, where(label, name) + " must be a number");
  return it->get<double>();
}

std::optional<double> get_optional_double(const Json& j, std::string_view label, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return get_double(j, label, name, 0);
}

std::vector<double> get_doubles(const Json& j, std::string_view label, const char* name) {
  std::vector<double> out;
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) throw Error(Errc::invalid_input, where(label, name) + " must be a list of numbers");
  for (const auto& v : *it) {
    if (!v.is_number()) throw Error(Errc::invalid_input, where(label, name) + " must be a list of numbers");
    out.push_back(v.get<double>());
  }
  return out;
}

// rope_parameters (transformers 5) or rope_theta + rope_scaling (transformers 4).
RopeParameters read_rope(const Json& j, std::string_view label) {
  RopeParameters r;
  r.theta = get_double(j, label, "rope_theta", r.theta);
  r.partial_rotary_factor = get_double(j, label, "partial_rotary_factor", 1.0);
  if (auto it = j.find("rotary_pct"); it != j.end() && it->is_number()) r.partial_rotary_factor = it->get<double>();
  const Json* scaling = nullptr;
  std::string field;
  for (const char* name : {"rope_parameters", "rope_scaling"}) {
    auto it = j.find(name);
    if (it != j.end() && !it->is_null()) {
      if (!it->is_object()) throw Error(Errc::invalid_input, where(label, name) + " must be an object");
      scaling = &*it;
      field = name;
      break;
    }
  }
  if (auto it = j.find("original_max_position_embeddings"); it != j.end() && it->is_number_unsigned()) {
    r.original_max_position_embeddings = it->get<std::size_t>();
  }
  if (scaling == nullptr) return r;
  const Json& s = *scaling;
  const std::string sub = std::string(label) + ": " + field;
  r.type = get_string(s, sub, {"rope_type", "type"}, "default");
  r.theta = get_double(s, sub, "rope_theta", r.theta);
  if (auto f = get_optional_double(s, sub, "factor")) {
    r.factor = *f;
    r.factor_explicit = true;
  }
  r.partial_rotary_factor = get_double(s, sub, "partial_rotary_factor", r.partial_rotary_factor);
  if (auto it = s.find("original_max_position_embeddings"); it != s.end() && it->is_number_unsigned()) {
    r.original_max_position_embeddings = it->get<std::size_t>();
  }
  r.low_freq_factor = get_double(s, sub, "low_freq_factor", r.low_freq_factor);
  r.high_freq_factor = get_double(s, sub, "high_freq_factor", r.high_freq_factor);
  r.beta_fast = get_double(s, sub, "beta_fast", r.beta_fast);
  r.beta_slow = get_double(s, sub, "beta_slow", r.beta_slow);
  if (auto it = s.find("truncate"); it != s.end() && it->is_boolean()) r.truncate = it->get<bool>();
  r.mscale = get_optional_double(s, sub, "mscale");
  r.mscale_all_dim = get_optional_double(s, sub, "mscale_all_dim");
  r.attention_factor = get_optional_double(s, sub, "attention_factor");
  r.short_factor = get_doubles(s, sub, "short_factor");
  r.long_factor = get_doubles(s, sub, "long_factor");
  if (r.type == "su") r.type = "longrope";  // the older name
  if (r.factor <= 0) throw Error(Errc::invalid_input, sub + ": factor must be positive");
  return r;
}

std::vector<std::int64_t> read_token_ids(const Json& j, std::string_view label, const char* name) {
  std::vector<std::int64_t> out;
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return out;
  if (it->is_number_integer()) return {it->get<std::int64_t>()};
  if (!it->is_array()) throw Error(Errc::invalid_input, where(label, name) + " must be an id or a list of ids");
  for (const auto& v : *it) {
    if (!v.is_number_integer()) throw Error(Errc::invalid_input, where(label, name) + " must hold integers");
    out.push_back(v.get<std::int64_t>());
  }
  return out;
}

}  // namespace

ModelConfig ModelConfig::from_json(std::string_view text, std::string_view label) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {
    throw Error(Errc::invalid_input, std::string(label) + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw Error(Errc::invalid_input, std::string(label) + ": expected a JSON object");
  ModelConfig c;
  c.json = std::string(text);
  c.model_type = get_string(j, label, {"model_type"}, "");
  if (auto it = j.find("architectures"); it != j.end() && it->is_array()) {
    for (const auto& a : *it) {
      if (!a.is_string()) throw Error(Errc::invalid_input, where(label, "architectures") + " must hold strings");
      c.architectures.push_back(a.get<std::string>());
    }
  }
  c.dtype = get_string(j, label, {"dtype", "torch_dtype"}, "");
  std::set<std::string, std::less<>> used;
  auto size = [&](std::initializer_list<const char*> names, std::optional<std::size_t> fallback = std::nullopt) {
    for (const char* n : names) used.insert(n);
    return get_size(j, label, names, fallback);
  };
  auto string = [&](std::initializer_list<const char*> names, std::string fallback) {
    for (const char* n : names) used.insert(n);
    return get_string(j, label, names, std::move(fallback));
  };
  const bool decoder = is_decoder_family(c.model_type);
  if (c.model_type == "t5") {
    c.is_encoder_decoder = true;
    c.hidden_size = size({"d_model", "hidden_size"});
    c.num_hidden_layers = size({"num_layers", "num_hidden_layers"});
    c.num_decoder_layers = size({"num_decoder_layers"}, c.num_hidden_layers);
    c.num_attention_heads = size({"num_heads", "num_attention_heads"});
    c.head_dim = size({"d_kv"});
    c.intermediate_size = size({"d_ff"});
    c.relative_attention_num_buckets = size({"relative_attention_num_buckets"}, 32);
    c.relative_attention_max_distance = size({"relative_attention_max_distance"}, 128);
    // feed_forward_proj: "relu", "gated-gelu" (run with gelu_new, as transformers does), "gated-silu", ...
    for (const char* n :
         {"feed_forward_proj", "dense_act_fn", "is_gated_act", "scale_decoder_outputs", "decoder_start_token_id"}) {
      used.insert(n);
    }
    std::string proj = get_string(j, label, {"feed_forward_proj"}, "relu");
    c.gated_ffn = proj.starts_with("gated-");
    c.hidden_act = c.gated_ffn ? proj.substr(6) : proj;
    if (c.hidden_act == "gelu" && c.gated_ffn) c.hidden_act = "gelu_new";
    c.hidden_act = get_string(j, label, {"dense_act_fn"}, c.hidden_act);
    c.num_key_value_heads = c.num_attention_heads;
    c.type_vocab_size = 0;
    if (auto ids = read_token_ids(j, label, "decoder_start_token_id"); !ids.empty())
      c.decoder_start_token_id = ids.front();
    if (!j.value("scale_decoder_outputs", true)) {
      throw Error(Errc::unsupported, where(label, "scale_decoder_outputs") + ": false is not supported");
    }
  } else if (c.model_type == "gpt2") {
    c.hidden_size = size({"n_embd", "hidden_size"});
    c.num_hidden_layers = size({"n_layer", "num_hidden_layers"});
    c.num_attention_heads = size({"n_head", "num_attention_heads"});
    c.intermediate_size = size({"n_inner", "intermediate_size"}, 4 * c.hidden_size);
    c.hidden_act = string({"activation_function", "hidden_act"}, "gelu_new");
    c.type_vocab_size = 0;
    if (j.value("scale_attn_by_inverse_layer_idx", false) || !j.value("scale_attn_weights", true)) {
      throw Error(Errc::unsupported, where(label, "scale_attn_by_inverse_layer_idx") +
                                         ": GPT-2 attention scaling other than 1/sqrt(head_dim) is not supported");
    }
  } else if (decoder) {
    c.hidden_size = size({"hidden_size"});
    c.num_hidden_layers = size({"num_hidden_layers"});
    c.num_attention_heads = size({"num_attention_heads"});
    c.intermediate_size = size({"intermediate_size"});
    c.hidden_act = string({"hidden_act", "hidden_activation"}, "silu");
    c.type_vocab_size = 0;
  } else if (c.model_type == "distilbert") {
    // DistilBERT keeps its own names (dim, n_layers, ...); transformers maps them through
    // attribute_map, so both spellings are accepted here.
    c.hidden_size = size({"dim", "hidden_size"});
    c.num_hidden_layers = size({"n_layers", "num_hidden_layers"});
    c.num_attention_heads = size({"n_heads", "num_attention_heads"});
    c.intermediate_size = size({"hidden_dim", "intermediate_size"});
    c.hidden_act = string({"activation", "hidden_act"}, "gelu");
    c.type_vocab_size = 0;
  } else {
    c.hidden_size = size({"hidden_size"});
    c.num_hidden_layers = size({"num_hidden_layers"});
    c.num_attention_heads = size({"num_attention_heads"});
    c.intermediate_size = size({"intermediate_size"}, 4 * c.hidden_size);
    c.hidden_act = string({"hidden_act"}, "gelu");
    c.type_vocab_size = size({"type_vocab_size"}, 2);
  }
  c.vocab_size = size({"vocab_size"});
  c.max_position_embeddings =
      size({"max_position_embeddings", "n_positions"}, decoder || c.is_encoder_decoder ? 2048 : 512);
  for (const char* name : {"layer_norm_eps", "rms_norm_eps", "layer_norm_epsilon"}) {
    used.insert(name);
    if (auto it = j.find(name); it != j.end() && !it->is_null()) {
      if (!it->is_number()) throw Error(Errc::invalid_input, where(label, name) + " must be a number");
      c.layer_norm_eps = it->get<double>();
    }
  }
  if (decoder) {
    c.num_key_value_heads = size({"num_key_value_heads"}, c.num_attention_heads);
    c.head_dim = size({"head_dim"}, c.num_attention_heads ? c.hidden_size / c.num_attention_heads : 0);
    for (const char* n : {"rope_parameters", "rope_scaling", "rope_theta", "partial_rotary_factor", "rotary_pct",
                          "original_max_position_embeddings"}) {
      used.insert(n);
    }
    if (c.model_type != "gpt2") c.rope = read_rope(j, label);
    // Sliding windows: Mistral's sliding_window; Qwen2/3 only with use_sliding_window.
    used.insert("sliding_window");
    used.insert("use_sliding_window");
    used.insert("max_window_layers");
    used.insert("layer_types");
    bool window_on = c.model_type == "mistral" || j.value("use_sliding_window", false);
    if (auto it = j.find("sliding_window"); window_on && it != j.end() && it->is_number_unsigned()) {
      c.sliding_window = it->get<std::size_t>();
    }
    if (c.sliding_window && (c.model_type == "qwen2" || c.model_type == "qwen3")) {
      throw Error(Errc::unsupported,
                  where(label, "use_sliding_window") + ": per-layer sliding windows are not supported");
    }
    if (c.num_key_value_heads == 0 || c.num_attention_heads % c.num_key_value_heads != 0) {
      throw Error(Errc::invalid_input, where(label, "num_key_value_heads") + ": " +
                                           std::to_string(c.num_attention_heads) + " heads do not split into " +
                                           std::to_string(c.num_key_value_heads) + " key/value groups");
    }
    if (c.head_dim == 0) throw Error(Errc::invalid_input, where(label, "head_dim") + " must be positive");
  }
  for (const char* n : {"attention_bias", "mlp_bias", "tie_word_embeddings"}) used.insert(n);
  if (auto it = j.find("attention_bias"); it != j.end() && it->is_boolean()) c.attention_bias = it->get<bool>();
  if (auto it = j.find("mlp_bias"); it != j.end() && it->is_boolean()) c.mlp_bias = it->get<bool>();
  if (auto it = j.find("tie_word_embeddings"); it != j.end() && it->is_boolean())
    c.tie_word_embeddings = it->get<bool>();
  if (c.is_encoder_decoder && !c.tie_word_embeddings) c.tie_word_embeddings = true;  // T5's default
  if (auto ids = read_token_ids(j, label, "bos_token_id"); !ids.empty()) c.bos_token_id = ids.front();
  c.eos_token_ids = read_token_ids(j, label, "eos_token_id");
  used.insert("pad_token_id");
  if (auto it = j.find("pad_token_id"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer())
      throw Error(Errc::invalid_input, where(label, "pad_token_id") + " must be an integer");
    c.pad_token_id = it->get<std::int64_t>();
  }
  c.position_embedding_type = string({"position_embedding_type"}, "absolute");
  read_labels(j, label, c);
  c.problem_type = get_string(j, label, {"problem_type"}, "");

  if (c.hidden_size == 0 || c.num_attention_heads == 0 ||
      (c.head_dim == 0 && c.hidden_size % c.num_attention_heads != 0)) {
    throw Error(Errc::invalid_input, where(label, "num_attention_heads") + ": " + std::to_string(c.hidden_size) +
                                         " hidden units do not split into " + std::to_string(c.num_attention_heads) +
                                         " heads");
  }
  for (const auto& [key, value] : j.items()) {
    if (!used.contains(key) && !kIgnoredFields.contains(key)) {
      c.warnings.push_back(where(label, key) + " is not used by libhub");
    }
  }
  return c;
}

ModelConfig ModelConfig::from_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Errc::io, "cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return from_json(text.str(), path.string());
}

ModelConfig AutoConfig::from_pretrained(std::string_view name_or_path, const PretrainedOptions& options) {
  auto resolved = resolve_pretrained(name_or_path, options);
  auto path = resolved.file ? *resolved.file : resolved.folder / "config.json";
  if (!std::filesystem::exists(path)) {
    throw Error(Errc::entry_not_found, std::string(name_or_path) + ": no config.json");
  }
  return ModelConfig::from_file(path);
}

}  // namespace hub
