// hub::TokenizerConfig: tokenizer_config.json, special_tokens_map.json and chat_template.jinja
// as transformers' PreTrainedTokenizerBase.from_pretrained reads them.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hub/error.h"
#include "hub/tokenizer.h"

namespace hub {
namespace {

// transformers writes model_max_length = int(1e30) for "no limit"; treat anything this large so.
constexpr double kHugeSentinel = 1e29;

// Reads a whole file; nullopt when it does not exist.
std::optional<std::string> read_optional(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Errc::io, "cannot open " + path.string(), {.path = path.string()});
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error(Errc::io, "cannot read " + path.string(), {.path = path.string()});
  return ss.str();
}

// One JSON file being read: errors name the file and the field.
class ConfigFile {
 public:
  ConfigFile(std::filesystem::path path, const std::string& text) : path_(std::move(path)) {
    try {
      doc_ = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw Error(Errc::invalid_input, path_.string() + ": not valid JSON: " + e.what(), {.path = path_.string()});
    }
    if (!doc_.is_object()) fail("(root)", "expected a JSON object");
  }

  const nlohmann::json* get(const char* key) const {
    auto it = doc_.find(key);
    return it == doc_.end() || it->is_null() ? nullptr : &*it;
  }

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw Error(Errc::invalid_input, path_.string() + ": " + field + ": " + what, {.path = path_.string()});
  }

  // A special token: a string or an AddedToken object {"content": "...", ...}.
  std::string token(const std::string& field, const nlohmann::json& v) const {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object()) {
      auto c = v.find("content");
      if (c != v.end() && c->is_string()) return c->get<std::string>();
    }
    fail(field, "expected a string or an object with a string \"content\"");
  }

  void token(const char* key, std::optional<std::string>& out) const {
    if (const auto* v = get(key)) out = token(key, *v);
  }

  void boolean(const char* key, bool& out) const {
    if (const auto* v = get(key)) {
      if (!v->is_boolean()) fail(key, "expected a boolean");
      out = v->get<bool>();
    }
  }

  void boolean(const char* key, std::optional<bool>& out) const {
    bool b = false;
    if (get(key)) {
      boolean(key, b);
      out = b;
    }
  }

  void side(const char* key, std::string& out) const {
    if (const auto* v = get(key)) {
      if (!v->is_string() || (*v != "left" && *v != "right")) fail(key, "expected \"left\" or \"right\"");
      out = v->get<std::string>();
    }
  }

  void token_list(const char* key, std::vector<std::string>& out) const {
    if (const auto* v = get(key)) {
      if (!v->is_array()) fail(key, "expected an array of tokens");
      out.clear();
      for (std::size_t i = 0; i < v->size(); ++i)
        out.push_back(token(std::string(key) + "[" + std::to_string(i) + "]", (*v)[i]));
    }
  }

 private:
  std::filesystem::path path_;
  nlohmann::json doc_;
};

void read_special_tokens(const ConfigFile& f, TokenizerConfig& c) {
  f.token("bos_token", c.bos_token);
  f.token("eos_token", c.eos_token);
  f.token("unk_token", c.unk_token);
  f.token("sep_token", c.sep_token);
  f.token("pad_token", c.pad_token);
  f.token("cls_token", c.cls_token);
  f.token("mask_token", c.mask_token);
  f.token_list("additional_special_tokens", c.additional_special_tokens);
}

void read_tokenizer_config(const ConfigFile& f, TokenizerConfig& c) {
  if (const auto* v = f.get("model_max_length")) {
    if (!v->is_number() || v->get<double>() < 0) f.fail("model_max_length", "expected a non-negative number");
    double d = v->get<double>();
    if (d < kHugeSentinel) {
      if (!v->is_number_unsigned()) f.fail("model_max_length", "expected an integer");
      c.model_max_length = v->get<std::size_t>();
    }
  }
  read_special_tokens(f, c);
  f.boolean("clean_up_tokenization_spaces", c.clean_up_tokenization_spaces);
  f.boolean("add_bos_token", c.add_bos_token);
  f.boolean("add_eos_token", c.add_eos_token);
  f.side("padding_side", c.padding_side);
  f.side("truncation_side", c.truncation_side);
  if (const auto* v = f.get("chat_template")) {
    if (v->is_string()) {
      c.chat_template = v->get<std::string>();
    } else if (v->is_array()) {
      // The list form: [{"name": ..., "template": ...}]; the "default" entry is the template.
      for (std::size_t i = 0; i < v->size(); ++i) {
        const auto& e = (*v)[i];
        std::string field = "chat_template[" + std::to_string(i) + "]";
        if (!e.is_object() || !e.contains("name") || !e["name"].is_string() || !e.contains("template") ||
            !e["template"].is_string())
          f.fail(field, "expected {\"name\": string, \"template\": string}");
        if (e["name"] == "default") c.chat_template = e["template"].get<std::string>();
      }
    } else {
      f.fail("chat_template", "expected a string or a list of {\"name\", \"template\"}");
    }
  }
  if (const auto* v = f.get("tokenizer_class")) {
    if (!v->is_string()) f.fail("tokenizer_class", "expected a string");
    c.tokenizer_class = v->get<std::string>();
  }
  f.boolean("do_lower_case", c.do_lower_case);
  f.boolean("strip_accents", c.strip_accents);
  f.boolean("tokenize_chinese_chars", c.tokenize_chinese_chars);
  f.boolean("add_prefix_space", c.add_prefix_space);
}

}  // namespace

TokenizerConfig TokenizerConfig::from_folder(const std::filesystem::path& folder) {
  TokenizerConfig c;
  if (auto text = read_optional(folder / "tokenizer_config.json"))
    read_tokenizer_config(ConfigFile(folder / "tokenizer_config.json", *text), c);
  // special_tokens_map.json overrides what tokenizer_config.json says (transformers does the same).
  if (auto text = read_optional(folder / "special_tokens_map.json"))
    read_special_tokens(ConfigFile(folder / "special_tokens_map.json", *text), c);
  if (auto text = read_optional(folder / "chat_template.jinja")) c.chat_template = std::move(*text);
  return c;
}

}  // namespace hub
