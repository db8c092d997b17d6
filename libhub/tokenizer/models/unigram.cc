// Unigram: Viterbi over a byte trie of the pieces, fused unknown runs, optional byte fallback
// (tokenizer-json.md §7.4).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "hub/error.h"
#include "tokenizer/models/models.h"

namespace hub::tokenizer::models {
namespace {

class Unigram final : public Model {
 public:
  std::vector<std::pair<std::string, double>> pieces_;
  absl::flat_hash_map<std::string, std::uint32_t> to_id_;
  std::optional<std::uint32_t> unk_id_;
  bool byte_fallback_ = false;
  double min_score_ = INFINITY;
  // Byte trie: (node << 8 | byte) -> child; node ids start at 1 (0 is the root).
  std::unordered_map<std::uint64_t, std::uint32_t> children_;
  std::vector<bool> terminal_{false};

  void build_trie() {
    for (const auto& [piece, score] : pieces_) {
      std::uint32_t node = 0;
      for (char ch : piece) {
        std::uint64_t key = (static_cast<std::uint64_t>(node) << 8) | static_cast<unsigned char>(ch);
        auto it = children_.find(key);
        if (it == children_.end()) {
          auto id = static_cast<std::uint32_t>(terminal_.size());
          terminal_.push_back(false);
          it = children_.emplace(key, id).first;
        }
        node = it->second;
      }
      terminal_[node] = true;
    }
  }

  void tokenize(std::string_view word, std::vector<Token>& out) const override {
    std::size_t offset = 0;
    for (const std::string& piece : segment(word)) {
      std::size_t len = piece.size();
      Offsets offs{offset, offset + len};
      offset += len;
      auto it = to_id_.find(piece);
      if (it != to_id_.end()) {
        out.push_back({it->second, piece, offs});
        continue;
      }
      if (byte_fallback_) {
        std::vector<Token> bytes;
        for (char b : piece) {
          char name[8];
          std::snprintf(name, sizeof name, "<0x%02X>", static_cast<unsigned char>(b));
          auto bt = to_id_.find(to_absl(name));
          if (bt == to_id_.end()) break;
          bytes.push_back({bt->second, name, offs});  // every byte token spans the whole piece
        }
        if (bytes.size() == piece.size()) {
          for (auto& t : bytes) out.push_back(std::move(t));
          continue;
        }
      }
      if (!unk_id_) throw Error(Errc::invalid_input, "tokenizer: Unigram cannot encode the text: unk_id is missing");
      out.push_back({*unk_id_, piece, offs});  // the token string stays the original text (quirk)
    }
  }

  std::optional<std::uint32_t> token_to_id(std::string_view token) const override {
    auto it = to_id_.find(to_absl(token));
    if (it == to_id_.end()) return std::nullopt;
    return it->second;
  }
  const std::string* id_to_token(std::uint32_t id) const override {
    return id < pieces_.size() ? &pieces_[id].first : nullptr;
  }
  std::size_t vocab_size() const override { return pieces_.size(); }

 private:
  struct Node {
    std::uint32_t id = 0;
    double score = 0.0;
    std::ptrdiff_t starts_at = -1;
  };

  std::vector<std::string> segment(std::string_view s) const {
    const double unk_score = min_score_ - 10.0;
    std::vector<Node> best(s.size() + 1);
    for (std::size_t start = 0; start < s.size();) {
      double here = best[start].score;
      std::size_t mblen = unicode::utf8_len_from_lead(static_cast<unsigned char>(s[start]));
      bool has_single = false;
      std::uint32_t node = 0;
      for (std::size_t k = start; k < s.size(); ++k) {
        auto it = children_.find((static_cast<std::uint64_t>(node) << 8) | static_cast<unsigned char>(s[k]));
        if (it == children_.end()) break;
        node = it->second;
        if (!terminal_[node]) continue;
        std::size_t end = k + 1;
        std::uint32_t id = to_id_.find(to_absl(s.substr(start, end - start)))->second;
        double cand = pieces_[id].second + here;
        Node& target = best[end];
        if (target.starts_at < 0 || cand > target.score) target = {id, cand, static_cast<std::ptrdiff_t>(start)};
        if (end - start == mblen) has_single = true;
      }
      if (!has_single) {
        Node& target = best[start + mblen];
        double cand = unk_score + here;
        if (target.starts_at < 0 || cand > target.score) {
          if (!unk_id_)
            throw Error(Errc::invalid_input, "tokenizer: Unigram cannot encode the text: unk_id is missing");
          target = {*unk_id_, cand, static_cast<std::ptrdiff_t>(start)};
        }
      }
      start += mblen;
    }
    std::vector<std::string> results;
    std::string unk_run;  // fused unknown pieces, built right to left
    for (std::size_t end = s.size(); end > 0;) {
      const Node& n = best[end];
      auto start = static_cast<std::size_t>(n.starts_at);
      std::string_view piece = s.substr(start, end - start);
      if (unk_id_ && n.id == *unk_id_) {
        unk_run.insert(0, piece);
      } else {
        if (!unk_run.empty()) results.push_back(std::move(unk_run));
        unk_run.clear();
        results.emplace_back(piece);
      }
      end = start;
    }
    if (!unk_run.empty()) results.push_back(std::move(unk_run));
    std::reverse(results.begin(), results.end());
    return results;
  }
};

}  // namespace

std::unique_ptr<Model> make_unigram(const JsonView& j) {
  auto m = std::make_unique<Unigram>();
  JsonView vocab = j.at("vocab");
  std::size_t n = vocab.size();
  m->pieces_.reserve(n);
  m->to_id_.reserve(n);
  const nlohmann::json& list = vocab.raw();
  for (std::size_t i = 0; i < n; ++i) {
    const nlohmann::json& item = list[i];
    if (!item.is_array() || item.size() != 2 || !item[0].is_string() || !item[1].is_number())
      vocab[i].fail("expected [piece, score]");
    m->pieces_.emplace_back(item[0].get<std::string>(), item[1].get<double>());
    m->to_id_[m->pieces_.back().first] = static_cast<std::uint32_t>(i);  // later duplicates win
    m->min_score_ = std::min(m->min_score_, m->pieces_.back().second);
  }
  if (auto u = j.opt("unk_id")) {
    std::uint64_t id = u->as_u64();
    if (n == 0) u->fail("unk_id set but the vocabulary is empty");
    if (id >= n) u->fail("unk_id " + std::to_string(id) + " is not in the vocabulary");
    m->unk_id_ = static_cast<std::uint32_t>(id);
  }
  m->byte_fallback_ = j.boolean_or("byte_fallback", false);
  m->build_trie();
  return m;
}

}  // namespace hub::tokenizer::models
