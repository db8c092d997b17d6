// Read-only view of a tokenizer.json node that knows its field path (internal), so every load
// error names where it happened: "tokenizer.json: model.merges[12]: expected ...".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace hub::tokenizer {

// Parses tokenizer.json text. Floats are converted the way serde_json's default parser does it
// (decimal digits to a u64, then one multiplication or division by a power of ten), which can be
// 1 ULP away from the correctly rounded value; Unigram ties depend on those exact scores.
// Throws hub::Error(invalid_input) on malformed JSON.
nlohmann::json parse_document(std::string_view text);
// The serde_json conversion of one JSON number literal.
double serde_json_float(std::string_view literal);

class JsonView {
 public:
  JsonView(const nlohmann::json& j, std::string path) : j_(&j), path_(std::move(path)) {}

  const nlohmann::json& raw() const noexcept { return *j_; }
  const std::string& path() const noexcept { return path_; }

  bool is_null() const noexcept { return j_->is_null(); }
  bool is_object() const noexcept { return j_->is_object(); }
  bool is_array() const noexcept { return j_->is_array(); }
  bool is_string() const noexcept { return j_->is_string(); }
  // Present (even if null)?
  bool contains(std::string_view key) const { return j_->is_object() && j_->contains(key); }
  // Present and not null?
  bool has(std::string_view key) const { return contains(key) && !(*j_)[std::string(key)].is_null(); }

  // Required member (null counts as present); throws invalid_input naming the field if missing.
  JsonView at(std::string_view key) const;
  // Member that may be absent or null.
  std::optional<JsonView> opt(std::string_view key) const;
  JsonView operator[](std::size_t i) const;
  std::size_t size() const;  // array length; throws unless this is an array

  std::string as_string() const;
  bool as_bool() const;
  std::uint64_t as_u64() const;
  std::uint32_t as_u32() const;
  double as_double() const;
  // The single character of a one-char string (Metaspace replacement, Strip content).
  char32_t as_char() const;

  // Convenience: required typed members, and optional ones with a default.
  std::string str(std::string_view key) const { return at(key).as_string(); }
  bool boolean(std::string_view key) const { return at(key).as_bool(); }
  std::uint32_t u32(std::string_view key) const { return at(key).as_u32(); }
  bool boolean_or(std::string_view key, bool dflt) const;
  std::optional<std::string> opt_str(std::string_view key) const;

  // Throw hub::Error with this node's path in the message.
  [[noreturn]] void fail(const std::string& what) const;
  [[noreturn]] void unsupported(const std::string& what) const;

 private:
  std::string child_path(std::string_view key) const;
  const nlohmann::json* j_;
  std::string path_;
};

}  // namespace hub::tokenizer
