// Reading real checkpoints: every fixture file, compared with its own JSON header read
// independently here; dtypes F32/F16/BF16; f32 conversions.
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "safetensors_helpers.h"

using namespace hub::safetensors;
using hub::safetensors::test::fixture_repos;
using hub::safetensors::test::slurp;

namespace {

nlohmann::json header_json(const std::string& bytes) {
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  return nlohmann::json::parse(bytes.substr(8, n));
}

std::vector<std::filesystem::path> fixture_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& repo : std::filesystem::directory_iterator(fixture_repos()))
    for (const auto& f : std::filesystem::directory_iterator(repo.path()))
      if (f.path().extension() == ".safetensors") out.push_back(f.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("every fixture file opens and matches its JSON header", "[safetensors]") {
  auto files = fixture_files();
  REQUIRE(files.size() >= 30);
  std::set<std::string> dtypes_seen;
  for (const auto& path : files) {
    INFO(path.string());
    std::string bytes = slurp(path);
    nlohmann::json h = header_json(bytes);
    File f = File::open(path);
    CHECK(f.label() == path.string());
    CHECK(f.file_size() == bytes.size());
    std::size_t expected_tensors = h.size() - (h.contains("__metadata__") ? 1 : 0);
    REQUIRE(f.size() == expected_tensors);
    const std::byte* data_start = nullptr;
    for (const auto& [name, info] : h.items()) {
      if (name == "__metadata__") {
        for (const auto& [k, v] : info.items()) CHECK(f.metadata().at(k) == v.get<std::string>());
        continue;
      }
      auto t = f.find(name);
      REQUIRE(t.has_value());
      CHECK(t->name == name);
      CHECK(to_string(t->dtype) == info["dtype"].get<std::string>());
      dtypes_seen.insert(info["dtype"].get<std::string>());
      CHECK(std::vector<std::uint64_t>(t->shape.begin(), t->shape.end()) ==
            info["shape"].get<std::vector<std::uint64_t>>());
      auto begin = info["data_offsets"][0].get<std::uint64_t>();
      auto end = info["data_offsets"][1].get<std::uint64_t>();
      REQUIRE(t->data.size() == end - begin);
      // Zero copy: the view's bytes are the file's bytes at 8 + N + begin.
      CHECK(std::memcmp(t->data.data(), bytes.data() + 8 + f.header_size() + begin, t->data.size()) == 0);
      if (begin == 0) data_start = t->data.data();
    }
    // Views point into one mapping, in file order.
    auto all = f.tensors();
    for (std::size_t i = 1; i < all.size(); ++i)
      CHECK(all[i].data.data() == all[i - 1].data.data() + all[i - 1].data.size());
    if (!all.empty()) CHECK(all.front().data.data() == data_start);
  }
  CHECK(dtypes_seen.count("F32"));
  CHECK(dtypes_seen.count("F16"));
  CHECK(dtypes_seen.count("BF16"));
}

TEST_CASE("fixture metadata, lookups and a missing tensor", "[safetensors]") {
  File f = File::open(fixture_repos() / "bert_mlm/model.safetensors");
  CHECK(f.metadata().at("format") == "pt");
  CHECK_FALSE(f.find("no.such.tensor").has_value());
  try {
    f.get("no.such.tensor");
    FAIL("get() of a missing tensor must throw");
  } catch (const hub::Error& e) {
    CHECK(e.code() == hub::Errc::invalid_input);
    CHECK_THAT(e.what(), Catch::Contains("no.such.tensor") && Catch::Contains("bert_mlm/model.safetensors"));
  }
  // Views outlive moves of the File.
  auto t = f.get(f.tensors().front().name);
  File moved = std::move(f);
  CHECK(moved.find(t.name)->data.data() == t.data.data());
}

TEST_CASE("golden tensors read as f32 through every path", "[safetensors]") {
  File f = File::open(fixture_repos() / "minilm_st/golden.safetensors");
  for (const TensorView& t : f.tensors()) {
    REQUIRE(t.dtype == Dtype::f32);
    std::vector<float> out(t.element_count());
    to_f32(t, out);
    for (std::size_t i = 0; i < out.size(); ++i) {
      float v;
      std::memcpy(&v, t.data.data() + 4 * i, 4);
      CHECK(out[i] == v);
      CHECK(std::isfinite(out[i]));
    }
  }
}

TEST_CASE("BF16 and F16 fixture weights convert to sensible f32", "[safetensors]") {
  for (const char* rel : {"llama_lm/model.safetensors", "mistral_lm/model.safetensors"}) {
    INFO(rel);
    File f = File::open(fixture_repos() / rel);
    std::size_t converted = 0;
    for (const TensorView& t : f.tensors()) {
      REQUIRE((t.dtype == Dtype::bf16 || t.dtype == Dtype::f16));
      std::vector<float> out(t.element_count());
      to_f32(t, out);
      for (std::size_t i = 0; i < out.size(); ++i) {
        std::uint16_t bits;
        std::memcpy(&bits, t.data.data() + 2 * i, 2);
        float want = t.dtype == Dtype::bf16 ? bf16_to_f32(bits) : f16_to_f32(bits);
        REQUIRE(out[i] == want);
        REQUIRE(std::isfinite(out[i]));
        REQUIRE(std::fabs(out[i]) < 100.0f);  // random init weights, norms of 1
      }
      converted += out.size();
    }
    CHECK(converted > 1000);
  }
}

TEST_CASE("element conversions", "[safetensors]") {
  CHECK(f16_to_f32(0x3c00) == 1.0f);
  CHECK(f16_to_f32(0xc000) == -2.0f);
  CHECK(f16_to_f32(0x7bff) == 65504.0f);
  CHECK(f16_to_f32(0x0001) == std::ldexp(1.0f, -24));
  CHECK(f16_to_f32(0x03ff) == std::ldexp(1023.0f, -24));
  CHECK(std::isinf(f16_to_f32(0x7c00)));
  CHECK(std::isnan(f16_to_f32(0x7e00)));
  CHECK(std::signbit(f16_to_f32(0x8000)));
#if defined(__FLT16_MAX__)
  for (std::uint32_t b = 0; b < 0x10000; ++b) {
    _Float16 h;
    auto bits = static_cast<std::uint16_t>(b);
    std::memcpy(&h, &bits, 2);
    float want = static_cast<float>(h);
    float got = f16_to_f32(bits);
    if (std::isnan(want))
      REQUIRE(std::isnan(got));
    else
      REQUIRE(got == want);
  }
#endif
  CHECK(bf16_to_f32(0x3f80) == 1.0f);
  CHECK(bf16_to_f32(0xc0a0) == -5.0f);
  CHECK(f8_e4m3_to_f32(0x38) == 1.0f);
  CHECK(f8_e4m3_to_f32(0x7e) == 448.0f);
  CHECK(f8_e4m3_to_f32(0xfe) == -448.0f);
  CHECK(f8_e4m3_to_f32(0x01) == std::ldexp(1.0f, -9));
  CHECK(f8_e4m3_to_f32(0x08) == std::ldexp(1.0f, -6));
  CHECK(std::isnan(f8_e4m3_to_f32(0x7f)));
  CHECK(std::isnan(f8_e4m3_to_f32(0xff)));
  CHECK(f8_e4m3_to_f32(0x78) == 256.0f);  // e4m3fn: exponent 15 is finite
  CHECK(f8_e5m2_to_f32(0x3c) == 1.0f);
  CHECK(f8_e5m2_to_f32(0x7b) == 57344.0f);
  CHECK(std::isinf(f8_e5m2_to_f32(0x7c)));
  CHECK(f8_e5m2_to_f32(0x01) == std::ldexp(1.0f, -16));
}

TEST_CASE("to_f32 refuses integer tensors and a wrong output size", "[safetensors]") {
  std::string file = hub::safetensors::test::craft(R"({"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}})", 8);
  File f = File::from_buffer(hub::safetensors::test::bytes_of(file), "ints.safetensors");
  std::vector<float> out(2);
  try {
    to_f32(f.get("a"), out);
    FAIL("I32 must not convert");
  } catch (const hub::Error& e) {
    CHECK(e.code() == hub::Errc::unsupported);
  }
  std::string floats = hub::safetensors::test::craft(R"({"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", 4);
  File g = File::from_buffer(hub::safetensors::test::bytes_of(floats), "f16.safetensors");
  std::vector<float> wrong(3);
  CHECK_THROWS_AS(to_f32(g.get("a"), wrong), hub::Error);
}

