// JSON from untrusted files (internal): UTF-8 checked first, duplicate keys and deep nesting
// refused, so a header cannot say two things about one tensor or exhaust the stack.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace hub::safetensors::detail {

// True when `bytes` is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_utf8(std::string_view bytes) noexcept;

// Parses `text`; containers may nest `max_depth` deep (1: only the top-level value may be an
// object or array). Throws hub::Error(Errc::invalid_input) starting with "`label`: `what` ".
nlohmann::json parse_strict(std::string_view text, int max_depth, std::string_view label, std::string_view what);

// `s` quoted for a message: control characters escaped, cut after 200 bytes.
std::string quote_name(std::string_view s);

}  // namespace hub::safetensors::detail
