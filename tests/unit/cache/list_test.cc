// Cache listing (hub-protocol.md §7.13, C49) and the index's reconciliation with the disk.
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <iostream>

#include "cache/index.h"
#include "cache/layout.h"
#include "hub/cache.h"
#include "tests/unit/cache/cache_fixture.h"

using namespace hub;
using namespace hub::test;

TEST_CASE("list: sizes are sums of distinct blobs, refs per revision", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/tiny-model");
  std::string config = "{\"hidden\": 8}";
  std::string weights(1000, 'w');
  // Commit A: config + weights; the same blob under two paths counts once.
  fake.add_file(repo, kCommitA, "config.json", config);
  std::string w = fake.add_file(repo, kCommitA, "model.safetensors", weights, true);
  fake.link(repo, kCommitA, "copy/model.safetensors", w);
  // Commit B shares the config blob and adds its own weights.
  fake.add_file(repo, kCommitB, "config.json", config);
  fake.add_file(repo, kCommitB, "model.safetensors", std::string(500, 'v'), true);
  fake.ref(repo, "main", kCommitB);
  fake.ref(repo, "v1.0", kCommitA);
  fake.ref(repo, "refs/pr/1", kCommitA);
  // Not counted: an unreferenced blob, .no_exist, trees/, a partial download.
  fake.add_blob(repo, "orphan", false);
  fake.no_exist(repo, kCommitA, "tokenizer.json");
  write_bytes(fake.repo_dir(repo) / "trees" / (kCommitA + ".json"), "{\"format_version\": 1, \"files\": {}}");
  write_bytes(fake.repo_dir(repo) / "blobs" / (std::string(64, 'd') + ".incomplete"), std::string(77, 'x'));
  // Another repo type.
  RepoId data = RepoId::parse("acme/corpus", RepoType::dataset);
  fake.add_file(data, kCommitC, "train.jsonl", "{}\n");
  fake.ref(data, "main", kCommitC);

  Cache cache(tmp.path());
  CacheListing listing = cache.listing();
  REQUIRE(listing.repos.size() == 2);
  CHECK(listing.warnings.empty());
  // Sorted by folder: datasets-- before models--.
  CHECK(listing.repos[0].repo == data);
  const CachedRepo* r = find_repo(listing.repos, repo);
  REQUIRE(r);
  CHECK(r->path == tmp.path() / "models--acme--tiny-model");
  CHECK(r->size == config.size() + 1000 + 500);
  CHECK(r->blobs == 3);
  CHECK(r->warnings.empty());
  REQUIRE(r->revisions.size() == 2);
  const CachedRevision* a = find_rev(*r, kCommitA);
  REQUIRE(a);
  CHECK(a->size == config.size() + 1000);
  CHECK(a->files == 3);
  CHECK(a->refs == std::vector<std::string>{"refs/pr/1", "v1.0"});
  const CachedRevision* b = find_rev(*r, kCommitB);
  REQUIRE(b);
  CHECK(b->size == config.size() + 500);
  CHECK(b->refs == std::vector<std::string>{"main"});
  CHECK(b->last_modified > 0);
  REQUIRE(r->incomplete.size() == 1);
  CHECK(r->incomplete[0].size == 77);
  CHECK(listing.size == r->size + 3);

  SECTION("the second listing answers from the index and agrees") {
    age_tree(tmp.path());
    cache.list();  // records the aged times
    auto again = cache.list();
    CHECK(cache.index().last_reconcile().unchanged == 2);
    CHECK(cache.index().last_reconcile().scanned == 0);
    const CachedRepo* r2 = find_repo(again, repo);
    REQUIRE(r2);
    CHECK(r2->size == r->size);
    CHECK(r2->revisions.size() == 2);
    CHECK(find_rev(*r2, kCommitA)->refs == a->refs);
  }
  SECTION("a second Cache on the same root reads the persisted index") {
    age_tree(tmp.path());
    cache.list();
    Cache other(tmp.path());
    auto repos = other.list();
    CHECK(other.index().last_reconcile().unchanged == 2);
    CHECK(find_repo(repos, repo)->size == r->size);
  }
}

