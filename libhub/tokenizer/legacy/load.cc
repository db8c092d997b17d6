// Picking and loading the tokenizer files of a local folder (see load.h).
#include "tokenizer/legacy/load.h"

#include "hub/error.h"
#include "tokenizer/legacy/files.h"
#include "tokenizer/legacy/legacy.h"
#include "tokenizer/legacy/sentencepiece.h"

namespace hub::tokenizer::legacy {
namespace {

namespace fs = std::filesystem;

enum class Family { unknown, wordpiece, gpt2, roberta, sentencepiece };

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The family a transformers tokenizer class or model type belongs to.
Family family_of(std::string_view name) {
  for (std::string_view p : {"Bert", "DistilBert", "Electra", "bert", "distilbert", "electra"})
    if (starts_with(name, p)) return Family::wordpiece;
  for (std::string_view p : {"Roberta", "roberta"})
    if (starts_with(name, p)) return Family::roberta;
  for (std::string_view p : {"GPT2", "gpt2"})
    if (starts_with(name, p)) return Family::gpt2;
  for (std::string_view p :
       {"Llama", "T5", "Albert", "XLNet", "Camembert", "XLMRoberta", "Pegasus", "Marian", "MBart", "Gemma", "llama",
        "t5", "albert", "xlnet", "camembert", "xlm-roberta", "pegasus", "mbart", "gemma"})
    if (starts_with(name, p)) return Family::sentencepiece;
  return Family::unknown;
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// config.json's model_type, when the folder has one.
std::string model_type(const fs::path& folder) {
  if (!is_file(folder / "config.json")) return {};
  nlohmann::json j = nlohmann::json::parse(read_file(folder / "config.json"), nullptr, false);
  if (j.is_object() && j.contains("model_type") && j["model_type"].is_string())
    return j["model_type"].get<std::string>();
  return {};
}

std::optional<fs::path> sentencepiece_model(const fs::path& folder) {
  for (const char* name : {"tokenizer.model", "spiece.model", "sentencepiece.bpe.model"})
    if (is_file(folder / name)) return folder / name;
  return std::nullopt;
}

// Loads a converted document; load errors name the files it came from.
Tokenizer from_converted(const nlohmann::json& doc, TokenizerConfig config, const std::string& files) {
  try {
    return Tokenizer::from_json(doc.dump(), std::move(config));
  } catch (const Error& e) {
    std::string msg = e.what();
    if (msg.rfind("tokenizer.json: ", 0) == 0) msg = msg.substr(16);
    throw Error(e.code(), files + " (converted): " + msg, e.context());
  }
}

Tokenizer from_legacy(const fs::path& folder, TokenizerConfig config) {
  Family family = config.tokenizer_class ? family_of(*config.tokenizer_class) : Family::unknown;
  if (family == Family::unknown) family = family_of(model_type(folder));
  const bool has_bpe = is_file(folder / "vocab.json") && is_file(folder / "merges.txt");
  const auto spm = sentencepiece_model(folder);
  const bool has_wordpiece = is_file(folder / "vocab.txt");
  if (family == Family::unknown) {
    if (spm)
      family = Family::sentencepiece;
    else if (has_bpe)
      family = Family::gpt2;
    else if (has_wordpiece)
      family = Family::wordpiece;
  }
  auto missing = [&](const std::string& what) {
    throw Error(Errc::entry_not_found, "no tokenizer.json and no " + what + " in " + folder.string(),
                {.path = folder.string()});
  };
  switch (family) {
    case Family::wordpiece:
      if (!has_wordpiece) missing("vocab.txt");
      {  // the document is built before `config` moves into the tokenizer
        nlohmann::json doc = wordpiece_from_vocab_txt(folder / "vocab.txt", config);
        return from_converted(doc, std::move(config), (folder / "vocab.txt").string());
      }
    case Family::gpt2:
    case Family::roberta:
      if (!has_bpe) missing("vocab.json + merges.txt");
      {
        nlohmann::json doc =
            byte_level_bpe_from_files(folder / "vocab.json", folder / "merges.txt", config, family == Family::roberta);
        return from_converted(doc, std::move(config), (folder / "vocab.json").string() + " + merges.txt");
      }
    case Family::sentencepiece:
      if (!spm) missing("SentencePiece model (tokenizer.model, spiece.model, sentencepiece.bpe.model)");
      return sentencepiece_tokenizer(*spm, std::move(config));
    case Family::unknown: break;
  }
  missing("vocab.txt, vocab.json + merges.txt or SentencePiece .model");
  throw Error(Errc::internal, "unreachable");
}

}  // namespace

Tokenizer load_file(const fs::path& file, TokenizerConfig config) {
  if (file.extension() == ".model") return sentencepiece_tokenizer(file, std::move(config));
  if (file.filename() == "vocab.txt") {
    nlohmann::json doc = wordpiece_from_vocab_txt(file, config);
    return from_converted(doc, std::move(config), file.string());
  }
  return Tokenizer::from_file(file, std::move(config));
}

Tokenizer load_folder(const fs::path& folder, TokenizerConfig config) {
  if (is_file(folder / "tokenizer.json")) return Tokenizer::from_file(folder / "tokenizer.json", std::move(config));
  return from_legacy(folder, std::move(config));
}

}  // namespace hub::tokenizer::legacy
