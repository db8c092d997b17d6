// WordPiece: greedy longest-match-first with a continuation prefix; any failure makes the
// whole word one unk token (tokenizer-json.md §7.2).
#include "hub/error.h"
#include "tokenizer/models/models.h"

namespace hub::tokenizer::models {
namespace {

class WordPiece final : public Model {
 public:
  Vocab vocab_;
  std::string unk_token_ = "[UNK]";
  std::string prefix_ = "##";
  std::size_t max_chars_ = 100;

  void tokenize(std::string_view word, std::vector<Token>& out) const override {
    if (unicode::count_chars(word) > max_chars_) {
      out.push_back(unk(word.size()));
      return;
    }
    std::size_t first = out.size();
    std::size_t start = 0;
    std::string buf;
    while (start < word.size()) {
      // Candidates start at the longest that could be in the vocabulary (the result is the
      // same as starting from the whole rest of the word, without hashing hopeless strings).
      const std::size_t affix = start > 0 ? prefix_.size() : 0;
      const std::size_t room = vocab_.longest() > affix ? vocab_.longest() - affix : 0;
      std::size_t end = word.size() - start > room ? start + room : word.size();
      while (end > start && end < word.size() && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80) --end;
      bool found = false;
      while (start < end) {
        std::string_view sub = word.substr(start, end - start);
        if (start > 0) {
          buf = prefix_;
          buf += sub;
          sub = buf;
        }
        if (auto id = vocab_.find(sub)) {
          out.push_back({*id, std::string(sub), {start, end}});
          found = true;
          break;
        }
        // Drop the last char of the candidate.
        std::size_t k = end - 1;
        while (k > start && (static_cast<unsigned char>(word[k]) & 0xC0) == 0x80) --k;
        end = k;
      }
      if (!found) {
        out.resize(first);
        out.push_back(unk(word.size()));
        return;
      }
      start = end;
    }
  }

  std::optional<std::uint32_t> token_to_id(std::string_view token) const override { return vocab_.find(token); }
  const std::string* id_to_token(std::uint32_t id) const override { return vocab_.token(id); }
  std::size_t vocab_size() const override { return vocab_.size(); }

 private:
  Token unk(std::size_t len) const {
    auto id = vocab_.find(unk_token_);
    if (!id)
      throw Error(Errc::invalid_input, "tokenizer: WordPiece unk token `" + unk_token_ + "` is not in the vocabulary");
    return {*id, unk_token_, {0, len}};
  }
};

class WordLevel final : public Model {
 public:
  Vocab vocab_;
  std::string unk_token_;

  void tokenize(std::string_view word, std::vector<Token>& out) const override {
    if (auto id = vocab_.find(word)) {
      out.push_back({*id, std::string(word), {0, word.size()}});
      return;
    }
    auto id = vocab_.find(unk_token_);
    if (!id)
      throw Error(Errc::invalid_input, "tokenizer: WordLevel unk token `" + unk_token_ + "` is not in the vocabulary");
    out.push_back({*id, unk_token_, {0, word.size()}});
  }

  std::optional<std::uint32_t> token_to_id(std::string_view token) const override { return vocab_.find(token); }
  const std::string* id_to_token(std::uint32_t id) const override { return vocab_.token(id); }
  std::size_t vocab_size() const override { return vocab_.size(); }
};

}  // namespace

std::unique_ptr<Model> make_wordpiece(const JsonView& j, bool typed) {
  auto m = std::make_unique<WordPiece>();
  m->vocab_ = Vocab::from_object(j.at("vocab"));
  if (typed || j.contains("unk_token")) m->unk_token_ = j.str("unk_token");
  if (typed || j.contains("continuing_subword_prefix")) m->prefix_ = j.str("continuing_subword_prefix");
  if (typed || j.contains("max_input_chars_per_word")) m->max_chars_ = j.at("max_input_chars_per_word").as_u64();
  return m;
}

std::unique_ptr<Model> make_wordlevel(const JsonView& j) {
  auto m = std::make_unique<WordLevel>();
  m->vocab_ = Vocab::from_object(j.at("vocab"));
  m->unk_token_ = j.str("unk_token");
  return m;
}

}  // namespace hub::tokenizer::models