TEST_CASE("list: corruption becomes warnings, never a failure", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/tiny-model");
  fake.add_file(repo, kCommitA, "config.json", "{}");
  fake.link(repo, kCommitA, "model.safetensors", std::string(64, 'f'));  // broken symlink
  fake.ref(repo, "main", kCommitA);
  fake.ref(repo, "dev", kCommitB);  // no snapshot for B
  write_bytes(fake.repo_dir(repo) / "snapshots" / "stray.txt", "x");
  // Root entries that are not repos; .locks, CACHEDIR.TAG and .DS_Store are expected.
  write_bytes(tmp.path() / "version.txt", "1");
  stdfs::create_directories(tmp.path() / "not-a-repo");
  stdfs::create_directories(tmp.path() / "widgets--acme--x");
  stdfs::create_directories(tmp.path() / ".locks" / "models--acme--tiny-model");
  write_bytes(tmp.path() / ".DS_Store", "");
  // A repo whose first download never finished: no snapshots/ yet.
  RepoId partial = model("acme/partial");
  write_bytes(fake.repo_dir(partial) / "blobs" / "abc.incomplete", "12345");

  Cache cache(tmp.path());
  CacheListing listing;
  REQUIRE_NOTHROW(listing = cache.listing());
  const CachedRepo* r = find_repo(listing.repos, repo);
  REQUIRE(r);
  CHECK(has_warning(r->warnings, "broken symlink"));
  CHECK(has_warning(r->warnings, "refs/dev"));
  CHECK(has_warning(r->warnings, "stray.txt"));
  CHECK(r->size == 2);  // the config blob only
  REQUIRE(r->revisions.size() == 1);
  CHECK(r->revisions[0].files == 1);
  CHECK(r->revisions[0].refs == std::vector<std::string>{"main"});

  CHECK(listing.warnings.size() == 3);
  CHECK(has_warning(listing.warnings, "version.txt"));
  CHECK(has_warning(listing.warnings, "not-a-repo"));
  CHECK(has_warning(listing.warnings, "widgets--acme--x"));

  const CachedRepo* p = find_repo(listing.repos, partial);
  REQUIRE(p);
  CHECK(p->revisions.empty());
  CHECK(p->size == 0);
  REQUIRE(p->incomplete.size() == 1);
  CHECK(p->incomplete[0].size == 5);
  CHECK(has_warning(p->warnings, "no snapshots/"));
}

TEST_CASE("list: odd file types never hang or crash a scan", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/odd");
  fake.add_file(repo, kCommitA, "config.json", "{}");
  stdfs::path snap = fake.repo_dir(repo) / "snapshots" / kCommitA;
  stdfs::create_symlink("loop", snap / "loop");           // a symlink to itself
  stdfs::create_directory_symlink("..", snap / "up");     // a symlink to a folder
  REQUIRE(::mkfifo((snap / "fifo").c_str(), 0644) == 0);  // a FIFO in a snapshot
  REQUIRE(::mkfifo((fake.repo_dir(repo) / "refs-fifo").c_str(), 0644) == 0);
  stdfs::create_directories(fake.repo_dir(repo) / "refs");
  REQUIRE(::mkfifo((fake.repo_dir(repo) / "refs" / "main").c_str(), 0644) == 0);  // a FIFO ref
  Cache cache(tmp.path());
  std::vector<CachedRepo> repos;
  REQUIRE_NOTHROW(repos = cache.list());
  REQUIRE(repos.size() == 1);
  CHECK(repos[0].size == 2);
  CHECK(has_warning(repos[0].warnings, "loop"));
  CHECK(has_warning(repos[0].warnings, "up"));
  CHECK(has_warning(repos[0].warnings, "fifo"));
  CHECK(has_warning(repos[0].warnings, "refs/main"));
  CHECK_FALSE(cache.resolve_revision(repo, "main"));
  CHECK_FALSE(cache.find_file(repo, kCommitA, "fifo"));
  CHECK(cache.verify().corrupt.empty());
}

