// BertProcessing ([CLS] A [SEP] B [SEP]) and RobertaProcessing (<s> A </s> </s> B </s>, all
// type ids 0, optional offset trimming) (tokenizer-json.md §10.2).
#include "tokenizer/processors/processors.h"

namespace hub::tokenizer::processors {
namespace {

void wrap(Encoding& e, const std::pair<std::string, std::uint32_t>* front,
          const std::pair<std::string, std::uint32_t>& back, std::uint32_t front_type, std::uint32_t back_type) {
  auto n = e.ids.size();
  Encoding out;
  auto push_special = [&](const std::pair<std::string, std::uint32_t>& t, std::uint32_t type) {
    out.ids.push_back(t.second);
    out.tokens.push_back(t.first);
    out.offsets.emplace_back(0, 0);
    out.type_ids.push_back(type);
    out.special_tokens_mask.push_back(1);
    out.attention_mask.push_back(1);
    out.word_ids.emplace_back(std::nullopt);
  };
  if (front) push_special(*front, front_type);
  for (std::size_t i = 0; i < n; ++i) {
    out.ids.push_back(e.ids[i]);
    out.tokens.push_back(std::move(e.tokens[i]));
    out.offsets.push_back(e.offsets[i]);
    out.type_ids.push_back(e.type_ids[i]);
    out.special_tokens_mask.push_back(0);
    out.attention_mask.push_back(1);
    out.word_ids.push_back(e.word_ids[i]);
  }
  push_special(back, back_type);
  out.overflowing = std::move(e.overflowing);
  e = std::move(out);
}

class Bert final : public PostProcessor {
 public:
  Bert(std::pair<std::string, std::uint32_t> sep, std::pair<std::string, std::uint32_t> cls)
      : sep_(std::move(sep)), cls_(std::move(cls)) {}
  std::size_t added_tokens(bool is_pair) const override { return is_pair ? 3 : 2; }
  void process(std::vector<Encoding>& encs, bool add_special_tokens) const override {
    if (!add_special_tokens) return;
    for (std::size_t i = 0; i < encs.size(); ++i) {
      if (i == 0)
        wrap(encs[i], &cls_, sep_, 0, 0);
      else
        wrap(encs[i], nullptr, sep_, 0, 1);
    }
  }

 private:
  std::pair<std::string, std::uint32_t> sep_, cls_;
};

class Roberta final : public PostProcessor {
 public:
  Roberta(std::pair<std::string, std::uint32_t> sep, std::pair<std::string, std::uint32_t> cls, bool trim, bool aps)
      : sep_(std::move(sep)), cls_(std::move(cls)), trim_(trim), aps_(aps) {}
  std::size_t added_tokens(bool is_pair) const override { return is_pair ? 4 : 2; }
  void process(std::vector<Encoding>& encs, bool add_special_tokens) const override {
    for (auto& e : encs) {
      if (trim_) {
        trim_offsets(e, aps_);
        for (auto& o : e.overflowing) trim_offsets(o, aps_);
      }
      std::fill(e.type_ids.begin(), e.type_ids.end(), 0);
    }
    if (!add_special_tokens) return;
    for (std::size_t i = 0; i < encs.size(); ++i) wrap(encs[i], i == 0 ? &cls_ : &sep_, sep_, 0, 0);
  }

 private:
  std::pair<std::string, std::uint32_t> sep_, cls_;
  bool trim_, aps_;
};

class ByteLevel final : public PostProcessor {
 public:
  ByteLevel(bool trim, bool aps) : trim_(trim), aps_(aps) {}
  std::size_t added_tokens(bool) const override { return 0; }
  void process(std::vector<Encoding>& encs, bool) const override {
    if (!trim_) return;
    for (auto& e : encs) {
      trim_offsets(e, aps_);
      for (auto& o : e.overflowing) trim_offsets(o, aps_);
    }
  }

 private:
  bool trim_, aps_;
};

class Sequence final : public PostProcessor {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PostProcessor>> items) : items_(std::move(items)) {}
  std::size_t added_tokens(bool is_pair) const override {
    std::size_t n = 0;
    for (const auto& p : items_) n += p->added_tokens(is_pair);
    return n;
  }
  void process(std::vector<Encoding>& encs, bool add_special_tokens) const override {
    for (const auto& p : items_) p->process(encs, add_special_tokens);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> items_;
};

}  // namespace

std::unique_ptr<PostProcessor> make_bert(const JsonView& j) {
  return std::make_unique<Bert>(token_pair(j.at("sep")), token_pair(j.at("cls")));
}

std::unique_ptr<PostProcessor> make_roberta(const JsonView& j) {
  return std::make_unique<Roberta>(token_pair(j.at("sep")), token_pair(j.at("cls")), j.boolean("trim_offsets"),
                                   j.boolean("add_prefix_space"));
}

std::unique_ptr<PostProcessor> make_byte_level(const JsonView& j) {
  return std::make_unique<ByteLevel>(j.boolean("trim_offsets"), j.boolean("add_prefix_space"));
}

std::unique_ptr<PostProcessor> make_sequence(const JsonView& j) {
  JsonView list = j.at("processors");
  std::vector<std::unique_ptr<PostProcessor>> items;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_null()) list[i].fail("expected a post-processor object");
    items.push_back(make_post_processor(list[i]));
  }
  return std::make_unique<Sequence>(std::move(items));
}

}  // namespace hub::tokenizer::processors
