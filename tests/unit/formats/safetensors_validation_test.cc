// Every validation rule, each with a crafted malicious file: the parse fails with
// Errc::invalid_input and a message naming the file and the tensor or field at fault.
#include <catch2/catch.hpp>

#include "safetensors_helpers.h"

using namespace hub::safetensors;
using Catch::Contains;
using hub::safetensors::test::craft;
using hub::safetensors::test::parse_failure;

namespace {

// Expects `file` to be rejected with a message holding the label and every fragment.
void rejects(const std::string& file, std::initializer_list<const char*> fragments) {
  auto f = parse_failure(file);
  INFO(f.message);
  CHECK(f.code == hub::Errc::invalid_input);
  CHECK_THAT(f.message, Contains("crafted.safetensors"));
  for (const char* s : fragments) CHECK_THAT(f.message, Contains(s));
}

std::string le64(std::uint64_t n) {
  std::string s;
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return s;
}

}  // namespace

TEST_CASE("header length: too short, over the cap, past the end", "[safetensors]") {
  rejects("", {"0 bytes"});
  rejects("\x01\x02\x03", {"3 bytes"});
  rejects(le64(100'000'001) + "{}", {"100000001", "limit"});
  rejects(le64(~std::uint64_t{0}), {"limit"});
  rejects(le64(64) + "{}", {"64", "past the end"});
  // A pickle's first bytes read as a length: refused by the cap, never parsed further.
  rejects(std::string("\x80\x02\x7d\x71\x00\x58\x06\x00", 8) + "weight", {"limit"});
}

TEST_CASE("header text: UTF-8, JSON, object, duplicates, nesting", "[safetensors]") {
  rejects(craft("{\"a\xff\":1}"), {"UTF-8"});
  rejects(craft("{\"\xed\xa0\x80\":{}}"), {"UTF-8"});  // a surrogate
  rejects(craft("{\"\xc0\xaf\":{}}"), {"UTF-8"});      // overlong '/'
  rejects(craft("{\"a\": "), {"not valid JSON"});
  rejects(craft(""), {"not valid JSON"});
  rejects(craft(std::string("{}\0\0", 4)), {"not valid JSON"});
  rejects(craft("[1,2]"), {"JSON object", "array"});
  rejects(craft("\"text\""), {"JSON object"});
  rejects(
      craft(
          R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})",
          2),
      {"'a'", "twice"});
  rejects(craft(R"({"a":{"dtype":"U8","dtype":"F32","shape":[1],"data_offsets":[0,1]}})", 1), {"'dtype'", "twice"});
  rejects(craft(R"({"a":{"dtype":"U8","shape":[[1]],"data_offsets":[0,1]}})", 1), {"deep"});
  rejects(craft(std::string(10000, '[') + std::string(10000, ']')), {"deep"});
}

TEST_CASE("tensor entries: dtype, shape, data_offsets fields", "[safetensors]") {
  rejects(craft(R"({"w":[0,1]})"), {"tensor 'w'", "expected an object"});
  rejects(craft(R"({"w":{"shape":[1],"data_offsets":[0,1]}})", 1), {"tensor 'w'", "missing \"dtype\""});
  rejects(craft(R"({"w":{"dtype":7,"shape":[1],"data_offsets":[0,1]}})", 1),
          {"tensor 'w'", "\"dtype\" must be a string"});
  rejects(craft(R"({"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}})", 16),
          {"tensor 'w'", "unknown dtype 'F128'"});
  rejects(craft(R"({"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}})", 4), {"unknown dtype 'f32'"});
  rejects(craft(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", 4), {"tensor 'w'", "missing \"shape\""});
  rejects(craft(R"({"w":{"dtype":"F32","shape":4,"data_offsets":[0,4]}})", 4),
          {"tensor 'w'", "\"shape\" must be an array"});
  rejects(craft(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4), {"tensor 'w'", "non-negative"});
  rejects(craft(R"({"w":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}})", 4), {"tensor 'w'", "non-negative"});
  rejects(craft(R"({"w":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}})", 4), {"tensor 'w'", "non-negative"});
  rejects(craft(R"({"w":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,4]}})", 4), {"non-negative"});
  rejects(craft(R"({"w":{"dtype":"F32","shape":[1]}})", 4), {"tensor 'w'", "missing \"data_offsets\""});
  rejects(craft(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", 4), {"tensor 'w'", "[begin, end]"});
  rejects(craft(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}})", 8), {"tensor 'w'", "[begin, end]"});
  rejects(craft(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,-4]}})", 4), {"tensor 'w'", "[begin, end]"});
  rejects(craft(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":{"a":0}}})", 4), {"tensor 'w'", "[begin, end]"});
}

