// Strip: removes leading and/or trailing White_Space (§5.4).
#include "tokenizer/normalizers/normalizers.h"

namespace hub::tokenizer::normalizers {
namespace {

class Strip final : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void normalize(NormalizedString& s) const override { s.strip(left_, right_); }

 private:
  bool left_, right_;
};

}  // namespace

std::unique_ptr<Normalizer> make_strip(const JsonView& j) {
  return std::make_unique<Strip>(j.boolean("strip_left"), j.boolean("strip_right"));
}

}  // namespace hub::tokenizer::normalizers
