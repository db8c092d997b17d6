// hub/pipeline.h: transformers-style task pipelines and their results.
//
// The result types below hold what transformers' `pipeline(task)(...)` returns, field for field,
// and PipelineResult::to_json() writes it the way Python's json.dumps writes the pipeline's
// return value (same nesting for one text or a list of texts, same key order, scores as the
// float32 values transformers computed).
//
// Tasks: "text-classification" (alias "sentiment-analysis"), "token-classification" (alias "ner"),
// "fill-mask", "feature-extraction", "sentence-similarity" / "embeddings" (sentence-transformers'
// SentenceTransformer.encode), "text-generation" (decoder-only LMs) and "text2text-generation"
// (encoder-decoder LMs such as T5).
//
//   auto clf = hub::pipeline("sentiment-analysis", "org/name");
//   auto out = clf("I love this package delivery!");
//   out.texts[0].labels[0].label;   // "POSITIVE"
//   out.to_json();                  // [{"label": "POSITIVE", "score": 0.99...}]
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/model.h"

namespace hub {

enum class Task {
  text_classification,   // "text-classification", "sentiment-analysis"
  token_classification,  // "token-classification", "ner"
  fill_mask,             // "fill-mask"
  feature_extraction,    // "feature-extraction"
  sentence_embeddings,   // "sentence-similarity", "embeddings"
  text_generation,       // "text-generation"
  text2text_generation,  // "text2text-generation"
};
// The canonical task name ("text-classification", ...; "embeddings" for sentence_embeddings).
std::string_view to_string(Task task) noexcept;
// A task name or alias; throws hub::Error(Errc::invalid_input) listing the known names.
Task parse_task(std::string_view name);

// How token-classification merges tokens into entities (transformers' AggregationStrategy).
enum class AggregationStrategy {
  none,     // one entity per token ("entity" + "index")
  simple,   // adjacent tokens with the same B-/I- tag are grouped ("entity_group")
  first,    // words take the label of their first token, then grouped
  average,  // words take the label of their averaged token scores, then grouped
  max,      // words take the label of their highest-scoring token, then grouped
};
std::string_view to_string(AggregationStrategy strategy) noexcept;
// "none", "simple", "first", "average" or "max" (case-insensitive, as transformers accepts);
// throws hub::Error(Errc::invalid_input) otherwise.
AggregationStrategy parse_aggregation_strategy(std::string_view name);

// What text-classification applies to the logits (transformers' ClassificationFunction).
enum class ClassificationFunction { sigmoid, softmax, none };
std::string_view to_string(ClassificationFunction function) noexcept;
// "sigmoid", "softmax" or "none" (case-insensitive); throws hub::Error(Errc::invalid_input).
ClassificationFunction parse_classification_function(std::string_view name);

// PipelineOptions::top_k value that means transformers' `top_k=None`: every label.
inline constexpr int top_k_all = -1;

// One label of text-classification.
struct ClassLabel {
  std::string label;
  float score = 0;
};

// One candidate for a mask token of fill-mask.
struct FillMaskCandidate {
  float score = 0;          // softmax probability over the vocabulary
  std::uint32_t token = 0;  // the candidate's id
  std::string token_str;    // tokenizer.decode([token])
  std::string sequence;     // the input decoded with the mask replaced by the candidate
};

// One entity of token-classification.
struct Entity {
  // The label ("B-PER") for AggregationStrategy::none, written as "entity"; else the tag without
  // its B-/I- prefix ("PER"), written as "entity_group".
  std::string entity;
  float score = 0;
  std::optional<std::size_t> index;  // the token's position in the encoding; strategy none only
  std::string word;                  // the token (none) or the tokens merged by the decoder
  std::size_t start = 0;             // [start, end) in code points of the input text
  std::size_t end = 0;
};

// How long one text's generation took (text-generation, text2text-generation).
struct GenerationStats {
  std::size_t prompt_tokens = 0;  // the encoded prompt
  std::size_t new_tokens = 0;     // tokens generated (eos included)
  double prefill_seconds = 0;     // start of the batch to its first new token
  double decode_seconds = 0;      // first new token of the batch to this text's last
};

// What the pipeline computed for one text. Only the member of the pipeline's task is filled.
struct TextResult {
  // text-classification: the top label, or with top_k given the top_k labels by score.
  std::vector<ClassLabel> labels;
  // fill-mask: one list of candidates (best first) per mask token, in text order.
  std::vector<std::vector<FillMaskCandidate>> masks;
  // token-classification: entities in text order ("O" and other ignored labels left out).
  std::vector<Entity> entities;
  // feature-extraction: the last hidden state, shape [1, tokens, hidden].
  FloatTensor features;
  // sentence embeddings: SentenceTransformer.encode's vector.
  std::vector<float> embedding;
  // text-generation: the prompt followed by the decoded new tokens (only the new text with
  // return_full_text false); text2text-generation: the decoded new tokens.
  std::string generated_text;
  std::vector<std::int32_t> generated_ids;  // the new tokens (eos included)
  GenerationStats generation;
};

// The result of a pipeline call.
struct PipelineResult {
  Task task = Task::text_classification;
  // True when the call took a list of texts: transformers then returns a list with one entry per
  // text (except fill-mask with a one-text list, which returns that text's entry). Each entry is
  // what the text alone gives, except text2text-generation's: {generated_text}, not
  // [{generated_text}].
  bool batched = false;
  // text-classification only: whether top_k was given. Without it transformers returns one
  // {label, score} per text (wrapped in a list for a single text); with it, a list per text.
  bool top_k_given = false;
  std::vector<TextResult> texts;  // one per input text, in input order

