// Factories of the model components and their shared vocabulary helpers (internal).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/model.h"

namespace hub::tokenizer::models {

std::unique_ptr<Model> make_bpe(const JsonView& j);
std::unique_ptr<Model> make_wordpiece(const JsonView& j, bool typed);
std::unique_ptr<Model> make_wordlevel(const JsonView& j);
std::unique_ptr<Model> make_unigram(const JsonView& j);

// Debian's Abseil has its own string_view type (built without ABSL_USES_STD_STRING_VIEW): keys
// are looked up through this.
inline absl::string_view to_absl(std::string_view s) noexcept { return {s.data(), s.size()}; }

// token -> id with string_view lookups, and id -> token.
class Vocab {
 public:
  // Reads a {"token": id, ...} object.
  static Vocab from_object(const JsonView& j);
  void add(std::string token, std::uint32_t id);

  std::optional<std::uint32_t> find(std::string_view token) const {
    auto it = to_id_.find(to_absl(token));
    if (it == to_id_.end()) return std::nullopt;
    return it->second;
  }
  const std::string* token(std::uint32_t id) const {
    return id < to_token_.size() && has_[id] ? &to_token_[id] : nullptr;
  }
  std::size_t size() const noexcept { return to_id_.size(); }
  // Bytes of the longest token (no lookup of anything longer can succeed).
  std::size_t longest() const noexcept { return longest_; }

 private:
  // Open addressing (Abseil's Swiss table): a lookup is one probe into a flat array, where a
  // node-based std::unordered_map costs two dependent cache misses, and vocabularies of 100,000+
  // tokens do not fit in cache. Keys are looked up by string_view without a copy.
  absl::flat_hash_map<std::string, std::uint32_t> to_id_;
  std::size_t longest_ = 0;
  std::vector<std::string> to_token_;
  std::vector<bool> has_;
};

}  // namespace hub::tokenizer::models
