// Sequence: applies its normalizers in order (an empty list is the identity) (§5.4).
#include <vector>

#include "tokenizer/normalizers/normalizers.h"

namespace hub::tokenizer::normalizers {
namespace {

class Sequence final : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> items) : items_(std::move(items)) {}
  void normalize(NormalizedString& s) const override {
    for (const auto& n : items_) n->normalize(s);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> items_;
};

}  // namespace

std::unique_ptr<Normalizer> make_sequence(const JsonView& j) {
  JsonView list = j.at("normalizers");
  std::vector<std::unique_ptr<Normalizer>> items;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_null()) list[i].fail("expected a normalizer object");
    if (auto n = make_normalizer(list[i])) items.push_back(std::move(n));  // null charsmap = identity
  }
  return std::make_unique<Sequence>(std::move(items));
}

}  // namespace hub::tokenizer::normalizers
