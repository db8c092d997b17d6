// Which served files are LFS, and their pointer text (hub-protocol.md §8.1).
#include "server/lfs_policy.h"

#include <catch2/catch.hpp>

using hub::server::lfs_pointer;
using hub::server::LfsPolicy;

TEST_CASE("server: weight patterns and the 10 MB rule", "[server][lfs]") {
  LfsPolicy p;
  for (const char* f : {"model.safetensors", "sub/model-00001-of-00002.safetensors", "pytorch_model.bin", "x.gguf",
                        "a.pt", "a.pth", "onnx/model.onnx", "flax_model.msgpack", "tf_model.h5", "model.ckpt"}) {
    INFO(f);
    CHECK(p.is_lfs(f, 100));
  }
  for (const char* f : {"config.json", "README.md", "tokenizer.json", ".gitattributes", "safetensors", "bin/x.txt"}) {
    INFO(f);
    CHECK_FALSE(p.is_lfs(f, 100));
  }
  CHECK(p.is_lfs("big.json", 10'000'000));
  CHECK_FALSE(p.is_lfs("big.json", 9'999'999));
}

TEST_CASE("server: .gitattributes adds filter=lfs patterns", "[server][lfs]") {
  LfsPolicy p;
  p.add_gitattributes(
      "# comment\n"
      "*.parquet filter=lfs diff=lfs merge=lfs -text\n"
      "data/*.arrow filter=lfs diff=lfs merge=lfs -text\n"
      "blobs/** filter=lfs diff=lfs merge=lfs -text\n"
      "*.txt text\n");
  CHECK(p.is_lfs("train.parquet", 10));
  CHECK(p.is_lfs("deep/dir/train.parquet", 10));
  CHECK(p.is_lfs("data/x.arrow", 10));
  CHECK_FALSE(p.is_lfs("other/data/x.arrow", 10));
  CHECK(p.is_lfs("blobs/a/b/c", 10));
  CHECK_FALSE(p.is_lfs("notes.txt", 10));
}

TEST_CASE("server: pointer text", "[server][lfs]") {
  std::string sha(64, 'a');
  std::string ptr = lfs_pointer(sha, 123456789);
  CHECK(ptr == "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha + "\nsize 123456789\n");
  CHECK(ptr.size() == 134);  // §8.1: 134 bytes for a 9-digit size
}