TEST_CASE("list: an index from a newer libhub falls back to memory", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  fake.add_file(model("acme/a"), kCommitA, "config.json", "{}");
  { Cache first(tmp.path()); }
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(cache::index_path(tmp.path()).c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  Cache cache(tmp.path());
  CHECK_FALSE(cache.index().persistent());
  CacheListing listing = cache.listing();
  CHECK(listing.repos.size() == 1);
  CHECK(has_warning(listing.warnings, "newer"));
}

TEST_CASE("list: plain files in snapshots (systems without symlinks)", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/nolinks");
  fake.plain_file(repo, kCommitA, "config.json", "{}");
  fake.plain_file(repo, kCommitA, "sub/model.bin", std::string(100, 'm'));
  fake.ref(repo, "main", kCommitA);
  Cache cache(tmp.path());
  auto repos = cache.list();
  REQUIRE(repos.size() == 1);
  CHECK(repos[0].size == 102);
  CHECK(repos[0].blobs == 2);
  CHECK(repos[0].warnings.empty());
  REQUIRE(repos[0].revisions.size() == 1);
  CHECK(repos[0].revisions[0].files == 2);
  CHECK(repos[0].revisions[0].refs == std::vector<std::string>{"main"});
}

TEST_CASE("list: changes behind the index's back show up", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId a = model("acme/a"), b = model("acme/b"), c = model("acme/c");
  fake.add_file(a, kCommitA, "config.json", "{}");
  fake.add_file(a, kCommitA, "sub/deep/file.txt", "deep");
  fake.ref(a, "main", kCommitA);
  fake.add_file(b, kCommitA, "config.json", "{\"b\": 1}");
  age_tree(tmp.path());
  Cache cache(tmp.path());
  REQUIRE(cache.list().size() == 2);
  cache.list();
  REQUIRE(cache.index().last_reconcile().unchanged == 2);

  SECTION("a new repo appears") {
    fake.add_file(c, kCommitB, "x.txt", "x");
    auto repos = cache.list();
    CHECK(repos.size() == 3);
    CHECK(find_repo(repos, c));
    CHECK(cache.index().last_reconcile().scanned == 1);
  }
  SECTION("a deleted repo folder disappears") {
    stdfs::remove_all(fake.repo_dir(b));
    auto repos = cache.list();
    CHECK(repos.size() == 1);
    CHECK_FALSE(find_repo(repos, b));
    CHECK(cache.index().last_reconcile().dropped == 1);
  }
  SECTION("a new snapshot and a moved ref") {
    fake.add_file(a, kCommitB, "config.json", "{\"v\": 2}");
    fake.ref(a, "main", kCommitB);
    auto repos = cache.list();
    const CachedRepo* r = find_repo(repos, a);
    REQUIRE(r);
    CHECK(r->revisions.size() == 2);
    CHECK(find_rev(*r, kCommitB)->refs == std::vector<std::string>{"main"});
    CHECK(find_rev(*r, kCommitA)->refs.empty());
  }
  SECTION("a file added deep inside a snapshot") {
    fake.add_file(a, kCommitA, "sub/deep/more.txt", "12345678");
    auto repos = cache.list();
    CHECK(find_rev(*find_repo(repos, a), kCommitA)->files == 3);
    CHECK(cache.index().last_reconcile().scanned == 1);
  }
  SECTION("a blob deleted by hand turns into a warning") {
    stdfs::remove(fake.repo_dir(b) / "blobs" / git_blob_sha1_hex("{\"b\": 1}"));
    auto repos = cache.list();
    const CachedRepo* r = find_repo(repos, b);
    REQUIRE(r);
    CHECK(r->size == 0);
    CHECK(has_warning(r->warnings, "broken symlink"));
  }
  SECTION("a deleted index is rebuilt transparently") {
    stdfs::remove(cache::index_path(tmp.path()));
    Cache fresh(tmp.path());
    CHECK(fresh.list().size() == 2);
  }
}

// huggingface_hub moves a branch by rewriting refs/<name> in place: refs/ keeps its time, and
// when the new commit is already cached nothing else changes either.
TEST_CASE("list: a ref rewritten in place to a cached commit is seen", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId a = model("acme/a");
  fake.add_file(a, kCommitA, "config.json", "{}");
  fake.add_file(a, kCommitB, "config.json", "{\"v\": 2}");
  fake.ref(a, "main", kCommitA);
  age_tree(tmp.path());
  Cache cache(tmp.path());
  REQUIRE(find_rev(*find_repo(cache.list(), a), kCommitA)->refs == std::vector<std::string>{"main"});
  REQUIRE(cache.index().last_reconcile().scanned == 1);
  cache.list();
  REQUIRE(cache.index().last_reconcile().unchanged == 1);

  const auto refs_time = stdfs::last_write_time(fake.repo_dir(a) / "refs");
  fake.ref(a, "main", kCommitB);                                            // in place
  REQUIRE(stdfs::last_write_time(fake.repo_dir(a) / "refs") == refs_time);  // the folder did not move
  auto repos = cache.list();
  CHECK(cache.index().last_reconcile().scanned == 1);
  const CachedRepo* r = find_repo(repos, a);
  REQUIRE(r);
  CHECK(find_rev(*r, kCommitB)->refs == std::vector<std::string>{"main"});
  CHECK(find_rev(*r, kCommitA)->refs.empty());
}

TEST_CASE("list: a corrupt index file is moved aside and rebuilt", "[cache]") {
  TempDir tmp;
  FakeCache fake(tmp.path());
  fake.add_file(model("acme/a"), kCommitA, "config.json", "{}");
  write_bytes(cache::index_path(tmp.path()), std::string(8192, 'Z'));
  Cache cache(tmp.path());
  CHECK(cache.index().persistent());
  CHECK(cache.list().size() == 1);
  CHECK(stdfs::exists(tmp.path() / ".libhub" / "index.db.corrupt"));
}

TEST_CASE("list: 2000 small repos", "[cache]") {
  TempDir tmp(fast_temp_base());
  FakeCache fake(tmp.path());
  constexpr int kRepos = 2000;
  for (int i = 0; i < kRepos; ++i) {
    RepoId repo = model("org/repo-" + std::to_string(i));
    fake.add_file(repo, kCommitA, "config.json", "{\"i\": " + std::to_string(i) + "}");
    fake.add_file(repo, kCommitA, "model.safetensors", "weights " + std::to_string(i), true);
    fake.ref(repo, "main", kCommitA);
  }
  age_tree(tmp.path());
  Cache cache(tmp.path());
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  auto first = cache.list();
  auto t1 = clock::now();
  auto second = cache.list();
  auto t2 = clock::now();
  CHECK(first.size() == kRepos);
  CHECK(second.size() == kRepos);
  CHECK(cache.index().last_reconcile().unchanged == kRepos);
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::cout << "cache list of " << kRepos << " repos: first (full scan) " << ms(t1 - t0) << " ms, then " << ms(t2 - t1)
            << " ms from the index\n";

  // The stamps are checked on several threads, in chunks, while the tables are still being
  // read: changes anywhere among the repos (first, middle, last rows) are all found.
  for (int i : {0, 777, kRepos - 1})
    fake.add_file(model("org/repo-" + std::to_string(i)), kCommitA, "added.txt", "new " + std::to_string(i));
  stdfs::remove_all(fake.repo_dir(model("org/repo-1234")));
  fake.add_file(model("org/new-repo"), kCommitB, "x.txt", "x");
  auto changed = cache.list();
  CHECK(changed.size() == kRepos);
  const auto& r = cache.index().last_reconcile();
  CHECK(r.unchanged == kRepos - 4);
  CHECK(r.scanned == 4);
  CHECK(r.dropped == 1);
  for (int i : {0, 777, kRepos - 1}) {
    const CachedRepo* repo = find_repo(changed, model("org/repo-" + std::to_string(i)));
    REQUIRE(repo);
    CHECK(find_rev(*repo, kCommitA)->files == 3);
  }
  CHECK_FALSE(find_repo(changed, model("org/repo-1234")));
  CHECK(find_repo(changed, model("org/new-repo")));
}

// Not run by default: `hub_tests "[.cache-bench]"`. The design target is `hub cache ls` under
// 100 ms for 10,000 unchanged repos.
TEST_CASE("list: 10000 repos (benchmark)", "[.cache-bench]") {
  TempDir tmp(fast_temp_base());
  FakeCache fake(tmp.path());
  constexpr int kRepos = 10000;
  for (int i = 0; i < kRepos; ++i) {
    RepoId repo = model("org/repo-" + std::to_string(i));
    fake.add_file(repo, kCommitA, "config.json", "{\"i\": " + std::to_string(i) + "}");
    fake.add_file(repo, kCommitA, "model.safetensors", "weights " + std::to_string(i), true);
    fake.ref(repo, "main", kCommitA);
  }
  age_tree(tmp.path());
  Cache cache(tmp.path());
  using clock = std::chrono::steady_clock;
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  auto t0 = clock::now();
  cache.list();
  std::cout << "full scan of " << kRepos << " repos: " << ms(clock::now() - t0) << " ms\n";
  for (int run = 0; run < 5; ++run) {
    auto t1 = clock::now();
    auto repos = cache.list();
    auto t2 = clock::now();
    std::cout << "list from the index: " << ms(t2 - t1) << " ms (" << repos.size() << " repos)\n";
  }
}
