// Cache-only lookups (hub-protocol.md §7.12, C44/C45): resolve_revision, find_file, known_missing.
#include <catch2/catch.hpp>

#include "cache/layout.h"
#include "hub/cache.h"
#include "hub/error.h"
#include "tests/unit/cache/cache_fixture.h"

using namespace hub;
using namespace hub::test;

TEST_CASE("resolve_revision: full commit, refs, no short-hash expansion", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/tiny-model");
  fake.add_file(repo, kCommitA, "config.json", "{}");
  fake.ref(repo, "main", kCommitA);
  fake.ref(repo, "refs/pr/1", kCommitB);
  Cache cache(tmp.path());

  CHECK(cache.resolve_revision(repo, "main") == kCommitA);
  // C45: a full commit resolves without any ref file; a 7-char prefix never does.
  CHECK(cache.resolve_revision(repo, kCommitC) == kCommitC);
  CHECK_FALSE(cache.resolve_revision(repo, kCommitA.substr(0, 7)));
  // refs/pr/1 is stored at refs/refs/pr/1.
  CHECK(stdfs::exists(fake.repo_dir(repo) / "refs" / "refs" / "pr" / "1"));
  CHECK(cache.resolve_revision(repo, "refs/pr/1") == kCommitB);
  CHECK_FALSE(cache.resolve_revision(repo, "v1.0"));
  CHECK_FALSE(cache.resolve_revision(model("acme/other"), "main"));

  SECTION("readers trim whitespace (hf-hub, llama.cpp write newlines)") {
    write_bytes(fake.repo_dir(repo) / "refs" / "v1.0", kCommitB + "\n");
    CHECK(cache.resolve_revision(repo, "v1.0") == kCommitB);
  }
  SECTION("a ref that does not hold a commit is not a resolution") {
    write_bytes(fake.repo_dir(repo) / "refs" / "broken", "not a commit");
    CHECK_FALSE(cache.resolve_revision(repo, "broken"));
    stdfs::create_directories(fake.repo_dir(repo) / "refs" / "folder");
    CHECK_FALSE(cache.resolve_revision(repo, "folder"));
  }
  SECTION("revisions cannot escape refs/") {
    write_bytes(fake.repo_dir(repo) / "escape", kCommitA);
    CHECK_FALSE(cache.resolve_revision(repo, "../escape"));
    CHECK_FALSE(cache.resolve_revision(repo, "/etc/passwd"));
    CHECK_FALSE(cache.resolve_revision(repo, ""));
  }
}

TEST_CASE("find_file: symlinks to existing blobs, plain files, nested paths", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/tiny-model");
  std::string blob = fake.add_file(repo, kCommitA, "config.json", "{\"a\": 1}");
  fake.add_file(repo, kCommitA, "onnx/sub/model.onnx", "onnx bytes", true);
  fake.link(repo, kCommitA, "gone.bin", std::string(64, 'e'));  // broken link
  fake.plain_file(repo, kCommitB, "config.json", "{}");         // no-symlink mode
  Cache cache(tmp.path());

  // The relative link text is exactly what Python writes.
  CHECK(stdfs::read_symlink(fake.repo_dir(repo) / "snapshots" / kCommitA / "config.json") ==
        stdfs::path("../../blobs/" + blob));
  CHECK(stdfs::read_symlink(fake.repo_dir(repo) / "snapshots" / kCommitA / "onnx/sub/model.onnx")
            .string()
            .rfind("../../../../blobs/", 0) == 0);

  auto found = cache.find_file(repo, kCommitA, "config.json");
  REQUIRE(found);
  CHECK(*found == cache::snapshot_file(tmp.path(), repo, kCommitA, "config.json"));
  CHECK(read_bytes(*found) == "{\"a\": 1}");
  CHECK(cache.find_file(repo, kCommitA, "onnx/sub/model.onnx"));
  CHECK_FALSE(cache.find_file(repo, kCommitA, "gone.bin"));
  CHECK_FALSE(cache.find_file(repo, kCommitA, "missing.txt"));
  CHECK_FALSE(cache.find_file(repo, kCommitA, "onnx"));  // a folder is not a file
  CHECK(cache.find_file(repo, kCommitB, "config.json"));
  CHECK_FALSE(cache.find_file(repo, kCommitC, "config.json"));
  CHECK_FALSE(cache.find_file(repo, kCommitA, "../../blobs/" + blob));
  CHECK_FALSE(cache.find_file(repo, "..", "blobs/" + blob));
}

TEST_CASE("known_missing reads .no_exist markers", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/tiny-model");
  fake.add_file(repo, kCommitA, "config.json", "{}");
  fake.no_exist(repo, kCommitA, "tokenizer.json");
  fake.no_exist(repo, kCommitA, "sub/added_tokens.json");
  Cache cache(tmp.path());
  CHECK(cache.known_missing(repo, kCommitA, "tokenizer.json"));
  CHECK(cache.known_missing(repo, kCommitA, "sub/added_tokens.json"));
  CHECK_FALSE(cache.known_missing(repo, kCommitA, "config.json"));
  CHECK_FALSE(cache.known_missing(repo, kCommitB, "tokenizer.json"));
  CHECK_FALSE(cache.known_missing(repo, kCommitA, "sub"));
  CHECK_FALSE(cache.known_missing(repo, kCommitA, "../" + kCommitA + "/tokenizer.json"));
}

TEST_CASE("opening a cache creates the root, CACHEDIR.TAG and the index", "[cache]") {
  TempDir tmp;
  stdfs::path root = tmp.path() / "deep" / "hub";
  Cache cache(root);
  CHECK(stdfs::is_directory(root));
  std::string tag = read_bytes(root / "CACHEDIR.TAG");
  CHECK(tag.rfind(std::string(cache::kCacheDirTagSignature) + "\n", 0) == 0);
  CHECK(stdfs::exists(cache::index_path(root)));
  CHECK(cache.list().empty());

  SECTION("an existing tag is left alone") {
    write_bytes(root / "CACHEDIR.TAG", std::string(cache::kCacheDirTagSignature) + "\n# python\n");
    Cache again(root);
    CHECK(read_bytes(root / "CACHEDIR.TAG") == std::string(cache::kCacheDirTagSignature) + "\n# python\n");
  }
  SECTION("a root that is a file is an io error naming it") {
    write_bytes(tmp.path() / "file", "x");
    try {
      Cache bad(tmp.path() / "file");
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::io);
      CHECK(std::string(e.what()).find((tmp.path() / "file").string()) != std::string::npos);
    }
  }
}
