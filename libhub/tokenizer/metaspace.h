// Metaspace settings shared by the pre-tokenizer and the decoder (internal).
#pragma once

#include <string>

#include "tokenizer/json.h"

namespace hub::tokenizer {

enum class PrependScheme { always, first, never };

struct MetaspaceConfig {
  char32_t replacement = 0x2581;
  std::string str_rep;
  PrependScheme prepend = PrependScheme::always;
  bool split = true;
};

// Reads replacement, prepend_scheme (default always), split (default true) and the legacy
// add_prefix_space (false requires prepend_scheme "never", else a load error, as in tokenizers).
MetaspaceConfig metaspace_config(const JsonView& j);

}  // namespace hub::tokenizer
