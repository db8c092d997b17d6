// hub::Cache::remove: snapshots, refs, blobs only they used, and whole repos.
#include <catch2/catch.hpp>

#include "cache/layout.h"
#include "hub/cache.h"
#include "hub/error.h"
#include "tests/unit/cache/cache_fixture.h"

using namespace hub;
using namespace hub::test;

namespace {

struct TwoRevisions {
  TempDir tmp;
  FakeCache fake{tmp.path()};
  RepoId repo = model("acme/tiny-model");
  std::string shared, only_a, only_b;

  TwoRevisions() {
    shared = fake.add_file(repo, kCommitA, "config.json", "{\"shared\": true}");
    fake.link(repo, kCommitB, "config.json", shared);
    only_a = fake.add_file(repo, kCommitA, "model.safetensors", std::string(300, 'a'), true);
    only_b = fake.add_file(repo, kCommitB, "model.safetensors", std::string(200, 'b'), true);
    fake.ref(repo, "v1.0", kCommitA);
    fake.ref(repo, "refs/pr/1", kCommitA);
    fake.ref(repo, "main", kCommitB);
    fake.no_exist(repo, kCommitA, "tokenizer.json");
    fake.no_exist(repo, kCommitB, "tokenizer.json");
    stdfs::create_directories(tmp.path() / ".locks" / repo.folder_name());
    write_bytes(tmp.path() / ".locks" / repo.folder_name() / (only_a + ".lock"), "");
  }
  stdfs::path blob(const std::string& name) const { return cache::blob_path(tmp.path(), repo, name); }
};

}  // namespace

TEST_CASE("rm of one revision keeps blobs another revision still uses", "[cache]") {
  TwoRevisions t;
  Cache cache(t.tmp.path());
  REQUIRE(cache.list().size() == 1);

  RemoveReport r = cache.remove(t.repo, std::string("v1.0"));  // a ref name
  CHECK(r.snapshots_removed == std::vector<std::string>{kCommitA});
  CHECK(r.blobs_removed == 1);
  CHECK(r.bytes_freed == 300);
  CHECK_FALSE(r.repo_removed);

  CHECK_FALSE(stdfs::exists(cache::snapshot_dir(t.tmp.path(), t.repo, kCommitA)));
  CHECK(stdfs::exists(cache::snapshot_dir(t.tmp.path(), t.repo, kCommitB)));
  CHECK(stdfs::exists(t.blob(t.shared)));
  CHECK(stdfs::exists(t.blob(t.only_b)));
  CHECK_FALSE(stdfs::exists(t.blob(t.only_a)));
  // Every ref to the removed commit goes (and the folders that leaves empty); others stay.
  CHECK_FALSE(stdfs::exists(t.fake.repo_dir(t.repo) / "refs" / "v1.0"));
  CHECK_FALSE(stdfs::exists(t.fake.repo_dir(t.repo) / "refs" / "refs"));
  CHECK(cache.resolve_revision(t.repo, "main") == kCommitB);
  CHECK_FALSE(cache.known_missing(t.repo, kCommitA, "tokenizer.json"));
  CHECK(cache.known_missing(t.repo, kCommitB, "tokenizer.json"));
  CHECK(cache.find_file(t.repo, kCommitB, "config.json"));

  auto repos = cache.list();
  REQUIRE(repos.size() == 1);
  REQUIRE(repos[0].revisions.size() == 1);
  CHECK(repos[0].revisions[0].commit == kCommitB);
  CHECK(repos[0].size == std::string("{\"shared\": true}").size() + 200);
  CHECK(repos[0].warnings.empty());
}

TEST_CASE("rm of the last revision removes the repo folder and its locks", "[cache]") {
  TwoRevisions t;
  Cache cache(t.tmp.path());
  cache.list();
  cache.remove(t.repo, kCommitA);  // by commit
  RemoveReport r = cache.remove(t.repo, std::string("main"));
  CHECK(r.repo_removed);
  CHECK(r.snapshots_removed == std::vector<std::string>{kCommitB});
  CHECK(r.blobs_removed == 2);
  CHECK_FALSE(stdfs::exists(t.fake.repo_dir(t.repo)));
  CHECK_FALSE(stdfs::exists(t.tmp.path() / ".locks" / t.repo.folder_name()));
  CHECK(cache.list().empty());
}

TEST_CASE("rm of a whole repo", "[cache]") {
  TwoRevisions t;
  RepoId other = model("acme/other");
  t.fake.add_file(other, kCommitC, "config.json", "{}");
  Cache cache(t.tmp.path());
  REQUIRE(cache.list().size() == 2);
  RemoveReport r = cache.remove(t.repo, std::nullopt);
  CHECK(r.repo_removed);
  CHECK(r.snapshots_removed.size() == 2);
  CHECK(r.blobs_removed == 3);
  CHECK(r.bytes_freed >= 500);
  CHECK_FALSE(stdfs::exists(t.fake.repo_dir(t.repo)));
  auto repos = cache.list();
  REQUIRE(repos.size() == 1);
  CHECK(repos[0].repo == other);
}

TEST_CASE("rm of something not cached is Errc::not_cached", "[cache]") {
  TwoRevisions t;
  Cache cache(t.tmp.path());
  auto code_of = [&](const RepoId& repo, std::optional<std::string> rev) {
    try {
      cache.remove(repo, rev);
    } catch (const Error& e) {
      return e.code();
    }
    return Errc::internal;
  };
  CHECK(code_of(model("acme/absent"), std::nullopt) == Errc::not_cached);
  CHECK(code_of(t.repo, std::string("no-such-branch")) == Errc::not_cached);
  CHECK(code_of(t.repo, kCommitC) == Errc::not_cached);
  CHECK(code_of(t.repo, kCommitA.substr(0, 7)) == Errc::not_cached);
  // Nothing was touched.
  CHECK(stdfs::exists(t.blob(t.only_a)));
  CHECK(stdfs::exists(t.blob(t.only_b)));
}

TEST_CASE("rm in a cache without symlinks", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/nolinks");
  fake.plain_file(repo, kCommitA, "config.json", "{}");
  fake.plain_file(repo, kCommitB, "config.json", "{\"b\": 2}");
  fake.ref(repo, "main", kCommitB);
  Cache cache(tmp.path());
  RemoveReport r = cache.remove(repo, kCommitA);
  CHECK(r.bytes_freed == 2);
  CHECK_FALSE(r.repo_removed);
  auto repos = cache.list();
  REQUIRE(repos.size() == 1);
  CHECK(repos[0].revisions.size() == 1);
  CHECK(repos[0].size == 8);
}
