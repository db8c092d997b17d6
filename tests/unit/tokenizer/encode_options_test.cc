// EncodeOptions::max_length against tokenizers@0.23.2, TokenizerConfig, pad/mask ids, decode
// clean-up and AutoTokenizer over the fixture repos.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hub/error.h"
#include "hub/tokenizer.h"
#include "tests/unit/tokenizer/temp_dir.h"

using nlohmann::json;

namespace {

const std::filesystem::path kRepos = std::filesystem::path(HUB_SOURCE_DIR) / "tests/fixtures/repos/libhub";

json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  REQUIRE(in);
  return json::parse(in);
}

std::string error_of(const std::function<void()>& f, hub::Errc* code = nullptr) {
  try {
    f();
  } catch (const hub::Error& e) {
    if (code) *code = e.code();
    return e.what();
  }
  FAIL("expected a hub::Error");
  return {};
}

}  // namespace

TEST_CASE("EncodeOptions::max_length truncates as the binding's setTruncation", "[tokenizer][encode_options]") {
  // Golden: tests/fixtures/tokenizer/make_max_length_golden.mjs (tokenizers@0.23.2).
  json golden = read_json(std::filesystem::path(HUB_SOURCE_DIR) / "tests/fixtures/tokenizer/max_length_golden.json");
  const std::string text = golden["text"], pair = golden["pair"];
  REQUIRE(golden["cases"].size() == 80);
  for (const auto& c : golden["cases"]) {
    hub::TokenizerConfig config;
    config.truncation_side = c["direction"];
    auto tok = hub::Tokenizer::from_file(kRepos / c["repo"].get<std::string>() / "tokenizer.json", config);
    hub::EncodeOptions opts{.add_special_tokens = c["add_special_tokens"],
                            .max_length = c["max_length"].get<std::size_t>()};
    hub::Encoding e = c["pair"] ? tok.encode_pair(text, pair, opts) : tok.encode(text, opts);
    INFO(c["repo"] << " " << c["direction"] << " max " << c["max_length"] << " special " << c["add_special_tokens"]
                   << " pair " << c["pair"]);
    CHECK(e.ids == c["ids"].get<std::vector<std::uint32_t>>());
    CHECK(e.tokens == c["tokens"].get<std::vector<std::string>>());
    CHECK(e.offsets == c["offsets"].get<std::vector<std::pair<std::size_t, std::size_t>>>());
    CHECK(e.type_ids == c["type_ids"].get<std::vector<std::uint32_t>>());
    CHECK(e.special_tokens_mask == c["special_tokens_mask"].get<std::vector<std::uint32_t>>());
    CHECK(e.size() <= c["max_length"].get<std::size_t>());
  }
}

TEST_CASE("EncodeOptions in encode_batch; nullopt keeps the file's settings", "[tokenizer][encode_options]") {
  auto tok = hub::Tokenizer::from_file(kRepos / "bert_mlm/tokenizer.json");
  std::vector<std::string> texts{"Hello world!", "The quick brown fox jumps over the lazy dog."};
  auto full = tok.encode_batch(texts, hub::EncodeOptions{});
  auto cut = tok.encode_batch(texts, hub::EncodeOptions{.max_length = 5});
  REQUIRE(cut.size() == 2);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    CHECK(full[i].ids == tok.encode(texts[i]).ids);
    CHECK(cut[i].ids == tok.encode(texts[i], hub::EncodeOptions{.max_length = 5}).ids);
    CHECK(cut[i].size() == std::min<std::size_t>(5, full[i].size()));
  }
  CHECK(tok.encode(texts[1], hub::EncodeOptions{.add_special_tokens = false}).ids == tok.encode(texts[1], false).ids);
  // Fewer tokens than the special tokens need is refused, not wrapped around.
  hub::Errc code{};
  error_of([&] { tok.encode("hello", hub::EncodeOptions{.max_length = 1}); }, &code);
  CHECK(code == hub::Errc::invalid_input);
}

