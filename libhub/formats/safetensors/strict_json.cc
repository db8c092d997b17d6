#include "formats/safetensors/strict_json.h"

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "hub/error.h"

namespace hub::safetensors::detail {

// RFC 3629, as Rust's str::from_utf8 checks it (the reference rejects what it rejects).
bool is_utf8(std::string_view bytes) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
    } else {
      return false;
    }
    if (n - i < len) return false;
    if (s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return false;
    i += len;
  }
  return true;
}

std::string quote_name(std::string_view s) {
  constexpr std::size_t kMax = 200;
  std::string out = "'";
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > kMax) out += "...";
  return out + "'";
}

nlohmann::json parse_strict(std::string_view text, int max_depth, std::string_view label, std::string_view what) {
  auto fail = [&](const std::string& why) -> Error {
    return Error(Errc::invalid_input, std::string(label) + ": " + std::string(what) + " " + why,
                 ErrorContext{.path = std::string(label)});
  };
  if (!is_utf8(text)) throw fail("is not valid UTF-8");
  // nlohmann's lexer stops at a raw NUL as if the input ended, which would accept "{}\0junk";
  // JSON never holds one outside an escape, and the reference rejects it.
  if (auto nul = text.find('\0'); nul != std::string_view::npos)
    throw fail("is not valid JSON (a NUL byte at offset " + std::to_string(nul) + ")");

  // The keys seen in each open object, innermost last.
  std::vector<std::set<std::string, std::less<>>> open;
  auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if ((event == E::object_start || event == E::array_start) && depth >= max_depth)
      throw fail("nests objects or arrays more than " + std::to_string(max_depth) + " deep");
    if (event == E::object_start) open.emplace_back();
    if (event == E::object_end && !open.empty()) open.pop_back();
    if (event == E::key && !open.empty() && parsed.is_string()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!open.back().insert(key).second) throw fail("has the key " + quote_name(key) + " twice in one object");
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), callback);
  } catch (const nlohmann::json::exception& e) {
    throw fail(std::string("is not valid JSON (") + e.what() + ")");
  }
}

}  // namespace hub::safetensors::detail