TEST_CASE("dtype names round-trip and have the reference's sizes", "[safetensors]") {
  const std::vector<std::pair<std::string, unsigned>> all = {
      {"BOOL", 8},    {"F4", 4},      {"F6_E2M3", 6}, {"F6_E3M2", 6}, {"U8", 8},   {"I8", 8},    {"F8_E5M2", 8},
      {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"I16", 16},    {"U16", 16},    {"F16", 16}, {"BF16", 16}, {"I32", 32},
      {"U32", 32},    {"F32", 32},    {"C64", 64},    {"F64", 64},    {"I64", 64}, {"U64", 64}};
  for (const auto& [name, bits] : all) {
    auto d = parse_dtype(name);
    REQUIRE(d.has_value());
    CHECK(to_string(*d) == name);
    CHECK(bit_size(*d) == bits);
  }
  CHECK_FALSE(parse_dtype("f32").has_value());
  CHECK_FALSE(parse_dtype("F8_E4M3FN").has_value());
  CHECK_FALSE(parse_dtype("").has_value());
}

TEST_CASE("open() reports missing files and folders", "[safetensors]") {
  hub::safetensors::test::TempDir dir;
  try {
    File::open(dir.path() / "missing.safetensors");
    FAIL("missing file must throw");
  } catch (const hub::Error& e) {
    CHECK(e.code() == hub::Errc::io);
    CHECK_THAT(e.what(), Catch::Contains("missing.safetensors"));
  }
  CHECK_THROWS_AS(File::open(dir.path()), hub::Error);
  auto empty = dir.put("empty.safetensors", "");
  try {
    File::open(empty);
    FAIL("empty file must throw");
  } catch (const hub::Error& e) {
    CHECK(e.code() == hub::Errc::invalid_input);
    CHECK_THAT(e.what(), Catch::Contains("empty.safetensors") && Catch::Contains("0 bytes"));
  }
  // A FIFO is refused at once, not waited on for a writer that never comes.
  const auto fifo = dir.path() / "fifo.safetensors";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  try {
    File::open(fifo);
    FAIL("a FIFO must throw");
  } catch (const hub::Error& e) {
    CHECK(e.code() == hub::Errc::invalid_input);
    CHECK_THAT(e.what(), Catch::Contains("not a regular file"));
  }
}