TEST_CASE("AutoTokenizer reads the fixture repos with their tokenizer_config.json", "[tokenizer][auto_tokenizer]") {
  struct Want {
    const char* repo;
    std::optional<std::string> pad, mask, bos, eos, unk;
  };
  const Want wants[] = {
      {"bert_mlm", "[PAD]", "[MASK]", std::nullopt, std::nullopt, "[UNK]"},
      {"roberta_cls", "<pad>", "<mask>", "<s>", "</s>", "<unk>"},
      {"llama_lm", "<unk>", std::nullopt, "<s>", "</s>", "<unk>"},
      {"gpt2_lm", std::nullopt, std::nullopt, "<|endoftext|>", "<|endoftext|>", "<|endoftext|>"},
      {"t5_s2s", "<pad>", std::nullopt, std::nullopt, "</s>", "<unk>"},
  };
  for (const auto& w : wants) {
    INFO(w.repo);
    auto folder = kRepos / w.repo;
    auto tok = hub::AutoTokenizer::from_pretrained(folder.string());
    const auto& c = tok.config();
    CHECK(c.model_max_length == 128u);
    CHECK(c.pad_token == w.pad);
    CHECK(c.mask_token == w.mask);
    CHECK(c.bos_token == w.bos);
    CHECK(c.eos_token == w.eos);
    CHECK(c.unk_token == w.unk);
    CHECK(c.padding_side == "right");
    CHECK(c.tokenizer_class == "TokenizersBackend");
    CHECK(tok.pad_token_id() == (w.pad ? tok.token_to_id(*w.pad) : std::nullopt));
    CHECK(tok.mask_token_id() == (w.mask ? tok.token_to_id(*w.mask) : std::nullopt));
    if (w.pad) CHECK(tok.pad_token_id().has_value());
    // Same encodings as the bare tokenizer.json; the file path form loads the same.
    auto bare = hub::Tokenizer::from_file(folder / "tokenizer.json");
    auto by_file = hub::AutoTokenizer::from_pretrained((folder / "tokenizer.json").string());
    const char* text = "The quick brown fox jumps over the lazy dog.";
    CHECK(tok.encode(text).ids == bare.encode(text).ids);
    CHECK(by_file.encode(text).ids == bare.encode(text).ids);
    CHECK(by_file.config().pad_token == w.pad);
    CHECK_FALSE(bare.config().model_max_length.has_value());
  }
  CHECK(hub::AutoTokenizer::from_pretrained((kRepos / "bert_mlm").string()).pad_token_id() == 0u);
  CHECK(hub::AutoTokenizer::from_pretrained((kRepos / "bert_mlm").string()).mask_token_id() == 4u);
}

TEST_CASE("AutoTokenizer: a folder without tokenizer files is named in the error", "[tokenizer][auto_tokenizer]") {
  hub::tokenizer::test::TempDir dir;
  dir.put("config.json", "{}");
  hub::Errc code{};
  std::string msg = error_of([&] { hub::AutoTokenizer::from_pretrained(dir.path().string()); }, &code);
  CHECK(code == hub::Errc::entry_not_found);
  CHECK(msg.find(dir.path().string()) != std::string::npos);
}

