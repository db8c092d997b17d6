// Patterns and split behaviours as they appear in tokenizer.json (internal).
#pragma once

#include "tokenizer/json.h"
#include "tokenizer/pattern.h"

namespace hub::tokenizer {

// {"String": s} (a literal) or {"Regex": r} (Oniguruma).
Pattern pattern_from_json(const JsonView& j);
// "Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous".
SplitBehavior behavior_from_json(const JsonView& j);

}  // namespace hub::tokenizer
