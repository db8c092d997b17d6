#include "models/architecture.h"

#include <map>

#include "hub/error.h"
#include "models/decoder_layout.h"

namespace hub::models {
namespace {

const EncoderLayout kBert{
    .prefixes = {"bert.", "", "model."},
    .word_embeddings = "embeddings.word_embeddings.weight",
    .position_embeddings = "embeddings.position_embeddings.weight",
    .token_type_embeddings = "embeddings.token_type_embeddings.weight",
    .embeddings_norm = "embeddings.LayerNorm",
    .layer = "encoder.layer.{}.",
    .query = "attention.self.query",
    .key = "attention.self.key",
    .value = "attention.self.value",
    .attention_output = "attention.output.dense",
    .attention_norm = "attention.output.LayerNorm",
    .ffn_in = "intermediate.dense",
    .ffn_out = "output.dense",
    .ffn_norm = "output.LayerNorm",
    .pooler = "pooler.dense",
    .positions = Positions::absolute,
};

EncoderLayout roberta_layout() {
  EncoderLayout l = kBert;
  l.prefixes = {"roberta.", "", "model."};
  l.positions = Positions::after_padding;
  return l;
}
const EncoderLayout kRoberta = roberta_layout();
EncoderLayout xlmr_layout() {
  EncoderLayout l = roberta_layout();
  l.prefixes = {"roberta.", "xlm_roberta.", "", "model."};
  return l;
}
const EncoderLayout kXlmRoberta = xlmr_layout();

const EncoderLayout kDistilBert{
    .prefixes = {"distilbert.", "", "model."},
    .word_embeddings = "embeddings.word_embeddings.weight",
    .position_embeddings = "embeddings.position_embeddings.weight",
    .token_type_embeddings = "",
    .embeddings_norm = "embeddings.LayerNorm",
    .layer = "transformer.layer.{}.",
    .query = "attention.q_lin",
    .key = "attention.k_lin",
    .value = "attention.v_lin",
    .attention_output = "attention.out_lin",
    .attention_norm = "sa_layer_norm",
    .ffn_in = "ffn.lin1",
    .ffn_out = "ffn.lin2",
    .ffn_norm = "output_layer_norm",
    .pooler = "",
    .positions = Positions::absolute,
};

struct Family {
  const EncoderLayout* encoder;
  std::string class_prefix;  // "Bert", "Roberta", ...
  HeadLayout masked_lm;
  HeadLayout sequence_classification;
  HeadLayout token_classification;
};

HeadLayout token_head() { return {.head = ModelHead::token_classification, .out = "classifier"}; }

const std::map<std::string, Family, std::less<>>& families() {
  static const std::map<std::string, Family, std::less<>> table = [] {
    std::map<std::string, Family, std::less<>> t;
    Family bert{
        .encoder = &kBert,
        .class_prefix = "Bert",
        .masked_lm = {.head = ModelHead::masked_lm,
                      .dense = "cls.predictions.transform.dense",
                      .dense_activation = "config",
                      .norm = "cls.predictions.transform.LayerNorm",
                      .out = "cls.predictions.decoder",
                      .tied_out = "word_embeddings",
                      .out_bias = "cls.predictions.bias"},
        .sequence_classification = {.head = ModelHead::sequence_classification,
                                    .uses_pooler = true,
                                    .out = "classifier"},
        .token_classification = token_head(),
    };
    Family roberta{
        .encoder = &kRoberta,
        .class_prefix = "Roberta",
        .masked_lm = {.head = ModelHead::masked_lm,
                      .dense = "lm_head.dense",
                      .dense_activation = "gelu",
                      .norm = "lm_head.layer_norm",
                      .out = "lm_head.decoder",
                      .tied_out = "word_embeddings",
                      .out_bias = "lm_head.bias"},
        .sequence_classification = {.head = ModelHead::sequence_classification,
                                    .dense = "classifier.dense",
                                    .dense_activation = "tanh",
                                    .out = "classifier.out_proj"},
        .token_classification = token_head(),
    };
    Family distilbert{
        .encoder = &kDistilBert,
        .class_prefix = "DistilBert",
        .masked_lm = {.head = ModelHead::masked_lm,
                      .dense = "vocab_transform",
                      .dense_activation = "config",
                      .norm = "vocab_layer_norm",
                      .out = "vocab_projector",
                      .tied_out = "word_embeddings"},
        .sequence_classification = {.head = ModelHead::sequence_classification,
                                    .dense = "pre_classifier",
                                    .dense_activation = "relu",
                                    .out = "classifier"},
        .token_classification = token_head(),
    };
    t.emplace("bert", bert);
    t.emplace("roberta", roberta);
    Family camembert = roberta;
    camembert.class_prefix = "Camembert";
    t.emplace("camembert", camembert);
    Family xlmr = roberta;
    xlmr.encoder = &kXlmRoberta;
    xlmr.class_prefix = "XLMRoberta";
    t.emplace("xlm-roberta", xlmr);
    t.emplace("distilbert", distilbert);
    return t;
  }();
  return table;
}

std::string supported_list() {
  std::string out;
  for (const auto& [type, family] : families()) {
    if (!out.empty()) out += ", ";
    out += type;
  }
  return out;
}

}  // namespace

Architecture select_architecture(const ModelConfig& config, std::optional<ModelHead> forced) {
  if (config.is_encoder_decoder) {
    Architecture arch;
    arch.name = config.architectures.empty() ? "T5ForConditionalGeneration" : config.architectures.front();
    if (arch.name != "T5ForConditionalGeneration" && !forced) {
      throw Error(Errc::unsupported,
                  "config.json: architecture '" + arch.name + "' is not supported for t5 (T5ForConditionalGeneration)");
    }
    if (forced && *forced != ModelHead::seq2seq_lm) {
      throw Error(Errc::unsupported, "only the seq2seq LM head is supported for t5");
    }
    arch.head.head = ModelHead::seq2seq_lm;
    return arch;
  }
  if (find_decoder_layout(config) != nullptr) {
    // Decoder-only: the LM head, or the bare model (hidden states) for *Model architectures.
    Architecture arch;
    arch.name = config.architectures.empty() ? config.model_type : config.architectures.front();
    const bool base = arch.name.ends_with("Model") && !arch.name.ends_with("LMHeadModel");
    if (!base && !arch.name.ends_with("ForCausalLM") && arch.name != "GPT2LMHeadModel" && !forced) {
      throw Error(Errc::unsupported, "config.json: architecture '" + arch.name + "' is not supported for " +
                                         config.model_type + " (ForCausalLM or the base model)");
    }
    ModelHead head = forced ? *forced : base ? ModelHead::base : ModelHead::causal_lm;
    if (head != ModelHead::base && head != ModelHead::causal_lm) {  // NOLINT
      throw Error(Errc::unsupported, std::string("a ") + std::string(to_string(head)) + " head on " +
                                         config.model_type + " is not supported");
    }
    arch.head.head = head;
    return arch;
  }
  auto it = families().find(config.model_type);
  if (it == families().end()) {
    throw Error(Errc::unsupported, "config.json: model_type '" + config.model_type +
                                       "' is not supported yet (supported: " + supported_list() +
                                       ", gpt2, llama, mistral, qwen2, qwen3, gemma, phi3)");
  }
  if (config.position_embedding_type != "absolute") {
    throw Error(Errc::unsupported, "config.json: position_embedding_type '" + config.position_embedding_type +
                                       "' is not supported (only 'absolute')");
  }
  const Family& family = it->second;
  Architecture arch;
  arch.encoder = family.encoder;
  std::string name = config.architectures.empty() ? family.class_prefix + "Model" : config.architectures.front();
  ModelHead head = ModelHead::base;
  if (name == family.class_prefix + "Model") {
    head = ModelHead::base;
  } else if (name == family.class_prefix + "ForMaskedLM") {
    head = ModelHead::masked_lm;
  } else if (name == family.class_prefix + "ForSequenceClassification") {
    head = ModelHead::sequence_classification;
  } else if (name == family.class_prefix + "ForTokenClassification") {
    head = ModelHead::token_classification;
  } else if (!forced) {
    throw Error(Errc::unsupported, "config.json: architecture '" + name + "' is not supported (for " +
                                       config.model_type + ": " + family.class_prefix + "Model, ForMaskedLM, " +
                                       "ForSequenceClassification, ForTokenClassification)");
  }
  if (forced) head = *forced;
  switch (head) {
    case ModelHead::base: arch.head = {}; break;
    case ModelHead::masked_lm: arch.head = family.masked_lm; break;
    case ModelHead::sequence_classification: arch.head = family.sequence_classification; break;
    case ModelHead::token_classification: arch.head = family.token_classification; break;
    case ModelHead::causal_lm:
    case ModelHead::seq2seq_lm:
      throw Error(Errc::unsupported, "a causal LM head on " + config.model_type + " is not supported");
  }
  arch.head.head = head;
  arch.name = forced ? family.class_prefix + (head == ModelHead::base ? "Model" : "") : name;
  if (forced) {
    switch (head) {
      case ModelHead::base: break;
      case ModelHead::masked_lm: arch.name += "ForMaskedLM"; break;
      case ModelHead::sequence_classification: arch.name += "ForSequenceClassification"; break;
      case ModelHead::token_classification: arch.name += "ForTokenClassification"; break;
      case ModelHead::causal_lm:
      case ModelHead::seq2seq_lm: break;
    }
  }
  return arch;
}

}  // namespace hub::models
