// Post-processing of the pipelines (internal): model outputs + encodings -> results, each function
// reproducing the `postprocess` of the transformers 5 pipeline named in its comment. They take
// plain inputs (logit rows, a hub::Encoding, the text, labels, decode callbacks) so the tests can
// feed them the golden logits of the reference stack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hub/pipeline.h"
#include "hub/tokenizer.h"

namespace hub::pipelines {

// ---- text-classification (TextClassificationPipeline.postprocess) ----

// The function transformers applies when none is given: none for problem_type "regression",
// sigmoid for "multi_label_classification" or a single label, softmax otherwise.
ClassificationFunction default_classification_function(std::string_view problem_type, std::size_t num_labels);
// `function` applied to one row of logits, in float32 as numpy computes it.
std::vector<float> apply_function(std::span<const float> logits, ClassificationFunction function);
// Labels for one sequence's logits. top_k: nullopt = not given (the one best label: the first
// maximum), top_k_all = every label, k >= 0 = the k best; given, labels are sorted by score
// descending (stable: equal scores keep label order). Throws invalid_input when the logits and
// labels differ in size or top_k is negative (other than top_k_all).
std::vector<ClassLabel> classify(std::span<const float> logits, const std::vector<std::string>& id2label,
                                 ClassificationFunction function, std::optional<int> top_k);

// ---- fill-mask (FillMaskPipeline.postprocess) ----

// tokenizer.decode(ids, skip_special_tokens) with the tokenizer's own clean-up setting.
using DecodeFn = std::function<std::string(const std::vector<std::uint32_t>& ids, bool skip_special_tokens)>;

// One candidate: `ids` with position `position` replaced by `token`, pad ids removed, decoded
// skipping special tokens only when the input has a single mask (else the other masks would
// vanish); token_str = decode([token]).
FillMaskCandidate fill_mask_candidate(const std::vector<std::uint32_t>& ids, std::size_t position, std::uint32_t token,
                                      float score, std::optional<std::uint32_t> pad_id, bool single_mask,
                                      const DecodeFn& decode);
// Candidates for every mask of one sequence: `logits` holds at least ids.size() rows of
// `vocab` values; each mask's row goes through a float32 softmax and its top_k (capped at the
// vocabulary) best ids become candidates, best first. Throws invalid_input when the ids hold no
// mask token (transformers: "No mask_token (...) found on the input").
std::vector<std::vector<FillMaskCandidate>> fill_mask(std::span<const float> logits, std::size_t vocab,
                                                      const std::vector<std::uint32_t>& ids, std::uint32_t mask_id,
                                                      std::optional<std::uint32_t> pad_id, std::size_t top_k,
                                                      const DecodeFn& decode);

// ---- token-classification (TokenClassificationPipeline.postprocess) ----

// What token-classification needs from the tokenizer beyond the Encoding.
struct TokenWords {
  // transformers' convert_tokens_to_string: the tokenizer.json decoder over token strings.
  std::function<std::string(const std::vector<std::string>& tokens)> tokens_to_string;
  // The model has a continuing_subword_prefix (WordPiece "##", some BPEs): sub-words are then
  // the tokens whose text is not the token itself; else transformers' fallback heuristic (a
  // token is a sub-word unless a space precedes it or starts it) applies.
  bool continuing_subword_prefix = false;
  // The unknown token's id: such tokens take their text from the input and start a word.
  std::optional<std::uint32_t> unk_id;
};

// Entities of one sequence. `logits` holds at least enc.size() rows of num_labels values (rows
// past enc.size(), e.g. padding, are ignored); `text` is the encoded text (offsets index its code
// points). Tokens with special_tokens_mask set are skipped; scores are a float32 softmax.
// Entities whose label (or group) is in ignore_labels are left out.
std::vector<Entity> classify_tokens(std::span<const float> logits, std::size_t num_labels, const Encoding& enc,
                                    std::string_view text, const std::vector<std::string>& id2label,
                                    const TokenWords& words, AggregationStrategy strategy,
                                    const std::vector<std::string>& ignore_labels = {"O"});

// ---- feature-extraction (FeatureExtractionPipeline.postprocess) ----

// Sequence `b` of a [batch, seq, hidden] hidden state cut to its first `length` tokens, as
// [1, length, hidden].
FloatTensor sequence_features(const FloatTensor& hidden, std::size_t b, std::size_t length);

}  // namespace hub::pipelines
