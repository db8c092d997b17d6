// Small string helpers shared by libhub modules (internal).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hub {

std::string_view trim(std::string_view s) noexcept;
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b) noexcept;
std::vector<std::string> split(std::string_view s, char sep);
// Parses a non-negative decimal integer that fits in uint64; nullopt otherwise.
std::optional<std::uint64_t> parse_u64(std::string_view s) noexcept;
// Percent-encodes everything except RFC 3986 unreserved characters (and '/' when keep_slash).
std::string percent_encode(std::string_view s, bool keep_slash);
// Percent-decodes; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);
// "1.5 MB" style sizes (decimal units, like huggingface_hub).
std::string human_size(std::uint64_t bytes);
// Lowercase hex of raw bytes.
std::string to_hex(const unsigned char* data, std::size_t size);
// n random lowercase hex characters from a process-wide CSPRNG-seeded generator.
std::string random_hex(std::size_t n);

}  // namespace hub
