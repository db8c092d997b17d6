// The writer: round trips, the reference's layout (byte-identical re-serialisation of files the
// reference wrote), and refusal of inconsistent input.
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>

#include "safetensors_helpers.h"

using namespace hub::safetensors;
using hub::safetensors::test::fixture_repos;
using hub::safetensors::test::slurp;
using hub::safetensors::test::TempDir;

namespace {

std::span<const std::byte> as_bytes(const std::vector<std::uint8_t>& v) {
  return {reinterpret_cast<const std::byte*>(v.data()), v.size()};
}

}  // namespace

TEST_CASE("write then read: every tensor, dtype, shape, byte and metadata", "[safetensors]") {
  std::vector<std::uint8_t> f32(2 * 3 * 4), i64(5 * 8), bools(3), f4(2), bf16(4 * 2), empty;
  for (std::size_t i = 0; i < f32.size(); ++i) f32[i] = static_cast<std::uint8_t>(i * 7 + 1);
  for (std::size_t i = 0; i < i64.size(); ++i) i64[i] = static_cast<std::uint8_t>(255 - i);
  bools = {1, 0, 1};
  f4 = {0x21, 0x43};
  for (std::size_t i = 0; i < bf16.size(); ++i) bf16[i] = static_cast<std::uint8_t>(i);
  std::vector<TensorData> tensors = {
      {"layer.0.weight", Dtype::f32, {2, 3}, as_bytes(f32)},
      {"mask", Dtype::boolean, {3}, as_bytes(bools)},
      {"ids", Dtype::i64, {5}, as_bytes(i64)},
      {"packed", Dtype::f4, {4}, as_bytes(f4)},
      {"emb", Dtype::bf16, {2, 2}, as_bytes(bf16)},
      {"nothing", Dtype::f16, {0, 7}, as_bytes(empty)},
  };
  std::map<std::string, std::string> meta = {{"format", "pt"}, {"note", "héllo \"quoted\"\n"}};
  TempDir dir;
  auto path = dir.path() / "sub/out.safetensors";
  write(path, tensors, meta);

  File f = File::open(path);
  REQUIRE(f.size() == tensors.size());
  CHECK(f.header_size() % 8 == 0);
  for (const auto& [k, v] : meta) CHECK(f.metadata().at(k) == v);
  for (const TensorData& t : tensors) {
    INFO(t.name);
    auto v = f.get(t.name);
    CHECK(v.dtype == t.dtype);
    CHECK(std::vector<std::uint64_t>(v.shape.begin(), v.shape.end()) == t.shape);
    REQUIRE(v.data.size() == t.data.size());
    // memcmp with the null pointer of an empty tensor is undefined even for zero bytes.
    if (!t.data.empty()) CHECK(std::memcmp(v.data.data(), t.data.data(), t.data.size()) == 0);
    // Larger elements first keeps every tensor aligned to its element size.
    auto offset = static_cast<std::size_t>(v.data.data() - f.tensors().front().data.data());
    if (bit_size(t.dtype) >= 8) CHECK(offset % (bit_size(t.dtype) / 8) == 0);
  }
  // File order: the reference's dtype order descending (I64, F32, BF16, F16, F4, BOOL), then name.
  auto order = f.tensors();
  CHECK(order[0].name == "ids");
  CHECK(order[1].name == "layer.0.weight");
  CHECK(order[2].name == "emb");
  CHECK(order[3].name == "nothing");
  CHECK(order[4].name == "packed");
  CHECK(order[5].name == "mask");
  // serialize() and write() agree; no temporary file is left behind.
  CHECK(serialize(tensors, meta) == slurp(path));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(path.parent_path())) ++entries;
  CHECK(entries == 1);
}

TEST_CASE("re-serialising reference files gives the same bytes", "[safetensors]") {
  for (const char* rel : {"bert_mlm/model.safetensors", "llama_lm/model.safetensors", "mistral_lm/model.safetensors",
                          "gpt2_lm/model-00001-of-00002.safetensors", "bert_mlm/golden.safetensors"}) {
    INFO(rel);
    auto path = fixture_repos() / rel;
    File f = File::open(path);
    std::vector<TensorData> tensors;
    for (const TensorView& t : f.tensors())
      tensors.push_back({std::string(t.name), t.dtype, {t.shape.begin(), t.shape.end()}, t.data});
    std::map<std::string, std::string> meta(f.metadata().begin(), f.metadata().end());
    CHECK(serialize(tensors, meta) == slurp(path));
  }
}

TEST_CASE("an empty checkpoint is 8 + 8 bytes", "[safetensors]") {
  std::string bytes = serialize({});
  CHECK(bytes == std::string("\x08\0\0\0\0\0\0\0{}      ", 16));
  CHECK(File::from_buffer(hub::safetensors::test::bytes_of(bytes), "empty").size() == 0);
}

TEST_CASE("the writer refuses inconsistent tensors", "[safetensors]") {
  std::vector<std::uint8_t> four(4);
  auto refuses = [](std::vector<TensorData> t, const char* fragment) {
    try {
      serialize(t);
      FAIL("expected a refusal: " << fragment);
    } catch (const hub::Error& e) {
      CHECK(e.code() == hub::Errc::invalid_input);
      CHECK_THAT(e.what(), Catch::Contains(fragment));
    }
  };
  refuses({{"a", Dtype::f32, {2}, as_bytes(four)}}, "needs 8");
  refuses({{"a", Dtype::u8, {4}, as_bytes(four)}, {"a", Dtype::u8, {4}, as_bytes(four)}}, "two tensors");
  refuses({{"", Dtype::u8, {4}, as_bytes(four)}}, "empty name");
  refuses({{"__metadata__", Dtype::u8, {4}, as_bytes(four)}}, "reserved");
  refuses({{"bad\xff", Dtype::u8, {4}, as_bytes(four)}}, "UTF-8");
  refuses({{"a", Dtype::f4, {3}, as_bytes(four)}}, "whole bytes");
  refuses({{"a", Dtype::u64, {1ull << 62}, as_bytes(four)}}, "overflows");
  TempDir dir;
  CHECK_THROWS_AS(write(dir.path() / "x.safetensors", std::vector<TensorData>{{"a", Dtype::f32, {2}, as_bytes(four)}}),
                  hub::Error);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "x.safetensors"));
}
