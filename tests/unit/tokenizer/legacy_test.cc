// Legacy tokenizer files (no tokenizer.json): vocab.txt, vocab.json + merges.txt and SentencePiece
// .model, loaded through AutoTokenizer, against the tokenizer.json they are equivalent to (which
// matches tokenizers@0.23.2, tests/integration/tokenizer_diff.test.mjs) on the whole corpus.
#include <sentencepiece_trainer.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "hub/error.h"
#include "hub/tokenizer.h"
#include "tests/unit/tokenizer/temp_dir.h"

using hub::tokenizer::test::TempDir;
using nlohmann::json;

namespace {

const std::filesystem::path kSource(HUB_SOURCE_DIR);
const std::filesystem::path kRepos = kSource / "tests/fixtures/repos/libhub";
const std::filesystem::path kShared = kSource / "../shared/data/tokenizers";

json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  REQUIRE(in);
  return json::parse(in);
}

std::vector<std::string> corpus() {
  std::ifstream in(kSource / "tests/fixtures/tokenizer/corpus.jsonl");
  REQUIRE(in);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(json::parse(line).get<std::string>());
  REQUIRE(out.size() > 100);
  return out;
}

void same(const hub::Encoding& a, const hub::Encoding& b) {
  CHECK(a.ids == b.ids);
  CHECK(a.tokens == b.tokens);
  CHECK(a.offsets == b.offsets);
  CHECK(a.type_ids == b.type_ids);
  CHECK(a.special_tokens_mask == b.special_tokens_mask);
  CHECK(a.word_ids == b.word_ids);
}

// Every corpus text, single (with and without special tokens) and as a pair, and the decodes.
void same_on_corpus(const hub::Tokenizer& legacy, const hub::Tokenizer& reference) {
  auto texts = corpus();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    INFO("corpus line " << i + 1 << ": " << texts[i]);
    auto e = reference.encode(texts[i]);
    same(legacy.encode(texts[i]), e);
    same(legacy.encode(texts[i], false), reference.encode(texts[i], false));
    same(legacy.encode_pair(texts[i], texts[(i + 1) % texts.size()]),
         reference.encode_pair(texts[i], texts[(i + 1) % texts.size()]));
    CHECK(legacy.decode(e.ids) == reference.decode(e.ids));
    CHECK(legacy.decode(e.ids, true) == reference.decode(e.ids, true));
  }
}

// The vocabulary of a tokenizer.json model in id order (ids must be 0..n-1).
std::vector<std::string> vocab_by_id(const json& vocab) {
  std::vector<std::string> out(vocab.size());
  for (const auto& [token, id] : vocab.items()) {
    REQUIRE(id.get<std::size_t>() < out.size());
    out[id.get<std::size_t>()] = token;
  }
  return out;
}

// tokenizer_config.json as transformers saves it: the fixture's settings, the class, and the
// added tokens with their flags.
json legacy_config(const std::filesystem::path& repo, const json& tokenizer_json, const std::string& cls) {
  json config = read_json(repo / "tokenizer_config.json");
  config["tokenizer_class"] = cls;
  json decoder = json::object();
  for (const auto& t : tokenizer_json["added_tokens"]) {
    json flags = t;
    flags.erase("id");
    decoder[std::to_string(t["id"].get<std::uint32_t>())] = flags;
  }
  config["added_tokens_decoder"] = decoder;
  return config;
}

}  // namespace

TEST_CASE("vocab.txt loads as the equivalent BERT tokenizer.json", "[tokenizer][legacy]") {
  for (const char* repo : {"bert_mlm", "minilm_base", "distilbert_sst2"}) {
    INFO(repo);
    json tj = read_json(kRepos / repo / "tokenizer.json");
    TempDir dir;
    std::string vocab;
    for (const auto& t : vocab_by_id(tj["model"]["vocab"])) vocab += t + "\n";
    dir.put("vocab.txt", vocab);
    json config = legacy_config(kRepos / repo, tj, "BertTokenizer");
    config["do_lower_case"] = tj["normalizer"]["lowercase"];
    if (!tj["normalizer"]["strip_accents"].is_null()) config["strip_accents"] = tj["normalizer"]["strip_accents"];
    dir.put("tokenizer_config.json", config.dump());
    auto legacy = hub::AutoTokenizer::from_pretrained(dir.path().string());
    auto reference = hub::AutoTokenizer::from_pretrained((kRepos / repo).string());
    CHECK(legacy.vocab_size() == reference.vocab_size());
    same_on_corpus(legacy, reference);
  }
}

