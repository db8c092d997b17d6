// Split: a String or Regex pattern, a behaviour, and invert (tokenizer-json.md §4, §6.4).
#include "tokenizer/pattern_json.h"
#include "tokenizer/pre_tokenizers/pre_tokenizers.h"

namespace hub::tokenizer::pre_tokenizers {

std::unique_ptr<PreTokenizer> make_split(const JsonView& j) {
  Pattern p = pattern_from_json(j.at("pattern"));
  SplitBehavior b = behavior_from_json(j.at("behavior"));
  if (j.boolean("invert")) p = p.inverted();
  return std::make_unique<PatternSplit>(std::move(p), b);
}

}  // namespace hub::tokenizer::pre_tokenizers
