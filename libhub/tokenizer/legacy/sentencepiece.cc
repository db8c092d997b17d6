// SentencePiece .model files through libsentencepiece (see sentencepiece.h).
#include "tokenizer/legacy/sentencepiece.h"

#include <sentencepiece_processor.h>

#include "hub/error.h"
#include "tokenizer/assembler.h"
#include "tokenizer/legacy/legacy.h"

namespace hub::tokenizer::legacy {
namespace {

using Processor = sentencepiece::SentencePieceProcessor;

// The model stage: libsentencepiece encodes each split (it normalizes, adds the dummy prefix
// and segments); offsets are its byte spans in the split.
class SentencePieceModel : public Model {
 public:
  explicit SentencePieceModel(std::shared_ptr<const Processor> sp) : sp_(std::move(sp)) {}

  void tokenize(std::string_view word, std::vector<Token>& out) const override {
    auto text = sp_->EncodeAsImmutableProto(word);
    for (const auto& p : text.pieces()) out.push_back({p.id(), p.piece(), {p.begin(), p.end()}});
  }
  std::optional<std::uint32_t> token_to_id(std::string_view token) const override {
    int id = sp_->PieceToId(token);
    // PieceToId answers unk_id for unknown strings.
    if (id < 0 || (id == sp_->unk_id() && sp_->IdToPiece(id) != token)) return std::nullopt;
    return static_cast<std::uint32_t>(id);
  }
  const std::string* id_to_token(std::uint32_t id) const override {
    if (id >= vocab_size()) return nullptr;
    return &sp_->IdToPiece(static_cast<int>(id));
  }
  std::size_t vocab_size() const override { return static_cast<std::size_t>(sp_->GetPieceSize()); }

 private:
  std::shared_ptr<const Processor> sp_;
};

// The decoder: runs of vocabulary pieces are decoded by libsentencepiece; control pieces and
// tokens outside its vocabulary (added tokens) are kept as written.
class SentencePieceDecoder : public Decoder {
 public:
  explicit SentencePieceDecoder(std::shared_ptr<const Processor> sp) : sp_(std::move(sp)) {}

  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string out;
    std::vector<std::string> run;
    auto flush = [&] {
      if (!run.empty()) out += sp_->DecodePieces(run);
      run.clear();
    };
    for (auto& t : tokens) {
      int id = sp_->PieceToId(t);
      bool literal = sp_->IsControl(id) || (sp_->IsUnknown(id) && sp_->IdToPiece(id) != t);
      if (literal) {
        flush();
        out += t;
      } else {
        run.push_back(std::move(t));
      }
    }
    flush();
    tokens.assign(1, std::move(out));
  }

 private:
  std::shared_ptr<const Processor> sp_;
};

bool starts_with(const std::optional<std::string>& s, std::string_view prefix) {
  return s && std::string_view(*s).substr(0, prefix.size()) == prefix;
}

nlohmann::json piece(const std::string& token, std::uint32_t type_id) {
  return {{"SpecialToken", {{"id", token}, {"type_id", type_id}}}};
}

nlohmann::json sequence(const char* id, std::uint32_t type_id) {
  return {{"Sequence", {{"id", id}, {"type_id", type_id}}}};
}

}  // namespace

