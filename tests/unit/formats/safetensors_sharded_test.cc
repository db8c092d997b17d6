// Sharded checkpoints through model.safetensors.index.json, and malicious indexes.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "safetensors_helpers.h"

using namespace hub::safetensors;
using Catch::Contains;
using hub::safetensors::test::fixture_repos;
using hub::safetensors::test::TempDir;

namespace {

// A file with one 4-byte U8 tensor per name.
std::string shard(std::initializer_list<const char*> names) {
  static const std::uint8_t data[4] = {1, 2, 3, 4};
  std::vector<TensorData> tensors;
  for (const char* n : names) tensors.push_back({n, Dtype::u8, {4}, {reinterpret_cast<const std::byte*>(data), 4}});
  return serialize(tensors);
}

hub::Error open_error(const std::filesystem::path& index) {
  try {
    Checkpoint::open(index);
  } catch (const hub::Error& e) {
    return e;
  }
  return hub::Error(hub::Errc::internal, "<opened without error>");
}

}  // namespace

TEST_CASE("gpt2_lm: the sharded fixture resolves every tensor to its shard", "[safetensors]") {
  auto dir = fixture_repos() / "gpt2_lm";
  auto index = nlohmann::json::parse(std::ifstream(dir / "model.safetensors.index.json"));
  Checkpoint ckpt = Checkpoint::open(dir / "model.safetensors.index.json");
  REQUIRE(ckpt.shards().size() == 2);
  CHECK(ckpt.names().size() == index["weight_map"].size());
  CHECK(ckpt.index_metadata().at("total_size") == index["metadata"]["total_size"].dump());
  std::uint64_t total = 0;
  for (const auto& [name, shard] : index["weight_map"].items()) {
    INFO(name);
    auto view = ckpt.get(name);
    const File& file = ckpt.shards()[shard.get<std::string>() == "model-00001-of-00002.safetensors" ? 0 : 1];
    auto direct = file.find(name);
    REQUIRE(direct.has_value());
    CHECK(view.data.data() == direct->data.data());  // the shard's mapping, not a copy
    total += view.data.size();
  }
  CHECK(total == index["metadata"]["total_size"].get<std::uint64_t>());
  CHECK_FALSE(ckpt.find("lm_head.nope").has_value());
  try {
    ckpt.get("lm_head.nope");
    FAIL("missing tensor");
  } catch (const hub::Error& e) {
    CHECK(e.code() == hub::Errc::invalid_input);
    CHECK_THAT(e.what(), Contains("lm_head.nope") && Contains("model.safetensors.index.json"));
  }
  // A single file is a checkpoint of one shard.
  Checkpoint single = Checkpoint::open(fixture_repos() / "bert_mlm/model.safetensors");
  CHECK(single.shards().size() == 1);
  CHECK(single.names().size() == single.shards()[0].size());
}

TEST_CASE("shard paths must stay beside the index", "[safetensors]") {
  TempDir dir;
  dir.put("inner/model.safetensors", shard({"a"}));
  dir.put("outside.safetensors", shard({"a"}));
  for (const char* shard : {"../outside.safetensors", "/etc/passwd", "sub/../../outside.safetensors", "./x.safetensors",
                            "a//b.safetensors", "", "dir\\x.safetensors", "x/"}) {
    INFO(shard);
    auto index = dir.put("inner/model.safetensors.index.json", nlohmann::json{{"weight_map", {{"a", shard}}}}.dump());
    hub::Error e = open_error(index);
    CHECK(e.code() == hub::Errc::invalid_input);
    CHECK_THAT(e.what(), Contains("model.safetensors.index.json") && Contains("'a'"));
  }
  // A NUL inside the name.
  auto index =
      dir.put("inner/model.safetensors.index.json", std::string(R"({"weight_map":{"a":"model.safetensors\u0000.x"}})"));
  CHECK(open_error(index).code() == hub::Errc::invalid_input);
  // Sub-folders without dot segments are fine.
  dir.put("inner/shards/one.safetensors", shard({"a"}));
  index = dir.put("inner/model.safetensors.index.json", R"({"weight_map":{"a":"shards/one.safetensors"}})");
  CHECK(Checkpoint::open(index).get("a").data.size() == 4);
}

TEST_CASE("malformed indexes and shards that disagree with them", "[safetensors]") {
  TempDir dir;
  dir.put("one.safetensors", shard({"a"}));
  dir.put("two.safetensors", shard({"b"}));
  auto check = [&](const std::string& json, hub::Errc code, std::initializer_list<const char*> fragments) {
    INFO(json);
    hub::Error e = open_error(dir.put("model.safetensors.index.json", json));
    CHECK(e.code() == code);
    for (const char* f : fragments) CHECK_THAT(e.what(), Contains(f));
  };
  check("[]", hub::Errc::invalid_input, {"JSON object"});
  check("{", hub::Errc::invalid_input, {"not valid JSON"});
  check(R"({"metadata":{}})", hub::Errc::invalid_input, {"missing \"weight_map\""});
  check(R"({"weight_map":[]})", hub::Errc::invalid_input, {"\"weight_map\" must be an object"});
  check(R"({"weight_map":{"a":1}})", hub::Errc::invalid_input, {"'a'", "must name a shard"});
  check(R"({"weight_map":{"a":"one.safetensors","a":"two.safetensors"}})", hub::Errc::invalid_input, {"twice"});
  check(R"({"weight_map":{"b":"one.safetensors"}})", hub::Errc::invalid_input,
        {"'b'", "one.safetensors", "no such tensor"});
  check(R"({"weight_map":{"a":"missing.safetensors"}})", hub::Errc::io, {"missing.safetensors"});
  check(R"({"weight_map":{"b":"two.safetensors"},"metadata":[]})", hub::Errc::invalid_input, {"\"metadata\""});
  // Tensors a shard holds but the map does not list stay reachable, unless two shards hold them.
  dir.put("ac.safetensors", shard({"a", "c"}));
  dir.put("bc.safetensors", shard({"b", "c"}));
  auto ok = Checkpoint::open(dir.put("model.safetensors.index.json", R"({"weight_map":{"a":"ac.safetensors"}})"));
  CHECK(ok.names() == std::vector<std::string_view>{"a", "c"});
  check(R"({"weight_map":{"a":"ac.safetensors","b":"bc.safetensors"}})", hub::Errc::invalid_input,
        {"'c'", "ac.safetensors", "bc.safetensors"});
  auto chosen =
      Checkpoint::open(dir.put("model.safetensors.index.json",
                               R"({"weight_map":{"a":"ac.safetensors","b":"bc.safetensors","c":"bc.safetensors"}})"));
  CHECK(chosen.get("c").data.data() == chosen.shards()[1].get("c").data.data());
  // A shard that is itself malformed names the shard.
  dir.put("bad.safetensors", "not a safetensors file at all");
  check(R"({"weight_map":{"a":"bad.safetensors"}})", hub::Errc::invalid_input, {"bad.safetensors"});
}