TEST_CASE("TokenizerConfig: token objects, sentinel length, special_tokens_map, chat templates",
          "[tokenizer][auto_tokenizer]") {
  hub::tokenizer::test::TempDir dir;
  dir.put("tokenizer_config.json", R"({
    "model_max_length": 1000000000000000019884624838656,
    "bos_token": {"content": "<s>", "lstrip": false, "normalized": false, "rstrip": false, "single_word": false, "__type": "AddedToken"},
    "eos_token": "</s>", "pad_token": null, "unk_token": "<unk>",
    "additional_special_tokens": ["<a>", {"content": "<b>"}],
    "clean_up_tokenization_spaces": true, "add_bos_token": true, "add_eos_token": false,
    "padding_side": "left", "truncation_side": "left", "do_lower_case": false,
    "chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}],
    "tokenizer_class": "LlamaTokenizer"})");
  dir.put("special_tokens_map.json", R"({"eos_token": {"content": "<|eot|>"}, "pad_token": "<pad>"})");
  auto c = hub::TokenizerConfig::from_folder(dir.path());
  CHECK_FALSE(c.model_max_length.has_value());
  CHECK(c.bos_token == "<s>");
  CHECK(c.eos_token == "<|eot|>");  // special_tokens_map.json wins
  CHECK(c.pad_token == "<pad>");
  CHECK(c.unk_token == "<unk>");
  CHECK_FALSE(c.cls_token.has_value());
  CHECK(c.additional_special_tokens == std::vector<std::string>{"<a>", "<b>"});
  CHECK(c.clean_up_tokenization_spaces);
  CHECK(c.add_bos_token == true);
  CHECK(c.add_eos_token == false);
  CHECK(c.padding_side == "left");
  CHECK(c.truncation_side == "left");
  CHECK_FALSE(c.do_lower_case);
  CHECK(c.chat_template == "D");
  CHECK(c.tokenizer_class == "LlamaTokenizer");
  dir.put("chat_template.jinja", "{{ messages }}");
  CHECK(hub::TokenizerConfig::from_folder(dir.path()).chat_template == "{{ messages }}");

  hub::TokenizerConfig defaults = hub::TokenizerConfig::from_folder(dir.path() / "missing");
  CHECK_FALSE(defaults.clean_up_tokenization_spaces);
  CHECK(defaults.padding_side == "right");
  CHECK(defaults.do_lower_case);
}

TEST_CASE("TokenizerConfig errors name the file and the field", "[tokenizer][auto_tokenizer]") {
  struct Case {
    const char* file;
    const char* content;
    const char* needle;
  };
  const Case cases[] = {
      {"tokenizer_config.json", R"({"padding_side": "middle"})", "tokenizer_config.json: padding_side"},
      {"tokenizer_config.json", R"({"pad_token": 3})", "tokenizer_config.json: pad_token"},
      {"tokenizer_config.json", R"({"model_max_length": "512"})", "tokenizer_config.json: model_max_length"},
      {"tokenizer_config.json", R"({"additional_special_tokens": ["a", {"x": 1}]})",
       "tokenizer_config.json: additional_special_tokens[1]"},
      {"tokenizer_config.json", R"({"clean_up_tokenization_spaces": "yes"})",
       "tokenizer_config.json: clean_up_tokenization_spaces"},
      {"tokenizer_config.json", "{not json", "tokenizer_config.json: not valid JSON"},
      {"special_tokens_map.json", R"({"mask_token": {"contents": "<m>"}})", "special_tokens_map.json: mask_token"},
  };
  for (const auto& c : cases) {
    INFO(c.content);
    hub::tokenizer::test::TempDir dir;
    dir.put(c.file, c.content);
    hub::Errc code{};
    std::string msg = error_of([&] { hub::TokenizerConfig::from_folder(dir.path()); }, &code);
    CHECK(code == hub::Errc::invalid_input);
    CHECK(msg.find(c.needle) != std::string::npos);
  }
}

TEST_CASE("decode with transformers' clean_up_tokenization", "[tokenizer][decode]") {
  auto tok = hub::AutoTokenizer::from_pretrained((kRepos / "gpt2_lm").string());
  const std::string text =
      "Hello , world . Why ? No ! I 'm sure it 's what we 've said they 're doing , they do n't , it ' ok ' ?";
  auto ids = tok.encode(text).ids;
  REQUIRE(tok.decode(ids) == text);  // byte-level round trip
  CHECK_FALSE(tok.config().clean_up_tokenization_spaces);
  CHECK(tok.decode(ids, false, std::nullopt) == text);
  CHECK(tok.decode(ids, false, false) == text);
  CHECK(tok.decode(ids, false, true) ==
        "Hello, world. Why? No! I'm sure it's what we've said they're doing, they don't, it'ok '?");
  // The config's value applies when the caller leaves it open.
  hub::TokenizerConfig config;
  config.clean_up_tokenization_spaces = true;
  auto cleaning = hub::Tokenizer::from_file(kRepos / "gpt2_lm/tokenizer.json", config);
  CHECK(cleaning.decode(ids, false, std::nullopt) == tok.decode(ids, false, true));
  CHECK(cleaning.decode(ids) == text);  // the two-argument decode is the tokenizers library's
}
