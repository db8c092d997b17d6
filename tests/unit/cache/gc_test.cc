// hub::Cache::gc, pin and unpin: LRU order by recorded use, the modification-time fallback, pins,
// shared blobs, exact budgets, dry runs; the blob deletion protocol; size parsing.
#include <catch2/catch.hpp>
#include <map>

#include "cache/index.h"
#include "cache/layout.h"
#include "cache/maintenance.h"
#include "cache/store.h"
#include "core/fs.h"
#include "hub/cache.h"
#include "hub/error.h"
#include "tests/unit/cache/cache_fixture.h"

using namespace hub;
using namespace hub::test;

namespace {

// Every path below the root (except libhub's index) with its size; "dry run writes nothing".
std::map<std::string, std::uint64_t> tree_of(const stdfs::path& root) {
  std::map<std::string, std::uint64_t> out;
  for (auto it = stdfs::recursive_directory_iterator(root); it != stdfs::recursive_directory_iterator(); ++it) {
    std::string rel = it->path().lexically_relative(root).string();
    if (rel.rfind(".libhub", 0) == 0) continue;
    std::error_code ec;
    out[rel] = it->is_regular_file(ec) && !it->is_symlink(ec) ? it->file_size(ec) : 0;
  }
  return out;
}

std::vector<std::string> removed_repos(const GcReport& r) {
  std::vector<std::string> out;
  for (const auto& x : r.removed) out.push_back(x.repo.name + "@" + x.commit.substr(0, 1));
  return out;
}

// Three one-snapshot repos of 1000 bytes each.
struct ThreeRepos {
  TempDir tmp;
  FakeCache fake{tmp.path()};
  RepoId a = model("acme/a"), b = model("acme/b"), c = model("acme/c");
  ThreeRepos() {
    for (const auto* r : {&a, &b, &c}) {
      fake.add_file(*r, kCommitA, "model.safetensors", std::string(1000, r->name.back()), true);
      fake.ref(*r, "main", kCommitA);
    }
  }
};

}  // namespace

TEST_CASE("gc removes the least recently used snapshots until the budget is met", "[cache]") {
  ThreeRepos t;
  Cache cache(t.tmp.path());
  double now = fs::now_seconds();
  cache.index().touch_snapshot(t.a, kCommitA, now - 300);
  cache.index().touch_snapshot(t.b, kCommitA, now - 100);
  cache.index().touch_snapshot(t.c, kCommitA, now - 200);

  SECTION("a budget the cache already fits removes nothing") {
    GcReport r = cache.gc(3000);
    CHECK(r.removed.empty());
    CHECK(r.size_before == 3000);
    CHECK(r.size_after == 3000);
    CHECK(r.budget_met);
  }
  SECTION("budget reached exactly") {
    GcReport r = cache.gc(2000);
    CHECK(removed_repos(r) == std::vector<std::string>{"acme/a@a"});
    CHECK(r.bytes_freed == 1000);
    CHECK(r.blobs_removed == 1);
    CHECK(r.size_after == 2000);
    CHECK(r.budget_met);
    CHECK_FALSE(stdfs::exists(t.fake.repo_dir(t.a)));  // nothing left of it
    CHECK(stdfs::exists(t.fake.repo_dir(t.b)));
    CHECK(cache.list().size() == 2);
  }
  SECTION("budget between sizes: under it, in LRU order") {
    GcReport r = cache.gc(1500);
    CHECK(removed_repos(r) == std::vector<std::string>{"acme/a@a", "acme/c@a"});
    CHECK(r.size_after == 1000);
    CHECK(r.removed[0].last_used < r.removed[1].last_used);
    CHECK(r.removed[0].refs == std::vector<std::string>{"main"});
  }
  SECTION("a use recorded later moves a snapshot to the back") {
    cache.touch(t.a, kCommitA);
    GcReport r = cache.gc(2000);
    CHECK(removed_repos(r) == std::vector<std::string>{"acme/c@a"});
  }
}

