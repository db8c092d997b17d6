// Small file helpers of the legacy tokenizer builders (internal).
#pragma once

#include <filesystem>
#include <string>

namespace hub::tokenizer::legacy {

// The whole file; throws hub::Error(io) naming it when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace hub::tokenizer::legacy
