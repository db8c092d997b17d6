// TemplateProcessing: the single/pair templates of $A/$B sequences and special tokens, each
// piece with its type id (tokenizer-json.md §10.2).
#include <map>

#include "tokenizer/processors/processors.h"

namespace hub::tokenizer::processors {
namespace {

struct Piece {
  bool is_sequence;
  int sequence;         // 0 for A, 1 for B
  std::string special;  // special token name
  std::uint32_t type_id;
};

struct SpecialToken {
  std::vector<std::uint32_t> ids;
  std::vector<std::string> tokens;
};

class Template final : public PostProcessor {
 public:
  std::vector<Piece> single_, pair_;
  std::map<std::string, SpecialToken> specials_;

  std::size_t added_tokens(bool is_pair) const override {
    std::size_t n = 0;
    for (const auto& p : is_pair ? pair_ : single_)
      if (!p.is_sequence) n += specials_.at(p.special).ids.size();
    return n;
  }

  void process(std::vector<Encoding>& encs, bool add_special_tokens) const override {
    const auto& tmpl = encs.size() == 2 ? pair_ : single_;
    std::vector<Encoding> out;
    // A template may name a sequence more than once: copied, except at its last use.
    std::size_t last_use[2] = {tmpl.size(), tmpl.size()};
    for (std::size_t k = 0; k < tmpl.size(); ++k)
      if (tmpl[k].is_sequence) last_use[tmpl[k].sequence & 1] = k;
    for (std::size_t k = 0; k < tmpl.size(); ++k) {
      const Piece& p = tmpl[k];
      if (p.is_sequence) {
        auto seq = static_cast<std::size_t>(p.sequence);
        if (seq >= encs.size()) continue;
        Encoding e = last_use[seq] == k ? std::move(encs[seq]) : encs[seq];
        std::fill(e.type_ids.begin(), e.type_ids.end(), p.type_id);
        out.push_back(std::move(e));
      } else if (add_special_tokens) {
        const SpecialToken& st = specials_.at(p.special);
        Encoding e;
        std::size_t n = st.ids.size();
        e.ids = st.ids;
        e.tokens = st.tokens;
        e.offsets.assign(n, {0, 0});
        e.type_ids.assign(n, p.type_id);
        e.special_tokens_mask.assign(n, 1);
        e.attention_mask.assign(n, 1);
        e.word_ids.assign(n, std::nullopt);
        out.push_back(std::move(e));
      }
    }
    encs = std::move(out);
  }
};

std::vector<Piece> parse_template(const JsonView& list, const std::map<std::string, SpecialToken>& specials) {
  std::vector<Piece> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    JsonView item = list[i];
    if (item.contains("Sequence")) {
      JsonView s = item.at("Sequence");
      std::string id = s.str("id");
      if (id != "A" && id != "B") s.at("id").fail("expected \"A\" or \"B\", found \"" + id + "\"");
      out.push_back({true, id == "A" ? 0 : 1, {}, s.u32("type_id")});
    } else if (item.contains("SpecialToken")) {
      JsonView s = item.at("SpecialToken");
      std::string id = s.str("id");
      if (!specials.count(id)) s.at("id").fail("special token \"" + id + "\" is not in special_tokens");
      out.push_back({false, 0, id, s.u32("type_id")});
    } else {
      item.fail("expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
    }
  }
  return out;
}

}  // namespace

std::unique_ptr<PostProcessor> make_template(const JsonView& j) {
  auto t = std::make_unique<Template>();
  JsonView st = j.at("special_tokens");
  if (!st.is_object()) st.fail("expected an object");
  for (const auto& [name, value] : st.raw().items()) {
    JsonView v(value, st.path() + "." + name);
    SpecialToken s;
    JsonView ids = v.at("ids"), tokens = v.at("tokens");
    for (std::size_t i = 0; i < ids.size(); ++i) s.ids.push_back(ids[i].as_u32());
    for (std::size_t i = 0; i < tokens.size(); ++i) s.tokens.push_back(tokens[i].as_string());
    if (s.ids.size() != s.tokens.size()) v.fail("ids and tokens must have the same length");
    t->specials_[name] = std::move(s);
  }
  t->single_ = parse_template(j.at("single"), t->specials_);
  t->pair_ = parse_template(j.at("pair"), t->specials_);
  return t;
}

}  // namespace hub::tokenizer::processors
