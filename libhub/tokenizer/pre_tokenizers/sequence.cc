// Sequence: applies its pre-tokenizers in order, each on the output of the previous (§6.5).
#include <vector>

#include "tokenizer/pre_tokenizers/pre_tokenizers.h"

namespace hub::tokenizer::pre_tokenizers {
namespace {

class Sequence final : public PreTokenizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PreTokenizer>> items) : items_(std::move(items)) {}
  void pre_tokenize(PreTokenizedString& s) const override {
    for (const auto& p : items_) p->pre_tokenize(s);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> items_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_sequence(const JsonView& j) {
  JsonView list = j.at("pretokenizers");
  std::vector<std::unique_ptr<PreTokenizer>> items;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_null()) list[i].fail("expected a pre-tokenizer object");
    items.push_back(make_pre_tokenizer(list[i]));
  }
  return std::make_unique<Sequence>(std::move(items));
}

}  // namespace hub::tokenizer::pre_tokenizers
