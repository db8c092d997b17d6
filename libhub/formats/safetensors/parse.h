// Parsing and validating untrusted safetensors bytes (internal): the file header and the shard
// index. Pure functions over memory, so the fuzz target and the tests reach every rule without
// files. Every failure is hub::Error(Errc::invalid_input) with a message that starts with `label`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hub/safetensors.h"

namespace hub::safetensors::detail {

// The reference's cap on the JSON header (MAX_HEADER_SIZE).
constexpr std::uint64_t kMaxHeaderSize = 100'000'000;
// Index files are plain JSON read into memory: the same cap.
constexpr std::uint64_t kMaxIndexSize = 100'000'000;

struct Entry {
  std::string name;
  Dtype dtype = Dtype::f32;
  std::vector<std::uint64_t> shape;
  std::uint64_t begin = 0;  // offsets into the data buffer (after the header)
  std::uint64_t end = 0;
};

struct Header {
  std::uint64_t header_size = 0;  // N: the JSON bytes, padding included
  std::vector<Entry> entries;     // sorted by offset
  std::map<std::string, std::string, std::less<>> metadata;
};

// Validates `file` (the whole file) with every rule of the format and returns its header.
Header parse_header(std::span<const std::byte> file, std::string_view label);

struct Index {
  std::map<std::string, std::string, std::less<>> weight_map;  // tensor -> shard path
  std::map<std::string, std::string, std::less<>> metadata;    // values as JSON text unless strings
};

// Parses a `*.safetensors.index.json`: an object with a "weight_map" object of strings and an
// optional "metadata" object; every shard path must be relative, '/'-separated, without empty,
// "." or ".." segments, backslashes or NUL.
Index parse_index(std::string_view text, std::string_view label);

}  // namespace hub::safetensors::detail
