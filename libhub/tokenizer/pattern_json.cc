#include "tokenizer/pattern_json.h"

namespace hub::tokenizer {

Pattern pattern_from_json(const JsonView& j) {
  if (!j.is_object()) j.fail("expected {\"String\": ...} or {\"Regex\": ...}");
  if (j.contains("String")) return Pattern::literal(j.str("String"));
  if (j.contains("Regex")) {
    JsonView r = j.at("Regex");
    return Pattern::regex(std::make_shared<const Regex>(r.as_string(), "tokenizer.json: " + r.path()));
  }
  j.fail("expected {\"String\": ...} or {\"Regex\": ...}");
}

SplitBehavior behavior_from_json(const JsonView& j) {
  std::string b = j.as_string();
  if (b == "Removed") return SplitBehavior::removed;
  if (b == "Isolated") return SplitBehavior::isolated;
  if (b == "MergedWithPrevious") return SplitBehavior::merged_with_previous;
  if (b == "MergedWithNext") return SplitBehavior::merged_with_next;
  if (b == "Contiguous") return SplitBehavior::contiguous;
  j.fail("unknown split behavior `" + b + "`");
}

}  // namespace hub::tokenizer
