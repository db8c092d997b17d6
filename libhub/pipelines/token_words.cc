// TokenWords from a tokenizer.json (see token_words.h).
#include "pipelines/token_words.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "tokenizer/decoder.h"
#include "tokenizer/json.h"

namespace hub::pipelines {

TokenWords token_words_from_json(std::string_view tokenizer_json, const Tokenizer& tokenizer) {
  const nlohmann::json doc = tokenizer::parse_document(tokenizer_json);
  tokenizer::JsonView root(doc, "");
  static const nlohmann::json kNull;
  auto decoder = std::shared_ptr<const tokenizer::Decoder>(
      tokenizer::make_decoder(root.contains("decoder") ? root.at("decoder") : tokenizer::JsonView(kNull, "decoder")));
  TokenWords words;
  words.tokens_to_string = [decoder](const std::vector<std::string>& tokens) {
    std::vector<std::string> parts = tokens;
    std::string out;
    if (decoder) {
      decoder->decode_chain(parts);
      for (const auto& p : parts) out += p;
      return out;
    }
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? " " : "") + parts[i];
    return out;
  };
  if (auto model = root.opt("model")) {
    if (auto prefix = model->opt_str("continuing_subword_prefix")) words.continuing_subword_prefix = !prefix->empty();
    if (auto unk = model->opt_str("unk_token")) words.unk_id = tokenizer.token_to_id(*unk);
  }
  return words;
}

}  // namespace hub::pipelines
