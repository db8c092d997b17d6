// cache::Index: the writes downloads make, dedup lookups, several writers at once.
#include "cache/index.h"

#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

#include "cache/layout.h"
#include "core/fs.h"
#include "hub/cache.h"
#include "tests/unit/cache/cache_fixture.h"

using namespace hub;
using namespace hub::test;

TEST_CASE("find_blob_elsewhere returns a verified blob of another repo that really exists", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId a = model("acme/a"), b = model("acme/b");
  std::string content(4096, 'q');
  std::string blob = fake.add_file(a, kCommitA, "model.safetensors", content, true);
  cache::Index index(tmp.path());
  index.record_blob(a, blob, HashKind::sha256, content.size(), fs::now_seconds());
  index.record_file(a, kCommitA, "model.safetensors", blob);

  auto found = index.find_blob_elsewhere(b, blob, content.size());
  REQUIRE(found);
  CHECK(*found == cache::blob_path(tmp.path(), a, blob));
  // Not from the same repo, not with another size, not an unknown name.
  CHECK_FALSE(index.find_blob_elsewhere(a, blob, content.size()));
  CHECK_FALSE(index.find_blob_elsewhere(b, blob, content.size() + 1));
  CHECK_FALSE(index.find_blob_elsewhere(b, std::string(64, '0'), content.size()));

  SECTION("an unverified blob is not offered") {
    RepoId c = model("acme/c");
    std::string other = fake.add_blob(c, "unverified", true);
    index.record_blob(c, other, HashKind::sha256, 10, 0);
    CHECK_FALSE(index.find_blob_elsewhere(b, other, 10));
  }
  SECTION("the disk wins over a stale index") {
    stdfs::remove(cache::blob_path(tmp.path(), a, blob));
    CHECK_FALSE(index.find_blob_elsewhere(b, blob, content.size()));
  }
  SECTION("a truncated file is not offered") {
    write_bytes(cache::blob_path(tmp.path(), a, blob), "short");
    CHECK_FALSE(index.find_blob_elsewhere(b, blob, content.size()));
  }
  SECTION("verification survives a rescan of an unchanged blob") {
    index.mark_dirty(a);
    index.reconcile();
    CHECK(index.last_reconcile().scanned == 1);
    CHECK(index.find_blob_elsewhere(b, blob, content.size()));
  }
}

TEST_CASE("record_* then list agrees with the disk", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/tiny-model");
  Cache cache(tmp.path());
  // What a download does: write the file, then record it.
  std::string blob = fake.add_file(repo, kCommitA, "config.json", "{}");
  cache.index().record_blob(repo, blob, HashKind::git_sha1, 2, fs::now_seconds());
  cache.index().record_file(repo, kCommitA, "config.json", blob);
  fake.ref(repo, "main", kCommitA);
  cache.index().record_ref(repo, "main", kCommitA);
  cache.index().touch_snapshot(repo, kCommitA, 1234.5);

  auto repos = cache.list();
  REQUIRE(repos.size() == 1);
  CHECK(repos[0].size == 2);
  CHECK(repos[0].last_used == 1234.5);
  REQUIRE(repos[0].revisions.size() == 1);
  CHECK(repos[0].revisions[0].refs == std::vector<std::string>{"main"});
  CHECK(repos[0].revisions[0].last_used == 1234.5);

  SECTION("rows recorded for a repo that is not on disk are dropped") {
    cache.index().record_ref(model("acme/ghost"), "main", kCommitB);
    CHECK(cache.list().size() == 1);
  }
}

TEST_CASE("several writers (threads and connections) at once", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  Cache first(tmp.path());
  Cache second(tmp.path());  // another connection, as another process would have
  constexpr int kPerThread = 100;
  // Catch2 assertions are not thread-safe: threads only record the first failure.
  std::mutex mu;
  std::string failure;
  auto writer = [&](Cache& cache, int t) {
    try {
      for (int i = 0; i < kPerThread; ++i) {
        RepoId repo = model("org/r" + std::to_string(t));
        std::string name = git_blob_sha1_hex(std::to_string(t) + "-" + std::to_string(i));
        cache.index().record_blob(repo, name, HashKind::git_sha1, 10, fs::now_seconds());
        cache.index().record_file(repo, kCommitA, "f" + std::to_string(i), name);
        if (i % 10 == 0) cache.index().touch_snapshot(repo, kCommitA, fs::now_seconds());
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(mu);
      if (failure.empty()) failure = e.what();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(writer, std::ref(t % 2 ? first : second), t);
  for (auto& th : threads) th.join();
  CHECK(failure.empty());
  // Readers see a consistent index and the (empty) disk wins.
  CHECK(first.list().empty());
}
