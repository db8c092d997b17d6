// Architectures as data: each supported family is a weight-name map plus a few flags, read by
// the one parametrized encoder (encoder.cc) and head (head.cc). Adding a BERT-like family is a
// new table entry, not a new class.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/model.h"

namespace hub::models {

// How position ids are numbered.
enum class Positions {
  absolute,       // 0, 1, 2, ... (BERT, DistilBERT)
  after_padding,  // RoBERTa: padding_idx + 1 + index among non-padding tokens; padding gets padding_idx
};

// Weight names of the encoder body, relative to its prefix ("bert.", ""...); "{}" stands for the
// layer index. Every norm name is a prefix completed by ".weight"/".bias" (or the older
// ".gamma"/".beta").
struct EncoderLayout {
  std::vector<std::string> prefixes;  // tried in order; the first that holds the word embeddings wins
  std::string word_embeddings;
  std::string position_embeddings;
  std::string token_type_embeddings;  // empty: none
  std::string embeddings_norm;
  std::string layer;  // "encoder.layer.{}."
  std::string query, key, value, attention_output, attention_norm, ffn_in, ffn_out, ffn_norm;
  std::string pooler;  // dense of the pooler (tanh over the first token); empty: none
  Positions positions = Positions::absolute;
};

// A task head over the final hidden states: optional dense + activation (+ layer norm), then the
// output projection. Sequence heads read the first token only.
struct HeadLayout {
  ModelHead head = ModelHead::base;
  bool uses_pooler = false;      // BERT sequence classification: the body's pooler output feeds `out`
  std::string dense;             // empty: none
  std::string dense_activation;  // "config" = the model's hidden_act; else an activation name
  std::string norm;              // empty: none
  std::string out;               // linear name (".weight" / ".bias")
  std::string tied_out;          // used when `out`.weight is absent (tied word embeddings); empty: none
  std::string out_bias;          // a bias stored apart from the projection (MLM); empty: none
};

struct Architecture {
  std::string name;  // e.g. "BertForMaskedLM"
  const EncoderLayout* encoder = nullptr;
  HeadLayout head;
};

// The architecture for config.json: its architectures[0], else the base model of model_type;
// `forced` overrides the head. Throws Errc::unsupported naming what is not supported.
Architecture select_architecture(const ModelConfig& config, std::optional<ModelHead> forced);

}  // namespace hub::models
