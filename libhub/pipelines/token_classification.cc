// token-classification post-processing (transformers TokenClassificationPipeline: gather_pre_entities,
// aggregate, aggregate_words, group_entities).
#include <algorithm>
#include <cmath>

#include "hub/error.h"
#include "pipelines/postprocess.h"
#include "tokenizer/unicode.h"

namespace hub::pipelines {
namespace {

// One non-special token with its label probabilities.
struct PreEntity {
  std::string word;
  std::vector<float> scores;
  std::size_t start = 0, end = 0;
  std::size_t index = 0;
  bool is_subword = false;
};

std::string slice(const std::u32string& text, std::size_t start, std::size_t end) {
  std::string out;
  for (std::size_t i = std::min(start, text.size()); i < std::min(end, text.size()); ++i)
    tokenizer::unicode::append_utf8(out, text[i]);
  return out;
}

std::size_t argmax(const std::vector<float>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

std::vector<PreEntity> gather_pre_entities(std::span<const float> logits, std::size_t num_labels, const Encoding& enc,
                                           const std::u32string& text, const TokenWords& words) {
  std::vector<PreEntity> out;
  for (std::size_t idx = 0; idx < enc.size(); ++idx) {
    if (idx < enc.special_tokens_mask.size() && enc.special_tokens_mask[idx]) continue;
    PreEntity p;
    p.index = idx;
    p.word = enc.tokens[idx];
    std::tie(p.start, p.end) = enc.offsets[idx];
    const std::string word_ref = slice(text, p.start, p.end);
    if (words.continuing_subword_prefix) {
      p.is_subword = tokenizer::unicode::count_chars(p.word) != tokenizer::unicode::count_chars(word_ref);
    } else {  // transformers' fallback heuristic: no space just before or at the token's start
      const std::size_t from = p.start == 0 ? 0 : p.start - 1;
      bool space = false;
      for (std::size_t i = from; i < std::min(p.start + 1, text.size()); ++i) space = space || text[i] == U' ';
      p.is_subword = p.start > 0 && !space;
    }
    if (words.unk_id && enc.ids[idx] == *words.unk_id) {
      p.word = word_ref;
      p.is_subword = false;
    }
    p.scores = apply_function(logits.subspan(idx * num_labels, num_labels), ClassificationFunction::softmax);
    out.push_back(std::move(p));
  }
  return out;
}

// np.nanmean of float32 values (no NaN arises here): a float32 sum divided by the count.
float mean(const std::vector<float>& v) {
  float sum = 0;
  for (float x : v) sum += x;
  return sum / static_cast<float>(v.size());
}

Entity aggregate_word(const std::vector<const PreEntity*>& group, AggregationStrategy strategy,
                      const std::vector<std::string>& id2label, const TokenWords& words) {
  std::vector<std::string> tokens;
  for (const PreEntity* p : group) tokens.push_back(p->word);
  std::vector<float> scores;
  switch (strategy) {
    case AggregationStrategy::first: scores = group.front()->scores; break;
    case AggregationStrategy::max: {
      const PreEntity* best = group.front();  // the first token holding the highest score
      for (const PreEntity* p : group)
        if (*std::max_element(p->scores.begin(), p->scores.end()) >
            *std::max_element(best->scores.begin(), best->scores.end()))
          best = p;
      scores = best->scores;
      break;
    }
    case AggregationStrategy::average: {
      scores.assign(group.front()->scores.size(), 0.0f);
      for (const PreEntity* p : group)
        for (std::size_t i = 0; i < scores.size(); ++i) scores[i] += p->scores[i];
      for (float& s : scores) s /= static_cast<float>(group.size());
      break;
    }
    default: throw Error(Errc::internal, "token-classification: word aggregation without a word strategy");
  }
  const std::size_t label = argmax(scores);
  Entity e;
  e.entity = id2label[label];
  e.score = scores[label];
  e.word = words.tokens_to_string(tokens);
  e.start = group.front()->start;
  e.end = group.back()->end;
  return e;
}

// transformers' get_tag: ("B", tag), ("I", tag), or ("I", name) when there is no B-/I- prefix.
std::pair<char, std::string_view> get_tag(std::string_view name) {
  if (name.starts_with("B-")) return {'B', name.substr(2)};
  if (name.starts_with("I-")) return {'I', name.substr(2)};
  return {'I', name};
}

Entity group_sub_entities(const std::vector<Entity>& group, const TokenWords& words) {
  Entity g;
  const std::string& first = group.front().entity;
  const std::size_t dash = first.find('-');  // entity.split("-", 1)[-1]
  g.entity = dash == std::string::npos ? first : first.substr(dash + 1);
  std::vector<float> scores;
  std::vector<std::string> tokens;
  for (const Entity& e : group) {
    scores.push_back(e.score);
    tokens.push_back(e.word);
  }
  g.score = mean(scores);
  g.word = words.tokens_to_string(tokens);
  g.start = group.front().start;
  g.end = group.back().end;
  return g;
}

std::vector<Entity> group_entities(const std::vector<Entity>& entities, const TokenWords& words) {
  std::vector<Entity> groups;
  std::vector<Entity> current;
  for (const Entity& e : entities) {
    if (current.empty()) {
      current.push_back(e);
      continue;
    }
    auto [bi, tag] = get_tag(e.entity);
    auto [last_bi, last_tag] = get_tag(current.back().entity);
    if (tag == last_tag && bi != 'B') {
      current.push_back(e);
    } else {
      groups.push_back(group_sub_entities(current, words));
      current = {e};
    }
  }
  if (!current.empty()) groups.push_back(group_sub_entities(current, words));
  return groups;
}

}  // namespace

std::vector<Entity> classify_tokens(std::span<const float> logits, std::size_t num_labels, const Encoding& enc,
                                    std::string_view text, const std::vector<std::string>& id2label,
                                    const TokenWords& words, AggregationStrategy strategy,
                                    const std::vector<std::string>& ignore_labels) {
  if (num_labels == 0 || num_labels != id2label.size() || logits.size() < enc.size() * num_labels)
    throw Error(Errc::invalid_input, "token-classification: " + std::to_string(logits.size()) + " logits for " +
                                         std::to_string(enc.size()) + " tokens and " + std::to_string(id2label.size()) +
                                         " labels");
  if (enc.tokens.size() != enc.size() || enc.offsets.size() != enc.size())
    throw Error(Errc::invalid_input, "token-classification: the encoding lacks tokens or offsets");
  if (!words.tokens_to_string) throw Error(Errc::internal, "token-classification: no tokens_to_string");
  const std::u32string chars = tokenizer::unicode::to_u32(tokenizer::unicode::utf8_lossy(text));
  const std::vector<PreEntity> pre = gather_pre_entities(logits, num_labels, enc, chars, words);

  std::vector<Entity> entities;
  if (strategy == AggregationStrategy::none || strategy == AggregationStrategy::simple) {
    for (const PreEntity& p : pre) {
      const std::size_t label = argmax(p.scores);
      entities.push_back({id2label[label], p.scores[label], p.index, p.word, p.start, p.end});
    }
  } else {  // aggregate_words: a token that is a sub-word joins the word before it
    std::vector<const PreEntity*> group;
    for (const PreEntity& p : pre) {
      if (!group.empty() && !p.is_subword) {
        entities.push_back(aggregate_word(group, strategy, id2label, words));
        group.clear();
      }
      group.push_back(&p);
    }
    if (!group.empty()) entities.push_back(aggregate_word(group, strategy, id2label, words));
  }
  if (strategy != AggregationStrategy::none) entities = group_entities(entities, words);

  std::erase_if(entities, [&](const Entity& e) {
    return std::find(ignore_labels.begin(), ignore_labels.end(), e.entity) != ignore_labels.end();
  });
  return entities;
}

}  // namespace hub::pipelines
