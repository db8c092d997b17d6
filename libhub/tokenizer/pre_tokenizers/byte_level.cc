// ByteLevel pre-tokenizer: optional prefix space, the GPT-2 regex split, then every byte mapped
// to the byte-level alphabet (tokenizer-json.md §6.2). trim_offsets only matters to the
// post-processor of the same name.
#include "tokenizer/pre_tokenizers/pre_tokenizers.h"

namespace hub::tokenizer::normalizers {
void byte_level_transform(NormalizedString& s);
}

namespace hub::tokenizer::pre_tokenizers {
namespace {

const Pattern& gpt2_pattern() {
  static const Pattern p = Pattern::regex(std::make_shared<const Regex>(
      R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)", "ByteLevel regex"));
  return p;
}

class ByteLevel final : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, bool use_regex) : add_prefix_space_(add_prefix_space), use_regex_(use_regex) {}

  void pre_tokenize(PreTokenizedString& s) const override {
    s.split([&](std::size_t, NormalizedString&& n) {
      if (add_prefix_space_ && n.get().rfind(' ', 0) != 0) n.prepend(" ");
      if (use_regex_) return n.split(gpt2_pattern(), SplitBehavior::isolated);
      std::vector<NormalizedString> one;
      one.push_back(std::move(n));
      return one;
    });
    s.normalize(normalizers::byte_level_transform);
  }

 private:
  bool add_prefix_space_, use_regex_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_byte_level(const JsonView& j) {
  j.boolean("trim_offsets");  // required, unused here
  return std::make_unique<ByteLevel>(j.boolean("add_prefix_space"), j.boolean_or("use_regex", true));
}

}  // namespace hub::tokenizer::pre_tokenizers