TEST_CASE("offsets: start at 0, no gap, no overlap, in order", "[safetensors]") {
  rejects(craft(R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}})", 8), {"tensor 'w'", "[4, 8]", "start at 0"});
  rejects(
      craft(
          R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[6,10]}})",
          10),
      {"tensor 'b'", "gap of 2 bytes", "'a'"});
  rejects(
      craft(
          R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})",
          6),
      {"tensor 'b'", "overlap", "'a'"});
  // Two tensors claiming the same bytes.
  rejects(
      craft(
          R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})",
          4),
      {"overlap"});
  rejects(craft(R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}})", 4),
          {"tensor 'w'", "end before they begin"});
}

TEST_CASE("sizes: shape x dtype must equal the span, without overflow", "[safetensors]") {
  rejects(craft(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,12]}})", 12),
          {"tensor 'w'", "span 12 bytes", "[2, 3]", "F32", "needs 24"});
  rejects(craft(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", 4),
          {"tensor 'w'", "overflows"});
  rejects(craft(R"({"w":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]}})", 8),
          {"tensor 'w'", "overflows"});
  // 2^61 elements x 8 bytes wraps to 0 in 64 bits: a naive check would accept [0, 0].
  rejects(craft(R"({"w":{"dtype":"U64","shape":[2305843009213693952],"data_offsets":[0,0]}})"), {"overflows"});
  rejects(craft(R"({"w":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}})", 2), {"tensor 'w'", "whole bytes"});
  rejects(craft(R"({"w":{"dtype":"F6_E2M3","shape":[2],"data_offsets":[0,2]}})", 2), {"whole bytes"});
}

TEST_CASE("the data buffer must end exactly where the last tensor does", "[safetensors]") {
  rejects(craft(R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", 5), {"1 trailing bytes"});
  rejects(craft(R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", 3), {"need 4", "only 3", "truncated"});
  rejects(craft("{}", 1), {"trailing"});
  rejects(craft(R"({"w":{"dtype":"F32","shape":[1000000],"data_offsets":[0,4000000]}})", 16), {"truncated"});
}

TEST_CASE("__metadata__ is an object of strings", "[safetensors]") {
  rejects(craft(R"({"__metadata__":["a"]})"), {"__metadata__", "object of strings"});
  rejects(craft(R"({"__metadata__":{"format":1}})"), {"__metadata__", "'format'", "must be a string"});
  rejects(craft(R"({"__metadata__":{"nested":{"a":"b"}}})"), {"__metadata__", "'nested'"});
}

TEST_CASE("valid edge cases parse", "[safetensors]") {
  auto ok = [](const std::string& file) {
    File f = File::from_buffer(hub::safetensors::test::bytes_of(file), "ok.safetensors");
    return f.size();
  };
  CHECK(ok(craft("{}")) == 0);
  CHECK(ok(craft("{}      ")) == 0);  // the writer's space padding
  CHECK(ok(craft(R"({"__metadata__":null})")) == 0);
  CHECK(ok(craft(R"({"__metadata__":{}})")) == 0);
  // Scalar, zero-size and out-of-order tensors; unknown fields are ignored, as the reference does.
  std::string file = craft(
      R"({"s":{"dtype":"F64","shape":[],"data_offsets":[1,9]},"z":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},)"
      R"("b":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1],"note":"x"},"q":{"dtype":"F4","shape":[4],"data_offsets":[9,11]}})",
      11);
  File f = File::from_buffer(hub::safetensors::test::bytes_of(file), "edge.safetensors");
  REQUIRE(f.size() == 4);
  auto order = f.tensors();
  CHECK(order[0].name == "z");
  CHECK(order[1].name == "b");
  CHECK(order[2].name == "s");
  CHECK(order[3].name == "q");
  CHECK(f.get("s").shape.empty());
  CHECK(f.get("s").element_count() == 1);
  CHECK(f.get("z").element_count() == 0);
  CHECK(f.get("z").data.empty());
  CHECK(f.get("q").data.size() == 2);
  // Every dtype of the format is accepted.
  for (const char* d : {"BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "I16", "U16", "F16", "BF16", "I32", "U32",
                        "F32", "C64", "F64", "I64", "U64"}) {
    INFO(d);
    unsigned bytes = bit_size(*parse_dtype(d)) / 8;
    std::string one = craft(std::string(R"({"t":{"dtype":")") + d + R"(","shape":[2],"data_offsets":[0,)" +
                                std::to_string(2 * bytes) + "]}}",
                            2 * bytes);
    CHECK(ok(one) == 1);
  }
}

TEST_CASE("names in messages are escaped and cut", "[safetensors]") {
  auto f = parse_failure(craft("{\"" + std::string("bad\\nname") + std::string(500, 'x') +
                                   R"(":{"dtype":"F32","shape":[1],"data_offsets":[0,3]}})",
                               3));
  CHECK(f.code == hub::Errc::invalid_input);
  CHECK_THAT(f.message, Contains("bad\\x0aname"));
  CHECK(f.message.size() < 600);
}
