#include "hub/repo.h"

#include <catch2/catch.hpp>

#include "hub/error.h"

using hub::RepoId;
using hub::RepoType;

TEST_CASE("repo ids follow huggingface_hub's validation", "[core][repo]") {
  CHECK(RepoId::parse("org/name").name == "org/name");
  CHECK(RepoId::parse("gpt2").name == "gpt2");
  CHECK(RepoId::parse("a_b.c-d/x.y_z-1").name == "a_b.c-d/x.y_z-1");
  for (const char* bad :
       {"", "a/b/c", "-a/b", "a/b-", ".a/b", "a/b.", "a--b/c", "a/b..c", "a/b.git", "a b/c", "a/é", "/a", "a/"}) {
    INFO(bad);
    CHECK_THROWS_AS(RepoId::parse(bad), hub::Error);
  }
  CHECK_THROWS_WITH(RepoId::parse("a/b/c"), Catch::Contains("at most one '/'"));
  CHECK(RepoId::parse(std::string(96, 'a')).name.size() == 96);
  CHECK_THROWS(RepoId::parse(std::string(97, 'a')));
}

TEST_CASE("repo type prefixes and folder names", "[core][repo]") {
  RepoId d = RepoId::parse("datasets/org/data");
  CHECK(d.type == RepoType::dataset);
  CHECK(d.name == "org/data");
  CHECK(d.folder_name() == "datasets--org--data");
  CHECK(d.url_prefix() == "datasets/");
  CHECK(RepoId::parse("spaces/org/app").folder_name() == "spaces--org--app");
  CHECK(RepoId::parse("gpt2").folder_name() == "models--gpt2");
  CHECK(RepoId::parse("acme/tiny-model").folder_name() == "models--acme--tiny-model");
  auto back = RepoId::from_folder_name("models--acme--tiny-model");
  REQUIRE(back);
  CHECK(*back == RepoId::parse("acme/tiny-model"));
  CHECK(RepoId::from_folder_name("datasets--x")->type == RepoType::dataset);
  CHECK_FALSE(RepoId::from_folder_name("blobs"));
  CHECK_FALSE(RepoId::from_folder_name("widgets--a--b"));
  CHECK(hub::parse_repo_type("Datasets") == RepoType::dataset);
  CHECK_THROWS(hub::parse_repo_type("kernel-x"));
}

TEST_CASE("revisions: branches, tags, commits, refs/pr/N", "[core][repo]") {
  for (const char* ok : {"main", "v1.0", "feature/x", "refs/pr/1", "refs/pr/123", "refs/convert/parquet",
                         "0123456789abcdef0123456789abcdef01234567"}) {
    INFO(ok);
    CHECK_NOTHROW(hub::validate_revision(ok));
  }
  for (const char* bad : {"",   "a..b", "/main", "main/",  "a//b", "-x",        "a b",      "x~1", "a^",    "a:b",
                          "a?", "a*",   "a[",    "x.lock", "a/.b", "refs/pr/x", "refs/pr/", "@",   "a@{1}", "end."}) {
    INFO(bad);
    CHECK_THROWS_AS(hub::validate_revision(bad), hub::Error);
  }
  CHECK(hub::is_commit_hash("0123456789abcdef0123456789abcdef01234567"));
  CHECK_FALSE(hub::is_commit_hash("0123456789ABCDEF0123456789abcdef01234567"));
  CHECK_FALSE(hub::is_commit_hash("0123456"));
}

TEST_CASE("repo paths from servers are checked", "[core][repo]") {
  CHECK_NOTHROW(hub::validate_repo_path("config.json", "test"));
  CHECK_NOTHROW(hub::validate_repo_path("onnx/model.onnx", "test"));
  CHECK_NOTHROW(hub::validate_repo_path(".gitattributes", "test"));
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../b", "a/./b", "a//b", "a/", "C:x", "a\\b", "a\nb", ".."}) {
    INFO(bad);
    try {
      hub::validate_repo_path(bad, "a tree listing");
      FAIL("accepted");
    } catch (const hub::Error& e) {
      CHECK(e.code() == hub::Errc::invalid_input);
      CHECK_THAT(e.what(), Catch::Contains("a tree listing"));
    }
  }
}