TEST_CASE("a real vocab.txt (bert-base-chinese) matches its tokenizer.json", "[tokenizer][legacy]") {
  auto folder = kShared / "bert-base-chinese";
  if (!std::filesystem::exists(folder / "vocab.txt")) {
    WARN("skipped: " << folder.string() << " is absent (shared data not checked out)");
    return;
  }
  TempDir dir;
  std::filesystem::copy_file(folder / "vocab.txt", dir.path() / "vocab.txt");
  std::filesystem::copy_file(folder / "tokenizer_config.json",
                             dir.path() / "tokenizer_config.json");  // do_lower_case false
  auto legacy = hub::AutoTokenizer::from_pretrained((dir.path() / "vocab.txt").string());
  same_on_corpus(legacy, hub::Tokenizer::from_file(folder / "tokenizer.json"));
}

TEST_CASE("vocab.json + merges.txt load as GPT-2 / RoBERTa byte-level BPE", "[tokenizer][legacy]") {
  for (auto [repo, cls] : {std::pair{"gpt2_lm", "GPT2Tokenizer"}, std::pair{"roberta_cls", "RobertaTokenizer"}}) {
    INFO(repo);
    json tj = read_json(kRepos / repo / "tokenizer.json");
    TempDir dir;
    dir.put("vocab.json", tj["model"]["vocab"].dump());
    std::string merges = "#version: 0.2\n";
    for (const auto& m : tj["model"]["merges"])
      merges +=
          m.is_string() ? m.get<std::string>() + "\n" : m[0].get<std::string>() + " " + m[1].get<std::string>() + "\n";
    dir.put("merges.txt", merges);
    json config = legacy_config(kRepos / repo, tj, cls);
    config["add_prefix_space"] = tj["pre_tokenizer"]["add_prefix_space"];
    dir.put("tokenizer_config.json", config.dump());
    auto legacy = hub::AutoTokenizer::from_pretrained(dir.path().string());
    auto reference = hub::AutoTokenizer::from_pretrained((kRepos / repo).string());
    same_on_corpus(legacy, reference);
  }
}

TEST_CASE("legacy files: errors name the file and line", "[tokenizer][legacy]") {
  TempDir dir;
  dir.put("vocab.json", R"({"a": 0, "b": 1, "ab": 2})");
  dir.put("merges.txt", "#version: 0.2\na b\nab\n");
  dir.put("tokenizer_config.json",
          R"({"tokenizer_class": "GPT2Tokenizer", "unk_token": "a", "bos_token": "a", "eos_token": "a"})");
  hub::Errc code{};
  std::string msg;
  try {
    hub::AutoTokenizer::from_pretrained(dir.path().string());
  } catch (const hub::Error& e) {
    code = e.code();
    msg = e.what();
  }
  CHECK(code == hub::Errc::invalid_input);
  CHECK(msg.find("merges.txt: line 3") != std::string::npos);
  dir.put("merges.txt", "#version: 0.2\na b\n\xff b\n");
  code = {};
  try {
    hub::AutoTokenizer::from_pretrained(dir.path().string());
  } catch (const hub::Error& e) {
    code = e.code();
    msg = e.what();
  }
  CHECK(code == hub::Errc::invalid_input);
  CHECK(msg.find("merges.txt: line 3: not valid UTF-8") != std::string::npos);

  TempDir bert;
  bert.put("tokenizer_config.json", R"({"tokenizer_class": "BertTokenizer"})");
  code = {};
  try {
    hub::AutoTokenizer::from_pretrained(bert.path().string());
  } catch (const hub::Error& e) {
    code = e.code();
    msg = e.what();
  }
  CHECK(code == hub::Errc::entry_not_found);
  CHECK(msg.find("vocab.txt") != std::string::npos);
}