TEST_CASE("gc falls back to the modification time for snapshots never used", "[cache]") {
  ThreeRepos t;
  // b's blob was written 10 days ago and never used; a was used 5 days ago; c is fresh.
  age(t.fake.repo_dir(t.b) / "blobs" / sha256_hex(std::string(1000, 'b')), 10 * 86400);
  Cache cache(t.tmp.path());
  cache.index().touch_snapshot(t.a, kCommitA, fs::now_seconds() - 5 * 86400);
  GcReport r = cache.gc(1000);
  CHECK(removed_repos(r) == std::vector<std::string>{"acme/b@a", "acme/a@a"});
  CHECK(r.budget_met);
}

TEST_CASE("gc keeps blobs another snapshot uses and never removes pinned snapshots", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/two");
  std::string shared = fake.add_file(repo, kCommitA, "shared.bin", std::string(500, 's'), true);
  fake.link(repo, kCommitB, "shared.bin", shared);
  std::string only_a = fake.add_file(repo, kCommitA, "a.bin", std::string(300, 'a'), true);
  std::string only_b = fake.add_file(repo, kCommitB, "b.bin", std::string(200, 'b'), true);
  fake.ref(repo, "v1", kCommitA);
  fake.ref(repo, "main", kCommitB);
  fake.no_exist(repo, kCommitA, "tokenizer.json");
  Cache cache(tmp.path());
  double now = fs::now_seconds();
  cache.index().touch_snapshot(repo, kCommitA, now - 100);
  cache.index().touch_snapshot(repo, kCommitB, now - 50);

  SECTION("shared blobs stay") {
    GcReport r = cache.gc(800);
    REQUIRE(r.removed.size() == 1);
    CHECK(r.removed[0].commit == kCommitA);
    CHECK(r.removed[0].bytes_freed == 300);
    CHECK(r.size_before == 1000);
    CHECK(r.size_after == 700);
    auto blob = [&](const std::string& n) { return cache::blob_path(tmp.path(), repo, n); };
    CHECK(stdfs::exists(blob(shared)));
    CHECK(stdfs::exists(blob(only_b)));
    CHECK_FALSE(stdfs::exists(blob(only_a)));
    CHECK_FALSE(stdfs::exists(cache::ref_path(tmp.path(), repo, "v1")));
    CHECK(stdfs::exists(cache::ref_path(tmp.path(), repo, "main")));
    CHECK_FALSE(stdfs::exists(fake.repo_dir(repo) / ".no_exist" / kCommitA));
    CHECK(stdfs::exists(fake.repo_dir(repo) / "snapshots" / kCommitB / "shared.bin"));
  }
  SECTION("pinned snapshots never go, even over budget") {
    CHECK(cache.pin(repo, "v1") == kCommitA);
    GcReport r = cache.gc(0);
    REQUIRE(r.removed.size() == 1);
    CHECK(r.removed[0].commit == kCommitB);
    CHECK(r.removed[0].bytes_freed == 200);  // shared stays with the pinned snapshot
    CHECK(r.pinned_kept == 1);
    CHECK_FALSE(r.budget_met);
    CHECK(r.size_after == 800);
    CHECK(stdfs::exists(fake.repo_dir(repo) / "snapshots" / kCommitA / "a.bin"));
    cache.unpin(repo, kCommitA);
    GcReport r2 = cache.gc(0);
    CHECK(r2.budget_met);
    CHECK(r2.size_after == 0);
    CHECK_FALSE(stdfs::exists(fake.repo_dir(repo)));
  }
  SECTION("dry run reports the same plan and writes nothing") {
    auto before = tree_of(tmp.path());
    GcReport dry = cache.gc(0, true);
    CHECK(dry.dry_run);
    CHECK(dry.removed.size() == 2);
    CHECK(dry.bytes_freed == 1000);
    CHECK(dry.size_after == 0);
    CHECK(tree_of(tmp.path()) == before);
    CHECK(cache.list().front().revisions.size() == 2);
    GcReport real = cache.gc(0);
    CHECK(real.bytes_freed == dry.bytes_freed);
    CHECK(real.removed.size() == dry.removed.size());
  }
}

