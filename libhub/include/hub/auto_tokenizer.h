// hub/auto_tokenizer.h: hub::AutoTokenizer, transformers' AutoTokenizer.from_pretrained.
//
// Loads the tokenizer of a model folder, a single tokenizer file or a repo id (through
// hub::resolve_pretrained, so repo ids are pulled into or found in the cache) together with the
// tokenizer_config.json / special_tokens_map.json / chat_template.jinja beside it.
#pragma once

#include <string_view>

#include "hub/pretrained.h"
#include "hub/tokenizer.h"

namespace hub {

class AutoTokenizer {
 public:
  // `name_or_path`: a tokenizer.json file, a folder holding one, or a repo id ("org/name",
  // "org/name@rev"). Throws hub::Error: the resolve_pretrained errors, Errc::entry_not_found
  // when the folder has no tokenizer file libhub can load (the message lists what was looked
  // for), and the Tokenizer / TokenizerConfig load errors.
  static Tokenizer from_pretrained(std::string_view name_or_path, const PretrainedOptions& options = {});
};

}  // namespace hub
