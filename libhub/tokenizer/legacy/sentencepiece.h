// Tokenizers from SentencePiece .model files (internal), run by Debian's libsentencepiece: the
// processor is the model stage (it normalizes and segments each text between added tokens
// itself) and the decoder; special tokens, the post-processor (picked from tokenizer_class as
// transformers' slow tokenizers do), truncation and padding are the usual stages.
#pragma once

#include <filesystem>

#include "hub/tokenizer.h"

namespace hub::tokenizer::legacy {

// Throws hub::Error(invalid_input) naming the file when libsentencepiece cannot load it.
Tokenizer sentencepiece_tokenizer(const std::filesystem::path& model_file, TokenizerConfig config);

}  // namespace hub::tokenizer::legacy
