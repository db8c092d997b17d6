// hub::AutoTokenizer::from_pretrained: resolve the name to local files, then load the folder's
// (or the named file's) tokenizer with its tokenizer_config.json (tokenizer/legacy/load.h).
#include "hub/auto_tokenizer.h"

#include "hub/error.h"
#include "tokenizer/legacy/load.h"

namespace hub {

Tokenizer AutoTokenizer::from_pretrained(std::string_view name_or_path, const PretrainedOptions& options) {
  ResolvedPretrained r;
  try {
    r = resolve_pretrained(name_or_path, options);
  } catch (const Error& e) {
    if (e.code() != Errc::invalid_input) throw;
    throw Error(
        e.code(),
        "no tokenizer (tokenizer.json, vocab.txt, vocab.json + merges.txt or .model) at: " + std::string(e.what()),
        e.context());
  }
  TokenizerConfig config = TokenizerConfig::from_folder(r.folder);
  if (r.file) return tokenizer::legacy::load_file(*r.file, std::move(config));
  return tokenizer::legacy::load_folder(r.folder, std::move(config));
}

}  // namespace hub
