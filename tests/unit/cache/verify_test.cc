// hub::Cache::verify and reindex.
#include <algorithm>
#include <catch2/catch.hpp>

#include "cache/index.h"
#include "cache/layout.h"
#include "hub/cache.h"
#include "tests/unit/cache/cache_fixture.h"

using namespace hub;
using namespace hub::test;

TEST_CASE("verify quarantines a corrupt blob and reports it", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/tiny-model");
  std::string good = fake.add_file(repo, kCommitA, "config.json", "{\"ok\": true}");
  std::string lfs = fake.add_file(repo, kCommitA, "model.safetensors", std::string(3 << 20, 'w'), true);
  std::string bad = fake.add_file(repo, kCommitA, "tokenizer.json", "{\"vocab\": {}}");
  fake.ref(repo, "main", kCommitA);
  // Not checked: partial downloads and names that are not hashes.
  write_bytes(fake.repo_dir(repo) / "blobs" / (lfs + ".incomplete"), "partial");
  write_bytes(fake.repo_dir(repo) / "blobs" / "weird-etag", "x");
  // Flip the bytes of one blob behind the cache's back (same size).
  write_bytes(fake.repo_dir(repo) / "blobs" / bad, "{\"vocab\": []}");

  Cache cache(tmp.path());
  std::uint64_t last_done = 0, last_total = 0;
  bool monotonic = true;
  VerifyReport r = cache.verify([&](std::uint64_t done, std::uint64_t total) {
    monotonic = monotonic && done >= last_done;
    last_done = done;
    last_total = total;
  });
  CHECK(r.blobs_checked == 3);
  CHECK(r.bytes_checked == std::string("{\"ok\": true}").size() + (3u << 20) + std::string("{\"vocab\": {}}").size());
  CHECK(r.skipped == 1);
  CHECK(r.errors.empty());
  CHECK(monotonic);
  CHECK(last_done == last_total);
  CHECK(last_total == r.bytes_checked);
  REQUIRE(r.corrupt.size() == 1);
  const CorruptBlob& c = r.corrupt[0];
  CHECK(c.repo == repo);
  CHECK(c.name == bad);
  CHECK(c.actual == git_blob_sha1_hex("{\"vocab\": []}"));
  CHECK(c.quarantined == cache::quarantine_dir(tmp.path()) / repo.folder_name() / bad);
  CHECK(read_bytes(c.quarantined) == "{\"vocab\": []}");
  CHECK_FALSE(stdfs::exists(fake.repo_dir(repo) / "blobs" / bad));
  CHECK(stdfs::exists(fake.repo_dir(repo) / "blobs" / good));

  // The snapshot link now dangles: the file is no longer cached, and ls says why.
  CHECK_FALSE(cache.find_file(repo, kCommitA, "tokenizer.json"));
  auto repos = cache.list();
  REQUIRE(repos.size() == 1);
  CHECK(std::any_of(repos[0].warnings.begin(), repos[0].warnings.end(),
                    [](const std::string& w) { return w.find("tokenizer.json") != std::string::npos; }));

  SECTION("a second run finds everything good") {
    VerifyReport again = cache.verify();
    CHECK(again.corrupt.empty());
    CHECK(again.blobs_checked == 2);
  }
  SECTION("good blobs are now verified: another repo can reuse them") {
    RepoId other = model("acme/other");
    auto found = cache.index().find_blob_elsewhere(other, lfs, 3u << 20);
    REQUIRE(found);
    CHECK(*found == cache::blob_path(tmp.path(), repo, lfs));
    CHECK_FALSE(cache.index().find_blob_elsewhere(other, bad, 13));
  }
}

TEST_CASE("verify of an empty cache", "[cache]") {
  TempDir tmp;
  Cache cache(tmp.path());
  VerifyReport r = cache.verify();
  CHECK(r.blobs_checked == 0);
  CHECK(r.corrupt.empty());
}

TEST_CASE("reindex rebuilds from disk and keeps last-use times", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId a = model("acme/a"), b = model("acme/b");
  fake.add_file(a, kCommitA, "config.json", "{}");
  fake.ref(a, "main", kCommitA);
  fake.add_file(b, kCommitB, "config.json", "{\"b\": 1}");
  Cache cache(tmp.path());
  cache.list();
  cache.touch(a, kCommitA);
  REQUIRE(cache.index().set_pinned(a, kCommitA, true));
  // Rows that do not match the disk: reindex must not keep them.
  cache.index().record_ref(b, "ghost", kCommitC);

  cache.reindex();
  CHECK(cache.index().last_reconcile().scanned == 2);
  auto repos = cache.list();
  REQUIRE(repos.size() == 2);
  CHECK(repos[0].repo == a);
  CHECK(repos[0].last_used > 0);
  REQUIRE(repos[0].revisions.size() == 1);
  CHECK(repos[0].revisions[0].last_used > 0);
  CHECK(repos[0].revisions[0].pinned);
  CHECK(repos[0].revisions[0].refs == std::vector<std::string>{"main"});
  CHECK(repos[1].revisions[0].refs.empty());
  CHECK(repos[1].last_used == 0);
}
