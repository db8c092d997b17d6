// Replace: every match of a String or Regex pattern becomes `content` (literal, no $1) (§5.4).
#include "tokenizer/normalizers/normalizers.h"
#include "tokenizer/pattern_json.h"

namespace hub::tokenizer::normalizers {
namespace {

class Replace final : public Normalizer {
 public:
  Replace(Pattern pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void normalize(NormalizedString& s) const override { s.replace(pattern_, content_); }

 private:
  Pattern pattern_;
  std::string content_;
};

}  // namespace

std::unique_ptr<Normalizer> make_replace(const JsonView& j) {
  return std::make_unique<Replace>(pattern_from_json(j.at("pattern")), j.str("content"));
}

}  // namespace hub::tokenizer::normalizers
