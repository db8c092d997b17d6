// hub::AutoTokenizer::from_pretrained: find the tokenizer files of a folder, file or repo id and
// load them with their tokenizer_config.json.
#include "hub/auto_tokenizer.h"

#include "hub/error.h"

namespace hub {

Tokenizer AutoTokenizer::from_pretrained(std::string_view name_or_path, const PretrainedOptions& options) {
  ResolvedPretrained r;
  try {
    r = resolve_pretrained(name_or_path, options);
  } catch (const Error& e) {
    if (e.code() != Errc::invalid_input) throw;
    throw Error(e.code(), "no tokenizer (tokenizer.json, vocab.txt, vocab.json + merges.txt or .model) at: " + std::string(e.what()),
                e.context());
  }
  TokenizerConfig config = TokenizerConfig::from_folder(r.folder);
  if (r.file) return Tokenizer::from_file(*r.file, std::move(config));
  std::error_code ec;
  std::filesystem::path json = r.folder / "tokenizer.json";
  if (std::filesystem::is_regular_file(json, ec)) return Tokenizer::from_file(json, std::move(config));
  throw Error(Errc::entry_not_found, "no tokenizer.json in " + r.folder.string(), {.path = r.folder.string()});
}

}  // namespace hub