TEST_CASE("pins default to main, survive reindex and show in the listing", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/pinned");
  fake.add_file(repo, kCommitA, "config.json", "{}");
  fake.add_file(repo, kCommitB, "config.json", "{\"b\": 1}");
  fake.ref(repo, "main", kCommitB);
  Cache cache(tmp.path());
  CHECK(cache.pin(repo) == kCommitB);
  cache.reindex();
  auto pinned_of = [&] {
    std::map<std::string, bool> out;
    auto repos = cache.list();
    for (const auto& rev : repos.front().revisions) out[rev.commit] = rev.pinned;
    return out;
  };
  CHECK(pinned_of() == std::map<std::string, bool>{{kCommitA, false}, {kCommitB, true}});
  // Reopened from disk, after a full rebuild too.
  {
    Cache again(tmp.path());
    again.reindex();
    CHECK(again.list().front().revisions[1].pinned);
  }
  CHECK(cache.unpin(repo, "main") == kCommitB);
  CHECK(pinned_of() == std::map<std::string, bool>{{kCommitA, false}, {kCommitB, false}});

  CHECK_THROWS_AS(cache.pin(repo, "nope"), Error);
  CHECK_THROWS_AS(cache.pin(repo, kCommitC), Error);
  CHECK_THROWS_AS(cache.pin(model("acme/absent")), Error);
  try {
    cache.pin(repo, kCommitC);
  } catch (const Error& e) {
    CHECK(e.code() == Errc::not_cached);
  }
}

TEST_CASE("a blob linked again before deletion survives; link_file never leaves a broken link", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/race");
  std::string kept = fake.add_file(repo, kCommitA, "a.bin", "linked");
  std::string loose = fake.add_blob(repo, "loose", false);
  Cache cache(tmp.path());
  // Both are candidates (as if decided earlier); the links on disk, re-read under the lock, decide.
  cache::BlobDeletion d = cache::delete_unlinked_blobs(tmp.path(), cache.index(), repo, {kept, loose});
  CHECK(d.blobs_removed == 1);
  CHECK(d.bytes_freed == 5);
  CHECK(d.in_use == std::vector<std::string>{kept});
  CHECK(stdfs::exists(cache::blob_path(tmp.path(), repo, kept)));
  CHECK_FALSE(stdfs::exists(cache::blob_path(tmp.path(), repo, loose)));
  // No hidden leftovers.
  std::size_t files = 0;
  for (const auto& e : stdfs::directory_iterator(cache::blobs_dir(tmp.path(), repo))) files += e.is_regular_file();
  CHECK(files == 1);

  cache::Store store(cache, repo);
  CHECK_THROWS_AS(store.link_file(kCommitB, "gone.bin", loose), Error);
  CHECK_FALSE(stdfs::exists(stdfs::symlink_status(cache::snapshot_file(tmp.path(), repo, kCommitB, "gone.bin"))));
}

TEST_CASE("sizes and durations parse with decimal and binary units", "[cache]") {
  CHECK(parse_byte_size("1048576") == 1048576);
  CHECK(parse_byte_size("20G") == 20'000'000'000ull);
  CHECK(parse_byte_size("500M") == 500'000'000ull);
  CHECK(parse_byte_size("1.5GB") == 1'500'000'000ull);
  CHECK(parse_byte_size("2GiB") == 2ull << 30);
  CHECK(parse_byte_size("3 mi") == 3ull << 20);
  CHECK(parse_byte_size("10k") == 10'000);
  CHECK(parse_byte_size("0") == 0);
  CHECK(parse_byte_size("12B") == 12);
  for (const char* bad : {"", "G", "-1G", "1.2.3", "5X", "1e3", "abc", "99999999999P"})
    CHECK_THROWS_AS(parse_byte_size(bad), Error);
  CHECK(parse_duration_seconds("1h") == 3600);
  CHECK(parse_duration_seconds("30m") == 1800);
  CHECK(parse_duration_seconds("90") == 90);
  CHECK(parse_duration_seconds("1.5d") == 1.5 * 86400);
  CHECK(parse_duration_seconds("0s") == 0);
  for (const char* bad : {"", "h", "-1h", "3y"}) CHECK_THROWS_AS(parse_duration_seconds(bad), Error);
}
