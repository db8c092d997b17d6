// Factories of the pre-tokenizer components, one per file in this folder (internal);
// registry.cc maps each JSON `type` tag to its factory.
#pragma once

#include <memory>

#include "tokenizer/pattern.h"
#include "tokenizer/pre_tokenizer.h"

namespace hub::tokenizer::pre_tokenizers {

std::unique_ptr<PreTokenizer> make_byte_level(const JsonView& j);
std::unique_ptr<PreTokenizer> make_metaspace(const JsonView& j);
std::unique_ptr<PreTokenizer> make_split(const JsonView& j);
std::unique_ptr<PreTokenizer> make_bert(const JsonView& j);
std::unique_ptr<PreTokenizer> make_whitespace(const JsonView& j);
std::unique_ptr<PreTokenizer> make_whitespace_split(const JsonView& j);
std::unique_ptr<PreTokenizer> make_punctuation(const JsonView& j);
std::unique_ptr<PreTokenizer> make_digits(const JsonView& j);
std::unique_ptr<PreTokenizer> make_char_delimiter_split(const JsonView& j);
std::unique_ptr<PreTokenizer> make_fixed_length(const JsonView& j);
std::unique_ptr<PreTokenizer> make_unicode_scripts(const JsonView& j);
std::unique_ptr<PreTokenizer> make_sequence(const JsonView& j);

// BERT's punctuation: ASCII punctuation or Unicode P*.
bool is_bert_punctuation(char32_t c) noexcept;

// A pre-tokenizer that splits every piece with one pattern and behaviour.
class PatternSplit : public PreTokenizer {
 public:
  PatternSplit(Pattern pattern, SplitBehavior behavior) : pattern_(std::move(pattern)), behavior_(behavior) {}
  void pre_tokenize(PreTokenizedString& s) const override;

 private:
  Pattern pattern_;
  SplitBehavior behavior_;
};

}  // namespace hub::tokenizer::pre_tokenizers
