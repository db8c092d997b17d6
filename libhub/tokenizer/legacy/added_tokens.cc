// The added_tokens section of a converted legacy tokenizer (transformers' fast-tokenizer init:
// added_tokens_decoder in id order, then the special tokens not listed there).
#include <algorithm>
#include <map>

#include "hub/error.h"
#include "tokenizer/legacy/files.h"
#include "tokenizer/legacy/legacy.h"

namespace hub::tokenizer::legacy {
namespace {

nlohmann::json added_token(const std::string& content, bool special, bool lstrip) {
  return {{"id", 0},         {"content", content},     {"single_word", false}, {"lstrip", lstrip},
          {"rstrip", false}, {"normalized", !special}, {"special", special}};
}

}  // namespace

nlohmann::json added_tokens_section(const std::filesystem::path& folder, const TokenizerConfig& config,
                                    bool lstrip_mask) {
  nlohmann::json out = nlohmann::json::array();
  auto listed = [&](const std::string& content) {
    return std::any_of(out.begin(), out.end(), [&](const nlohmann::json& t) { return t["content"] == content; });
  };
  std::filesystem::path file = folder / "tokenizer_config.json";
  std::error_code ec;
  if (std::filesystem::is_regular_file(file, ec)) {
    nlohmann::json doc = nlohmann::json::parse(read_file(file), nullptr, false);
    // TokenizerConfig::from_folder has already rejected malformed JSON.
    if (doc.is_object() && doc.contains("added_tokens_decoder")) {
      const nlohmann::json& dec = doc["added_tokens_decoder"];
      auto fail = [&](const std::string& field, const std::string& what) {
        throw Error(Errc::invalid_input, file.string() + ": added_tokens_decoder" + field + ": " + what,
                    {.path = file.string()});
      };
      if (!dec.is_object()) fail("", "expected an object of id -> token");
      std::map<unsigned long, const nlohmann::json*> by_id;
      for (const auto& [key, tok] : dec.items()) {
        std::size_t used = 0;
        unsigned long id = 0;
        try {
          id = std::stoul(key, &used);
        } catch (const std::exception&) {
        }
        if (used == 0 || used != key.size()) fail("." + key, "the key is not a token id");
        by_id[id] = &tok;
      }
      for (const auto& [id, tok] : by_id) {
        std::string field = "." + std::to_string(id);
        if (!tok->is_object() || !tok->contains("content") || !(*tok)["content"].is_string())
          fail(field, "expected an object with a string \"content\"");
        auto flag = [&](const char* name, bool dflt) {
          if (!tok->contains(name)) return dflt;
          if (!(*tok)[name].is_boolean()) fail(field + "." + name, "expected a boolean");
          return (*tok)[name].get<bool>();
        };
        bool special = flag("special", false);
        out.push_back({{"id", id},
                       {"content", (*tok)["content"]},
                       {"single_word", flag("single_word", false)},
                       {"lstrip", flag("lstrip", false)},
                       {"rstrip", flag("rstrip", false)},
                       {"normalized", flag("normalized", !special)},
                       {"special", special}});
      }
    }
  }
  const std::optional<std::string>* specials[] = {&config.bos_token, &config.eos_token, &config.unk_token,
                                                  &config.sep_token, &config.pad_token, &config.cls_token,
                                                  &config.mask_token};
  for (const auto* t : specials)
    if (*t && !(*t)->empty() && !listed(**t))
      out.push_back(added_token(**t, true, lstrip_mask && t == &config.mask_token));
  for (const auto& t : config.additional_special_tokens)
    if (!t.empty() && !listed(t)) out.push_back(added_token(t, true, false));
  return out;
}

}  // namespace hub::tokenizer::legacy
