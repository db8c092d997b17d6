// GPT-2 / RoBERTa byte-level BPE from vocab.json + merges.txt: what transformers' GPT2Converter
// and RobertaConverter write.
#include "hub/error.h"
#include "tokenizer/legacy/files.h"
#include "tokenizer/legacy/legacy.h"
#include "tokenizer/unicode.h"

namespace hub::tokenizer::legacy {
namespace {

nlohmann::json read_vocab(const std::filesystem::path& path) {
  nlohmann::json vocab;
  try {
    vocab = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(Errc::invalid_input, path.string() + ": not valid JSON: " + e.what(), {.path = path.string()});
  }
  if (!vocab.is_object() || vocab.empty())
    throw Error(Errc::invalid_input, path.string() + ": expected a non-empty JSON object of token -> id",
                {.path = path.string()});
  for (const auto& [token, id] : vocab.items())
    if (!id.is_number_unsigned() || id.get<std::uint64_t>() > 0xFFFFFFFFull)
      throw Error(Errc::invalid_input, path.string() + ": " + token + ": expected an unsigned 32-bit id",
                  {.path = path.string()});
  return vocab;
}

// The tokenizers library's merges reader: "#version" lines and blank lines are skipped, every
// other line is two tokens separated by one space.
nlohmann::json read_merges(const std::filesystem::path& path) {
  std::string text = read_file(path);
  nlohmann::json merges = nlohmann::json::array();
  std::size_t line = 0;
  for (std::size_t pos = 0; pos < text.size(); ++line) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string l = text.substr(pos, end - pos);
    pos = end + 1;
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (l.empty() || l.rfind("#version", 0) == 0) continue;
    if (!unicode::is_valid_utf8(l))
      throw Error(Errc::invalid_input, path.string() + ": line " + std::to_string(line + 1) + ": not valid UTF-8",
                  {.path = path.string()});
    std::size_t space = l.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 == l.size() ||
        l.find(' ', space + 1) != std::string::npos)
      throw Error(Errc::invalid_input,
                  path.string() + ": line " + std::to_string(line + 1) + ": expected two tokens separated by a space",
                  {.path = path.string()});
    merges.push_back({l.substr(0, space), l.substr(space + 1)});
  }
  return merges;
}

nlohmann::json special_id(const nlohmann::json& vocab, const std::string& token,
                          const std::filesystem::path& vocab_json) {
  auto it = vocab.find(token);
  if (it == vocab.end())
    throw Error(Errc::invalid_input,
                vocab_json.string() + ": the special token `" + token + "` is not in the vocabulary",
                {.path = vocab_json.string()});
  return {token, *it};
}

}  // namespace

nlohmann::json byte_level_bpe_from_files(const std::filesystem::path& vocab_json,
                                         const std::filesystem::path& merges_txt, const TokenizerConfig& config,
                                         bool roberta) {
  nlohmann::json vocab = read_vocab(vocab_json);
  nlohmann::json merges = read_merges(merges_txt);
  const bool add_prefix_space = config.add_prefix_space.value_or(false);
  TokenizerConfig specials = config;
  if (roberta) {  // RobertaTokenizer's defaults
    if (!specials.bos_token) specials.bos_token = "<s>";
    if (!specials.eos_token) specials.eos_token = "</s>";
    if (!specials.sep_token) specials.sep_token = "</s>";
    if (!specials.cls_token) specials.cls_token = "<s>";
    if (!specials.unk_token) specials.unk_token = "<unk>";
    if (!specials.pad_token) specials.pad_token = "<pad>";
    if (!specials.mask_token) specials.mask_token = "<mask>";
  } else {  // GPT2Tokenizer's
    if (!specials.bos_token) specials.bos_token = "<|endoftext|>";
    if (!specials.eos_token) specials.eos_token = "<|endoftext|>";
    if (!specials.unk_token) specials.unk_token = "<|endoftext|>";
  }

  nlohmann::json post;
  if (roberta) {
    post = {{"type", "RobertaProcessing"},
            {"sep", special_id(vocab, *specials.sep_token, vocab_json)},
            {"cls", special_id(vocab, *specials.cls_token, vocab_json)},
            {"trim_offsets", true},
            {"add_prefix_space", add_prefix_space}};
  } else if (config.add_bos_token.value_or(false)) {
    const std::string& bos = *specials.bos_token;
    nlohmann::json bos_piece = {{"SpecialToken", {{"id", bos}, {"type_id", 0}}}};
    post = {{"type", "TemplateProcessing"},
            {"single", {bos_piece, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
            {"pair",
             {bos_piece, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "B"}, {"type_id", 1}}}}}},
            {"special_tokens",
             {{bos, {{"id", bos}, {"ids", {special_id(vocab, bos, vocab_json)[1]}}, {"tokens", {bos}}}}}}};
  } else {
    // trim_offsets false: GPT2Converter's ByteLevel processor changes nothing.
    post = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}, {"use_regex", true}};
  }
  return {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", added_tokens_section(vocab_json.parent_path(), specials, roberta)},
      {"normalizer", nullptr},
      {"pre_tokenizer",
       {{"type", "ByteLevel"}, {"add_prefix_space", add_prefix_space}, {"trim_offsets", true}, {"use_regex", true}}},
      {"model",
       {{"type", "BPE"},
        {"dropout", nullptr},
        {"unk_token", nullptr},
        {"continuing_subword_prefix", ""},
        {"end_of_word_suffix", ""},
        {"fuse_unk", false},
        {"byte_fallback", false},
        {"vocab", std::move(vocab)},
        {"merges", std::move(merges)}}},
      {"post_processor", std::move(post)},
      {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
  };
}

}  // namespace hub::tokenizer::legacy
