#include "tokenizer/added_vocabulary.h"

#include <algorithm>

namespace hub::tokenizer {

void AddedVocabulary::add_tokens(const std::vector<AddedToken>& tokens, const Model& model,
                                 const Normalizer* normalizer) {
  for (const auto& t : tokens) {
    if (t.special && !t.content.empty() && !special_set_.count(t.content)) {
      special_tokens_.push_back(t);
      special_set_.insert(t.content);
    }
  }
  for (const auto& t : tokens) {
    if (t.content.empty()) continue;
    std::uint32_t id;
    if (auto existing = by_content_.find(t.content); existing != by_content_.end()) {
      // An identical token (same content and flags) is registered already: skip it.
      if (auto same = by_id_.find(existing->second); same != by_id_.end() && same->second == t) continue;
      id = existing->second;
    } else if (auto mid = model.token_to_id(t.content)) {
      id = *mid;
    } else {
      // Next free id: after the largest added id if that is past the model vocabulary.
      auto vocab_size = static_cast<std::uint32_t>(model.vocab_size());
      id = vocab_size;
      if (max_id_ && (*max_id_ >= vocab_size || vocab_size == 0)) id = *max_id_ + 1;
    }
    by_content_[t.content] = id;
    max_id_ = max_id_ ? std::max(*max_id_, id) : id;
    by_id_[id] = t;
    if (!special_set_.count(t.content)) added_tokens_.push_back(t);
  }

  // Rebuild both matchers from all tokens, specials first (tokenizers' refresh_added_tokens).
  std::vector<std::pair<std::string, std::uint32_t>> raw, norm;
  for (const auto* list : {&special_tokens_, &added_tokens_}) {
    for (const auto& t : *list) {
      std::uint32_t id = *token_to_id(t.content);
      if (!t.normalized) {
        raw.emplace_back(t.content, id);
        continue;
      }
      NormalizedString n(t.content);
      if (normalizer) normalizer->normalize(n);
      norm.emplace_back(n.get(), id);
    }
  }
  raw_ = Matcher();
  normalized_ = Matcher();
  raw_.build(raw);
  normalized_.build(norm);
}

std::optional<std::uint32_t> AddedVocabulary::token_to_id(std::string_view token) const {
  auto it = by_content_.find(std::string(token));
  if (it == by_content_.end()) return std::nullopt;
  return it->second;
}

const std::string* AddedVocabulary::id_to_token(std::uint32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second.content;
}

std::size_t AddedVocabulary::count_beyond(std::size_t vocab_size) const {
  std::size_t n = 0;
  for (const auto& kv : by_id_) n += kv.first >= vocab_size;
  return n;
}

void AddedVocabulary::Matcher::build(const std::vector<std::pair<std::string, std::uint32_t>>& patterns) {
  for (const auto& [s, id] : patterns) {
    if (s.empty()) continue;
    std::uint32_t node = 0;
    for (char ch : s) {
      auto b = static_cast<unsigned char>(ch);
      auto it = nodes_[node].next.find(b);
      if (it == nodes_[node].next.end()) {
        auto fresh = static_cast<std::uint32_t>(nodes_.size());
        nodes_[node].next.emplace(b, fresh);
        nodes_.emplace_back();
        node = fresh;
      } else {
        node = it->second;
      }
    }
    if (!nodes_[node].id) nodes_[node].id = id;  // identical patterns: the first one wins
    first_byte_[static_cast<unsigned char>(s[0])] = true;
  }
}

bool AddedVocabulary::Matcher::find(std::string_view text, std::size_t from, std::size_t& start, std::size_t& end,
                                    std::uint32_t& id) const {
  if (empty()) return false;
  for (std::size_t pos = from; pos < text.size(); ++pos) {
    if (!first_byte_[static_cast<unsigned char>(text[pos])]) continue;
    std::uint32_t node = 0;
    bool found = false;
    for (std::size_t k = pos; k < text.size(); ++k) {
      auto it = nodes_[node].next.find(static_cast<unsigned char>(text[k]));
      if (it == nodes_[node].next.end()) break;
      node = it->second;
      if (nodes_[node].id) {
        found = true;
        end = k + 1;
        id = *nodes_[node].id;
      }
    }
    if (found) {
      start = pos;
      return true;
    }
  }
  return false;
}

namespace {

bool last_is_word(std::string_view s) {
  if (s.empty()) return false;
  std::size_t k = s.size() - 1;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  return unicode::is_word_char(unicode::next_char(s, k));
}

bool first_is_word(std::string_view s) {
  if (s.empty()) return false;
  std::size_t k = 0;
  return unicode::is_word_char(unicode::next_char(s, k));
}

// Start of the run of White_Space chars that ends `s`.
std::size_t trailing_space_start(std::string_view s) {
  std::size_t pos = s.size();
  while (pos > 0) {
    std::size_t k = pos - 1;
    while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
    std::size_t tmp = k;
    if (!unicode::is_whitespace(unicode::next_char(s, tmp))) break;
    pos = k;
  }
  return pos;
}

// Byte length of the run of White_Space chars that starts `s`.
std::size_t leading_space_len(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t k = pos;
    if (!unicode::is_whitespace(unicode::next_char(s, k))) break;
    pos = k;
  }
  return pos;
}

}  // namespace

