// Prepend: puts a string before every non-empty piece; it aligns to the first char (§5.4).
#include "tokenizer/normalizers/normalizers.h"

namespace hub::tokenizer::normalizers {
namespace {

class Prepend final : public Normalizer {
 public:
  explicit Prepend(std::string s) : s_(std::move(s)) {}
  void normalize(NormalizedString& s) const override { s.prepend(s_); }

 private:
  std::string s_;
};

}  // namespace

std::unique_ptr<Normalizer> make_prepend(const JsonView& j) { return std::make_unique<Prepend>(j.str("prepend")); }

}  // namespace hub::tokenizer::normalizers