Tokenizer sentencepiece_tokenizer(const std::filesystem::path& model_file, TokenizerConfig config) {
  auto sp = std::make_shared<Processor>();
  if (auto status = sp->Load(model_file.string()); !status.ok())
    throw Error(Errc::invalid_input, model_file.string() + ": not a SentencePiece model: " + status.ToString(),
                {.path = model_file.string()});
  auto piece_of = [&](int id) -> std::optional<std::string> {
    if (id < 0 || id >= sp->GetPieceSize()) return std::nullopt;
    return sp->IdToPiece(id);
  };
  // Special tokens the config does not name come from the model's own ids.
  TokenizerConfig specials = config;
  if (!specials.bos_token) specials.bos_token = piece_of(sp->bos_id());
  if (!specials.eos_token) specials.eos_token = piece_of(sp->eos_id());
  if (!specials.unk_token) specials.unk_token = piece_of(sp->unk_id());
  if (!specials.pad_token) specials.pad_token = piece_of(sp->pad_id());

  const auto& cls_name = config.tokenizer_class;
  std::vector<nlohmann::json> single, pair;
  auto need = [&](const std::optional<std::string>& t, const char* what) -> const std::string& {
    if (!t)
      throw Error(Errc::invalid_input, model_file.string() + ": the tokenizer needs a " + what + " token and has none",
                  {.path = model_file.string()});
    return *t;
  };
  if (starts_with(cls_name, "T5") || starts_with(cls_name, "Pegasus") || starts_with(cls_name, "Marian")) {
    const std::string& eos = need(specials.eos_token, "eos");  // $A </s>, $A </s> $B </s>
    single = {sequence("A", 0), piece(eos, 0)};
    pair = {sequence("A", 0), piece(eos, 0), sequence("B", 0), piece(eos, 0)};
  } else if (starts_with(cls_name, "Albert") || starts_with(cls_name, "XLMRoberta") ||
             starts_with(cls_name, "Camembert")) {
    bool albert = starts_with(cls_name, "Albert");
    if (!specials.cls_token) specials.cls_token = albert ? "[CLS]" : "<s>";
    if (!specials.sep_token) specials.sep_token = albert ? "[SEP]" : "</s>";
    const std::string &cls = *specials.cls_token, &sep = *specials.sep_token;
    single = {piece(cls, 0), sequence("A", 0), piece(sep, 0)};
    if (albert)
      pair = {piece(cls, 0), sequence("A", 0), piece(sep, 0), sequence("B", 1), piece(sep, 1)};
    else
      pair = {piece(cls, 0), sequence("A", 0), piece(sep, 0), piece(sep, 0), sequence("B", 0), piece(sep, 0)};
  } else {
    // LlamaTokenizer (and the default): <s> $A, with add_bos_token / add_eos_token.
    bool bos = config.add_bos_token.value_or(true), eos = config.add_eos_token.value_or(false);
    for (int side = 0; side < 2; ++side) {
      auto& out = side == 0 ? single : pair;
      for (std::uint32_t k = 0; k <= static_cast<std::uint32_t>(side); ++k) {
        if (bos) out.push_back(piece(need(specials.bos_token, "bos"), k));
        out.push_back(sequence(k == 0 ? "A" : "B", k));
        if (eos) out.push_back(piece(need(specials.eos_token, "eos"), k));
      }
    }
  }
  nlohmann::json special_tokens = nlohmann::json::object();
  auto model = std::make_unique<SentencePieceModel>(sp);
  for (const auto* list : {&single, &pair})
    for (const auto& p : *list)
      if (p.contains("SpecialToken")) {
        std::string t = p["SpecialToken"]["id"];
        auto id = model->token_to_id(t);
        if (!id)
          throw Error(Errc::invalid_input, model_file.string() + ": the special token `" + t + "` is not in the model",
                      {.path = model_file.string()});
        special_tokens[t] = {{"id", t}, {"ids", {*id}}, {"tokens", {t}}};
      }
  nlohmann::json doc = {
      {"added_tokens", added_tokens_section(model_file.parent_path(), specials, false)},
      {"post_processor",
       {{"type", "TemplateProcessing"}, {"single", single}, {"pair", pair}, {"special_tokens", special_tokens}}},
  };
  try {
    return Assembler::assemble(doc, std::move(model), std::make_unique<SentencePieceDecoder>(sp), std::move(config));
  } catch (const Error& e) {
    std::string msg = e.what();
    if (msg.rfind("tokenizer.json: ", 0) == 0) msg = msg.substr(16);
    throw Error(e.code(), model_file.string() + " (converted): " + msg, e.context());
  }
}

}  // namespace hub::tokenizer::legacy
