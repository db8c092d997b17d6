// The model registry: `type` tag -> factory, with field-set inference for untagged models (§1.4).
#include <algorithm>

#include "hub/error.h"
#include "tokenizer/models/models.h"

namespace hub::tokenizer {

std::unique_ptr<Model> make_model(const JsonView& j) {
  using namespace models;
  if (!j.is_object()) j.fail("expected a model object");
  if (auto t = j.opt("type")) {
    std::string type = t->as_string();
    if (type == "BPE") return make_bpe(j);
    if (type == "WordPiece") return make_wordpiece(j, true);
    if (type == "WordLevel") return make_wordlevel(j);
    if (type == "Unigram") return make_unigram(j);
    t->fail("unknown model type `" + type + "`");
  }
  if (j.contains("merges")) return make_bpe(j);
  if (j.contains("vocab") && j.at("vocab").is_array()) return make_unigram(j);
  if (j.contains("continuing_subword_prefix") && j.contains("max_input_chars_per_word"))
    return make_wordpiece(j, false);
  return make_wordlevel(j);
}

namespace models {

Vocab Vocab::from_object(const JsonView& j) {
  if (!j.is_object()) j.fail("expected an object mapping tokens to ids");
  Vocab v;
  v.to_id_.reserve(j.raw().size());
  for (const auto& [key, value] : j.raw().items()) {
    if (value.is_number_unsigned() && value.get<std::uint64_t>() <= 0xFFFFFFFFull)
      v.add(key, value.get<std::uint32_t>());
    else
      v.add(key, JsonView(value, j.path() + "[\"" + key + "\"]").as_u32());  // checks, names the entry
  }
  return v;
}

void Vocab::add(std::string token, std::uint32_t id) {
  if (id >= to_token_.size()) {
    // Ids are dense in real files; a stray huge id would only cost memory, so bound it.
    if (id > (1u << 26))
      throw Error(Errc::unsupported, "tokenizer.json: token id " + std::to_string(id) + " is too large");
    to_token_.resize(id + 1);
    has_.resize(id + 1);
  }
  longest_ = std::max(longest_, token.size());
  to_token_[id] = token;
  has_[id] = true;
  to_id_[std::move(token)] = id;
}

}  // namespace models
}  // namespace hub::tokenizer
