#include "core/glob.h"

#include <catch2/catch.hpp>

TEST_CASE("globs follow huggingface_hub's fnmatch semantics", "[core][glob]") {
  CHECK(hub::glob_match("*.json", "config.json"));
  CHECK(hub::glob_match("*.json", "sub/dir/config.json"));  // '*' crosses '/'
  CHECK_FALSE(hub::glob_match("*.JSON", "config.json"));    // case-sensitive
  CHECK(hub::glob_match("onnx/", "onnx/model.onnx"));       // trailing '/' = the whole folder
  CHECK_FALSE(hub::glob_match("onnx/", "onnx.txt"));
  CHECK(hub::glob_match("model-0000[12]-*.safetensors", "model-00001-of-00002.safetensors"));
  CHECK(hub::glob_filter({}, {}, "x"));
  CHECK(hub::glob_filter({"*.json"}, {"golden*"}, "config.json"));
  CHECK_FALSE(hub::glob_filter({"*.json"}, {"golden*"}, "golden.json"));
  CHECK_FALSE(hub::glob_filter({"*.json"}, {}, "model.safetensors"));
}
