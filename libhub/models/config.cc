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
const std::set<std::string, std::less<>> kIgnoredFields = {
    "_name_or_path", "architectures", "model_type", "transformers_version", "dtype", "torch_dtype",
    "attention_probs_dropout_prob", "hidden_dropout_prob", "classifier_dropout", "dropout", "attention_dropout",
    "qa_dropout", "seq_classif_dropout", "initializer_range", "use_cache", "bos_token_id", "eos_token_id",
    "sep_token_id", "cls_token_id", "decoder_start_token_id", "tie_word_embeddings", "id2label", "label2id",
    "num_labels", "_num_labels", "problem_type", "output_hidden_states", "output_attentions", "return_dict",
    "chunk_size_feed_forward", "gradient_checkpointing", "finetuning_task", "tokenizer_class", "prefix",
    "task_specific_params", "pruned_heads", "torchscript", "use_bfloat16", "is_encoder_decoder", "cross_attention_hidden_size",
    "tie_encoder_decoder", "add_cross_attention", "is_decoder", "max_length", "min_length", "do_sample",
    "early_stopping", "num_beams", "temperature", "top_k", "top_p", "repetition_penalty", "length_penalty",
    "no_repeat_ngram_size", "bad_words_ids", "num_return_sequences", "output_scores", "return_dict_in_generate",
    "forced_bos_token_id", "forced_eos_token_id", "remove_invalid_values", "diversity_penalty",
    "num_beam_groups", "typical_p", "encoder_no_repeat_ngram_size", "exponential_decay_length_penalty",
    "suppress_tokens", "begin_suppress_tokens", "tf_legacy_loss", "_attn_implementation_autoset",
    "gradient_checkpointing", "sinusoidal_pos_embds", "tie_weights_", "summary_type", "summary_use_proj",
    "summary_activation", "summary_proj_to_labels", "summary_first_dropout", "classifier_activation",
    "layerdrop", "embedding_size"};

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
  if (c.model_type == "distilbert") {
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
  c.max_position_embeddings = size({"max_position_embeddings"}, 512);
  used.insert("layer_norm_eps");
  if (auto it = j.find("layer_norm_eps"); it != j.end() && !it->is_null()) {
    if (!it->is_number()) throw Error(Errc::invalid_input, where(label, "layer_norm_eps") + " must be a number");
    c.layer_norm_eps = it->get<double>();
  }
  used.insert("pad_token_id");
  if (auto it = j.find("pad_token_id"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer()) throw Error(Errc::invalid_input, where(label, "pad_token_id") + " must be an integer");
    c.pad_token_id = it->get<std::int64_t>();
  }
  c.position_embedding_type = string({"position_embedding_type"}, "absolute");
  read_labels(j, label, c);
  c.problem_type = get_string(j, label, {"problem_type"}, "");

  if (c.hidden_size == 0 || c.num_attention_heads == 0 || c.hidden_size % c.num_attention_heads != 0) {
    throw Error(Errc::invalid_input, where(label, "num_attention_heads") + ": " + std::to_string(c.hidden_size) +
                                         " hidden units do not split into " +
                                         std::to_string(c.num_attention_heads) + " heads");
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
