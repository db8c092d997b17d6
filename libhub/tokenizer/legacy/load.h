// Loading the tokenizer of a local folder or file (internal; hub::AutoTokenizer calls these after
// resolving a name): tokenizer.json first, as transformers prefers the fast tokenizer; without
// one, the legacy files, picked by tokenizer_config.json's tokenizer_class (or config.json's
// model_type) when it names a known family, else by which files exist, in the order
// SentencePiece .model (tokenizer.model, spiece.model, sentencepiece.bpe.model), vocab.json +
// merges.txt, vocab.txt.
#pragma once

#include <filesystem>

#include "hub/tokenizer.h"

namespace hub::tokenizer::legacy {

// Throws hub::Error(entry_not_found) naming the folder and the files looked for when none is there.
Tokenizer load_folder(const std::filesystem::path& folder, TokenizerConfig config);
// One named file: a tokenizer.json (any name), a vocab.txt or a .model.
Tokenizer load_file(const std::filesystem::path& file, TokenizerConfig config);

}  // namespace hub::tokenizer::legacy
