// BertTokenizerFast from vocab.txt: what transformers' BertConverter writes.
#include "hub/error.h"
#include "tokenizer/legacy/files.h"
#include "tokenizer/legacy/legacy.h"
#include "tokenizer/unicode.h"

namespace hub::tokenizer::legacy {
namespace {

nlohmann::json special_piece(const std::string& token, std::uint32_t type_id) {
  return {{"SpecialToken", {{"id", token}, {"type_id", type_id}}}};
}

nlohmann::json sequence_piece(const char* id, std::uint32_t type_id) {
  return {{"Sequence", {{"id", id}, {"type_id", type_id}}}};
}

}  // namespace

nlohmann::json wordpiece_from_vocab_txt(const std::filesystem::path& vocab_txt, const TokenizerConfig& config) {
  std::string text = read_file(vocab_txt);
  // BertTokenizer's load_vocab: readlines() then rstrip("\n"); the index is the id.
  nlohmann::json vocab = nlohmann::json::object();
  std::size_t line = 0;
  for (std::size_t pos = 0; pos < text.size(); ++line) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string token = text.substr(pos, end - pos);
    if (!token.empty() && token.back() == '\r') token.pop_back();  // universal newlines
    if (!unicode::is_valid_utf8(token))
      throw Error(Errc::invalid_input, vocab_txt.string() + ": line " + std::to_string(line + 1) + ": not valid UTF-8",
                  {.path = vocab_txt.string()});
    vocab[token] = line;
    pos = end + 1;
  }
  if (vocab.empty())
    throw Error(Errc::invalid_input, vocab_txt.string() + ": the vocabulary is empty", {.path = vocab_txt.string()});

  const std::string unk = config.unk_token.value_or("[UNK]");
  const std::string cls = config.cls_token.value_or("[CLS]");
  const std::string sep = config.sep_token.value_or("[SEP]");
  auto id_of = [&](const std::string& token) -> std::uint64_t {
    auto it = vocab.find(token);
    if (it == vocab.end())
      throw Error(Errc::invalid_input,
                  vocab_txt.string() + ": the special token `" + token + "` is not in the vocabulary",
                  {.path = vocab_txt.string()});
    return it->get<std::uint64_t>();
  };

  TokenizerConfig specials = config;
  specials.unk_token = unk;
  specials.cls_token = cls;
  specials.sep_token = sep;
  if (!specials.pad_token) specials.pad_token = "[PAD]";
  if (!specials.mask_token) specials.mask_token = "[MASK]";

  const nlohmann::json cls_id = id_of(cls), sep_id = id_of(sep);  // before `vocab` moves into the document
  nlohmann::json strip_accents = config.strip_accents ? nlohmann::json(*config.strip_accents) : nlohmann::json(nullptr);
  return {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", added_tokens_section(vocab_txt.parent_path(), specials, false)},
      {"normalizer",
       {{"type", "BertNormalizer"},
        {"clean_text", true},
        {"handle_chinese_chars", config.tokenize_chinese_chars},
        {"strip_accents", strip_accents},
        {"lowercase", config.do_lower_case}}},
      {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
      {"model",
       {{"type", "WordPiece"},
        {"unk_token", unk},
        {"continuing_subword_prefix", "##"},
        {"max_input_chars_per_word", 100},
        {"vocab", std::move(vocab)}}},
      {"post_processor",
       {{"type", "TemplateProcessing"},
        {"single", {special_piece(cls, 0), sequence_piece("A", 0), special_piece(sep, 0)}},
        {"pair",
         {special_piece(cls, 0), sequence_piece("A", 0), special_piece(sep, 0), sequence_piece("B", 1),
          special_piece(sep, 1)}},
        {"special_tokens",
         {{cls, {{"id", cls}, {"ids", {cls_id}}, {"tokens", {cls}}}},
          {sep, {{"id", sep}, {"ids", {sep_id}}, {"tokens", {sep}}}}}}}},
      {"decoder", {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}},
  };
}

}  // namespace hub::tokenizer::legacy