std::vector<Split> AddedVocabulary::split_with(NormalizedString&& s, const Matcher& m) const {
  const std::string& text = s.get();
  // (id or none, byte range) pieces, as tokenizers' find_matches computes them.
  struct Piece {
    std::optional<std::uint32_t> id;
    Offsets range;
  };
  std::vector<Piece> pieces;
  if (text.empty()) return {};  // tokenizers yields one empty piece, which is dropped
  std::size_t start_offset = 0;
  std::size_t from = 0, start = 0, stop = 0;
  std::uint32_t id = 0;
  while (m.find(text, from, start, stop, id)) {
    from = stop;  // the automaton resumes after the raw match, not after any stripped spaces
    const AddedToken& tok = by_id_.at(id);
    if (tok.single_word) {
      bool start_space = start == 0 || !last_is_word(std::string_view(text).substr(0, start));
      bool stop_space = stop == text.size() || !first_is_word(std::string_view(text).substr(stop));
      if (!start_space || !stop_space) continue;
    }
    if (tok.lstrip) start = std::max(trailing_space_start(std::string_view(text).substr(0, start)), start_offset);
    if (tok.rstrip) stop += leading_space_len(std::string_view(text).substr(stop));
    if (start_offset < start) pieces.push_back({std::nullopt, {start_offset, start}});
    pieces.push_back({id, {start, stop}});
    start_offset = stop;
  }
  if (start_offset != text.size()) pieces.push_back({std::nullopt, {start_offset, text.size()}});

  std::vector<Split> out;
  out.reserve(pieces.size());
  for (const auto& p : pieces) {
    NormalizedString slice = s.slice(p.range);
    if (p.id) {
      std::string value = slice.get();
      std::size_t len = value.size();
      std::vector<Token> toks;
      toks.push_back({*p.id, std::move(value), {0, len}});
      out.push_back({std::move(slice), std::move(toks)});
    } else {
      out.push_back({std::move(slice), std::nullopt});
    }
  }
  return out;
}

PreTokenizedString AddedVocabulary::extract_and_normalize(std::string_view text, const Normalizer* normalizer) const {
  PreTokenizedString pre{NormalizedString(std::string(text))};
  pre.split_with_tokens([&](std::size_t, NormalizedString&& s) { return split_with(std::move(s), raw_); });
  pre.split_with_tokens([&](std::size_t, NormalizedString&& s) {
    if (normalizer) normalizer->normalize(s);
    return split_with(std::move(s), normalized_);
  });
  return pre;
}

}  // namespace hub::tokenizer
