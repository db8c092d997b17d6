// hub::Cache::prune: stale temporary files (with a grace period and lock check), unreferenced
// blobs, .no_exist and trees/ entries of removed snapshots, empty folders, dry runs.
#include <catch2/catch.hpp>
#include <set>

#include "cache/layout.h"
#include "core/fs.h"
#include "hub/cache.h"
#include "hub/error.h"
#include "tests/unit/cache/cache_fixture.h"

using namespace hub;
using namespace hub::test;

namespace {

std::set<std::string> removed_paths(const PruneReport& r) {
  std::set<std::string> out;
  for (const auto& e : r.removed) out.insert(e.kind + ":" + e.path);
  return out;
}

struct Leftovers {
  TempDir tmp;
  FakeCache fake{tmp.path()};
  RepoId repo = model("acme/left");
  std::string linked, loose, etag_old, etag_new;
  stdfs::path dir, old_partial, hf_partial, new_partial, gc_tmp;

  Leftovers() {
    dir = fake.repo_dir(repo);
    linked = fake.add_file(repo, kCommitA, "config.json", "{}");
    fake.ref(repo, "main", kCommitA);
    fake.no_exist(repo, kCommitA, "tokenizer.json");
    loose = fake.add_blob(repo, "nobody links me", false);
    etag_old = std::string(64, '1');
    etag_new = std::string(64, '2');
    old_partial = dir / "blobs" / (etag_old + ".0123abcd.incomplete");
    hf_partial = dir / "blobs" / (std::string(64, '3') + ".incomplete");
    new_partial = dir / "blobs" / (etag_new + ".89abcdef.incomplete");
    gc_tmp = dir / "blobs" / ("." + std::string(64, '4') + ".00ff00ff.gc.tmp");
    write_bytes(old_partial, std::string(100, 'o'));
    write_bytes(hf_partial, std::string(10, 'h'));
    write_bytes(new_partial, std::string(50, 'n'));
    write_bytes(gc_tmp, std::string(7, 'g'));
    for (const auto& p : {old_partial, hf_partial, gc_tmp}) age(p, 2 * 3600);
    // A removed snapshot's leftovers: .no_exist, tree listing, empty folders.
    write_bytes(dir / ".no_exist" / kCommitB / "missing.txt", "");
    write_bytes(dir / "trees" / (kCommitB + ".json"), "{}");
    stdfs::create_directories(dir / "snapshots" / kCommitA / "empty" / "deeper");
    age(dir / "trees" / (kCommitB + ".json"), 2 * 3600);
    age_tree(dir, 2 * 3600);
  }
};

}  // namespace

TEST_CASE("prune removes stale temporaries, unreferenced blobs and orphans; keeps what is live", "[cache]") {
  Leftovers t;
  Cache cache(t.tmp.path());
  SECTION("default grace period") {
    PruneReport r = cache.prune();
    std::set<std::string> expected = {
        "incomplete:blobs/" + t.old_partial.filename().string(),
        "incomplete:blobs/" + t.hf_partial.filename().string(),
        "temporary:blobs/" + t.gc_tmp.filename().string(),
        "unreferenced_blob:blobs/" + t.loose,
        "no_exist:.no_exist/" + kCommitB,
        "tree:trees/" + kCommitB + ".json",
        "empty_dir:snapshots/" + kCommitA + "/empty/deeper",
        "empty_dir:snapshots/" + kCommitA + "/empty",
        "empty_dir:trees",
    };
    CHECK(removed_paths(r) == expected);
    CHECK(r.bytes_freed == 100 + 10 + 7 + 15 + 2);
    CHECK(r.recent_kept == 1);
    CHECK(r.errors.empty());
    CHECK(stdfs::exists(t.new_partial));  // a live (or resumable) download
    CHECK_FALSE(stdfs::exists(t.old_partial));
    CHECK_FALSE(stdfs::exists(cache::blob_path(t.tmp.path(), t.repo, t.loose)));
    CHECK(stdfs::exists(cache::blob_path(t.tmp.path(), t.repo, t.linked)));
    CHECK(stdfs::exists(t.dir / ".no_exist" / kCommitA / "tokenizer.json"));
    CHECK(cache.find_file(t.repo, kCommitA, "config.json"));
    CHECK(cache.list().front().incomplete.size() == 1);
    // Nothing left to do the second time.
    CHECK(cache.prune().removed.empty());
  }
  SECTION("a zero grace period takes recent temporaries too") {
    PruneOptions o;
    o.older_than_seconds = 0;
    PruneReport r = cache.prune(o);
    CHECK(removed_paths(r).count("incomplete:blobs/" + t.new_partial.filename().string()));
    CHECK_FALSE(stdfs::exists(t.new_partial));
  }
  SECTION("a partial download whose lock a pull holds is never touched") {
    fs::FileLock held(cache::lock_path(t.tmp.path(), t.repo, t.etag_old), std::chrono::seconds(1));
    PruneReport r = cache.prune();
    CHECK(stdfs::exists(t.old_partial));
    REQUIRE(r.in_use.size() == 1);
    CHECK(r.in_use[0].find(t.old_partial.filename().string()) != std::string::npos);
  }
  SECTION("dry run") {
    PruneOptions o;
    o.dry_run = true;
    PruneReport r = cache.prune(o);
    CHECK(r.dry_run);
    CHECK(r.removed.size() == 9);
    CHECK(stdfs::exists(t.old_partial));
    CHECK(stdfs::exists(cache::blob_path(t.tmp.path(), t.repo, t.loose)));
    CHECK(stdfs::exists(t.dir / "trees" / (kCommitB + ".json")));
    CHECK(stdfs::exists(t.dir / "snapshots" / kCommitA / "empty" / "deeper"));
  }
}

TEST_CASE("prune removes a repo folder left with nothing but empty folders", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/empty");
  stdfs::create_directories(fake.repo_dir(repo) / "snapshots");
  stdfs::create_directories(fake.repo_dir(repo) / "blobs");
  RepoId recent = model("acme/recent");
  stdfs::create_directories(fake.repo_dir(recent) / "blobs");
  age_tree(fake.repo_dir(repo), 2 * 3600);
  Cache cache(tmp.path());
  CHECK(cache.list().size() == 2);
  PruneReport r = cache.prune();
  CHECK(removed_paths(r).count("repo:"));
  CHECK_FALSE(stdfs::exists(fake.repo_dir(repo)));
  CHECK(stdfs::exists(fake.repo_dir(recent) / "blobs"));  // within the grace period
  CHECK(cache.list().size() == 1);
}
