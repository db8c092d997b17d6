// Factories of the model components and their shared vocabulary helpers (internal).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/model.h"

namespace hub::tokenizer::models {

std::unique_ptr<Model> make_bpe(const JsonView& j);
std::unique_ptr<Model> make_wordpiece(const JsonView& j, bool typed);
std::unique_ptr<Model> make_wordlevel(const JsonView& j);
std::unique_ptr<Model> make_unigram(const JsonView& j);

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// token -> id with string_view lookups, and id -> token.
class Vocab {
 public:
  // Reads a {"token": id, ...} object.
  static Vocab from_object(const JsonView& j);
  void add(std::string token, std::uint32_t id);

  std::optional<std::uint32_t> find(std::string_view token) const {
    auto it = to_id_.find(token);
    if (it == to_id_.end()) return std::nullopt;
    return it->second;
  }
  const std::string* token(std::uint32_t id) const {
    return id < to_token_.size() && has_[id] ? &to_token_[id] : nullptr;
  }
  std::size_t size() const noexcept { return to_id_.size(); }

 private:
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> to_id_;
  std::vector<std::string> to_token_;
  std::vector<bool> has_;
};

}  // namespace hub::tokenizer::models