TEST_CASE("SentencePiece .model files under shared data", "[tokenizer][legacy][sentencepiece]") {
  std::vector<std::filesystem::path> models;
  std::error_code ec;
  if (std::filesystem::is_directory(kShared, ec))
    for (const auto& e : std::filesystem::recursive_directory_iterator(kShared, ec))
      if (e.path().extension() == ".model") models.push_back(e.path());
  if (models.empty()) {
    WARN("skipped: no real SentencePiece .model file under " << kShared.string()
                                                             << " to check against its tokenizer.json");
    return;
  }
  for (const auto& m : models) {
    INFO(m.string());
    if (!std::filesystem::exists(m.parent_path() / "tokenizer.json")) continue;
    TempDir dir;
    std::filesystem::copy_file(m, dir.path() / m.filename());
    if (std::filesystem::exists(m.parent_path() / "tokenizer_config.json"))
      std::filesystem::copy_file(m.parent_path() / "tokenizer_config.json", dir.path() / "tokenizer_config.json");
    auto legacy = hub::AutoTokenizer::from_pretrained(dir.path().string());
    auto reference = hub::Tokenizer::from_file(m.parent_path() / "tokenizer.json");
    for (const auto& t : corpus()) CHECK(legacy.encode(t).ids == reference.encode(t).ids);
  }
}

TEST_CASE("a SentencePiece model trained here runs through the pipeline", "[tokenizer][legacy][sentencepiece]") {
  // No real .model is in the shared data; train small ones with libsentencepiece itself and
  // check what libhub adds around it: special tokens from tokenizer_config.json, offsets, added
  // tokens in the text, truncation and decode.
  TempDir dir;
  std::string text;
  for (const auto& t : corpus()) text += t + "\n";
  dir.put("corpus.txt", text);
  for (const char* type : {"unigram", "bpe"}) {
    INFO(type);
    auto prefix = (dir.path() / type).string();
    auto status = sentencepiece::SentencePieceTrainer::Train(
        "--input=" + (dir.path() / "corpus.txt").string() + " --model_prefix=" + prefix + " --model_type=" + type +
        " --vocab_size=800 --character_coverage=0.99 --byte_fallback=true --hard_vocab_limit=false --minloglevel=2");
    INFO(status.ToString());
    REQUIRE(status.ok());
    TempDir repo;
    std::filesystem::copy_file(prefix + ".model", repo.path() / "tokenizer.model");
    repo.put("tokenizer_config.json", R"({"tokenizer_class": "LlamaTokenizer", "bos_token": "<s>", "eos_token": "</s>",
                                          "unk_token": "<unk>", "add_bos_token": true, "add_eos_token": true})");
    auto tok = hub::AutoTokenizer::from_pretrained(repo.path().string());
    const std::string s = "Hello world, the quick brown fox.";
    auto e = tok.encode(s);
    REQUIRE(e.size() > 3);
    CHECK(e.tokens.front() == "<s>");
    CHECK(e.tokens.back() == "</s>");
    CHECK(e.special_tokens_mask.front() == 1);
    CHECK(e.offsets[1].first == 0);
    CHECK(e.offsets[e.size() - 2].second == s.size());
    CHECK(tok.decode(e.ids, true) == s);
    CHECK(tok.decode(e.ids) == "<s>" + s + "</s>");
    // Added (special) tokens in the text are matched before the model sees it.
    auto with_eos = tok.encode("Hello</s>world", hub::EncodeOptions{.add_special_tokens = false});
    CHECK(std::count(with_eos.tokens.begin(), with_eos.tokens.end(), "</s>") == 1);
    CHECK(tok.encode(s, hub::EncodeOptions{.max_length = 4}).size() == 4);
    CHECK(tok.token_to_id("<s>") == 1u);
    CHECK(tok.vocab_size() > 300);
  }
  TempDir bad;
  bad.put("spiece.model", "not a model");
  CHECK_THROWS_AS(hub::AutoTokenizer::from_pretrained(bad.path().string()), hub::Error);
}