  // What transformers' pipeline returned for the call, as json.dumps(result) writes it.
  std::string to_json() const;
  // What transformers' pipeline returns for text `i` passed alone (as one string).
  // Throws hub::Error(Errc::invalid_input) when i is out of range.
  std::string to_json(std::size_t i) const;
};

// Options of hub::pipeline(); each applies to the tasks named, and giving one to another task
// is refused (Errc::invalid_input), as transformers refuses unknown keyword arguments.
struct PipelineOptions {
  // text-classification: nullopt = the best label only (transformers' default output), a count,
  // or top_k_all (top_k=None) = every label sorted by score. fill-mask: candidates per mask
  // (default 5); top_k_all is refused.
  std::optional<int> top_k;
  // token-classification (default none).
  std::optional<AggregationStrategy> aggregation_strategy;
  // text-classification (default: from config.json's problem_type and number of labels).
  std::optional<ClassificationFunction> function_to_apply;
  // Texts per forward pass (right-padded together; left-padded for text-generation); at least 1.
  std::size_t batch_size = 8;

  // text-generation, text2text-generation: decoding options; unset ones take the repo's
  // generation_config.json (then config.json) values, as transformers' generate() does.
  GenerationOptions generation;
  // text-generation: stop a text once its new text contains one of these strings (kept in the
  // output, as transformers' stop_strings).
  std::vector<std::string> stop_strings;
  // text-generation: false returns only the new text (transformers' return_full_text).
  bool return_full_text = true;
  // text-generation, text2text-generation: called with each text's new text as it is decoded
  // (`text` indexes the call's inputs), never splitting a UTF-8 character. For a decoder-only model
  // the pieces continue the prompt as the tokenizer decodes prompt + new tokens together, so a
  // terminal showing the prompt then the pieces reads naturally.
  std::function<void(std::size_t text, std::string_view piece)> on_text;
  // How the model (and its tokenizer) are found and run.
  ModelOptions model;
};

// A loaded task pipeline: tokenizer, model and post-processing. Move-only. One call at a time
// runs the model (see Model::forward); calls from several threads are serialized.
class Pipeline {
 public:
  Pipeline(Pipeline&&) noexcept;
  Pipeline& operator=(Pipeline&&) noexcept;
  ~Pipeline();

  Task task() const noexcept;
  // The longest token sequence fed to the model: min(tokenizer model_max_length, the model's
  // position limit). Longer texts are truncated to it (special tokens included), except by the
  // generation tasks, which refuse a prompt the model cannot take (max_position_embeddings here; 0
  // when the model has no such limit, as T5).
  std::size_t max_length() const noexcept;

  // Runs the pipeline on one text, as transformers' pipeline(text).
  PipelineResult operator()(std::string_view text) const;
  // Runs it on several texts (batch_size at a time), as transformers' pipeline([texts...]).
  PipelineResult operator()(const std::vector<std::string>& texts) const;

  class Impl;

 private:
  friend Pipeline pipeline(std::string_view task, std::string_view model, const PipelineOptions& options);
  explicit Pipeline(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Loads `model` (a repo id, "org/name@rev" or a folder; see hub/pretrained.h) for `task` (a task
// name or alias, see hub::parse_task):
//
//   auto clf = hub::pipeline("sentiment-analysis", "org/name");
//   auto out = clf("I love this package delivery!");   // out.to_json(), out.texts[0].labels
//
// Errors: Errc::invalid_input for an unknown task or an option the task does not take,
// Errc::unsupported when the model's head does not do the task (e.g. fill-mask on a
// sequence classifier), and the AutoTokenizer / AutoModel / SentenceTransformer load errors.
Pipeline pipeline(std::string_view task, std::string_view model, const PipelineOptions& options = {});

}  // namespace hub
