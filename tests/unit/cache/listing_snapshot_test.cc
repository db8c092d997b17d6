// The listing snapshot (cache/listing_snapshot.h): its codec, and that `hub cache ls` answered
// from it always says what the tables and the disk say.
#include "cache/listing_snapshot.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "cache/index.h"
#include "cache/layout.h"
#include "hub/cache.h"
#include "tests/unit/cache/cache_fixture.h"

using namespace hub;
using namespace hub::test;

namespace {

// Every field, so that a snapshot that drops or mixes up one is caught.
void check_same(const std::vector<CachedRepo>& a, const std::vector<CachedRepo>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("repo " << i << ": " << a[i].repo.display());
    CHECK(a[i].repo == b[i].repo);
    CHECK(a[i].path == b[i].path);
    CHECK(a[i].size == b[i].size);
    CHECK(a[i].blobs == b[i].blobs);
    CHECK(a[i].last_used == b[i].last_used);
    CHECK(a[i].last_modified == b[i].last_modified);
    CHECK(a[i].last_accessed == b[i].last_accessed);
    CHECK(a[i].warnings == b[i].warnings);
    REQUIRE(a[i].revisions.size() == b[i].revisions.size());
    for (std::size_t j = 0; j < a[i].revisions.size(); ++j) {
      const auto &x = a[i].revisions[j], &y = b[i].revisions[j];
      CHECK(x.commit == y.commit);
      CHECK(x.refs == y.refs);
      CHECK(x.size == y.size);
      CHECK(x.files == y.files);
      CHECK(x.last_modified == y.last_modified);
      CHECK(x.last_used == y.last_used);
      CHECK(x.pinned == y.pinned);
    }
    REQUIRE(a[i].incomplete.size() == b[i].incomplete.size());
    for (std::size_t j = 0; j < a[i].incomplete.size(); ++j) {
      CHECK(a[i].incomplete[j].name == b[i].incomplete[j].name);
      CHECK(a[i].incomplete[j].size == b[i].incomplete[j].size);
      CHECK(a[i].incomplete[j].last_modified == b[i].incomplete[j].last_modified);
    }
  }
}

std::vector<CachedRepo> sample_listing(const stdfs::path& root) {
  std::vector<CachedRepo> out(3);
  out[0].repo = RepoId::parse("acme/corpus", RepoType::dataset);
  out[0].path = root / "datasets--acme--corpus";
  out[0].size = 1234;
  out[0].blobs = 2;
  out[0].last_accessed = 1700000000.25;
  out[0].revisions.push_back({kCommitA, {"main", "refs/pr/1"}, 1234, 3, 1700000001.5, 0, true});
  out[0].incomplete.push_back({std::string(64, 'e') + ".incomplete", 77, 1700000002.75});
  out[0].warnings = {"refs/v2: points to commit " + kCommitC + ", which has no snapshot", "ünïcödé"};
  out[1].repo = RepoId::parse("acme/tiny", RepoType::model);
  out[1].path = root / "models--acme--tiny";
  out[1].revisions.push_back({kCommitB, {}, 0, 0, 0, 1700000003.0, false});
  out[1].revisions.push_back({kCommitC, {"main"}, std::uint64_t{1} << 40, 9, 1.0, 2.0, false});
  out[2].repo = RepoId::parse("acme/demo", RepoType::space);
  out[2].path = root / "spaces--acme--demo";
  return out;
}

const std::vector<std::string> kRootWarnings = {"stray.txt: not a repo folder"};

std::string encode_sample(const std::vector<CachedRepo>& listing) {
  std::vector<std::string> folders;
  for (const auto& r : listing) folders.push_back(r.path.filename().native());
  std::vector<cache::SnapshotStamps> stamps;
  for (std::size_t i = 0; i < listing.size(); ++i)
    stamps.push_back({folders[i], "1700000000000000000 blobs\n", listing[i].repo.name == "acme/tiny"});
  return cache::encode_listing_snapshot("0123456789abcdef", 1700000000123456789, kRootWarnings, stamps, listing);
}

}  // namespace

TEST_CASE("listing snapshot: every field comes back as it went in", "[cache]") {
  const stdfs::path root = "/caches/hub";
  const auto listing = sample_listing(root);
  const std::string blob = encode_sample(listing);
  auto snapshot = cache::decode_listing_snapshot(blob);
  REQUIRE(snapshot);
  CHECK(snapshot->token == "0123456789abcdef");
  CHECK(snapshot->root_mtime_ns == 1700000000123456789);
  CHECK(snapshot->root_warnings == kRootWarnings);
  REQUIRE(snapshot->repos.size() == 3);
  CHECK(snapshot->repos[0].folder == "datasets--acme--corpus");
  CHECK(snapshot->repos[1].folder == "models--acme--tiny");
  CHECK(snapshot->repos[1].dirty);
  CHECK_FALSE(snapshot->repos[2].dirty);
  CHECK(snapshot->repos[2].stamps == "1700000000000000000 blobs\n");
  auto decoded = cache::decode_listing(*snapshot, root);
  REQUIRE(decoded);
  check_same(*decoded, listing);

  SECTION("an empty cache") {
    const std::string empty = cache::encode_listing_snapshot("t", 1, {}, {}, {});
    auto s = cache::decode_listing_snapshot(empty);
    REQUIRE(s);
    CHECK(s->repos.empty());
    auto l = cache::decode_listing(*s, root);
    REQUIRE(l);
    CHECK(l->empty());
  }
}

TEST_CASE("listing snapshot: damaged bytes are refused, never trusted or crashed on", "[cache]") {
  const stdfs::path root = "/caches/hub";
  const auto listing = sample_listing(root);
  const std::string blob = encode_sample(listing);
  auto decodes = [&](std::string_view bytes) {
    auto s = cache::decode_listing_snapshot(bytes);
    return s && cache::decode_listing(*s, root).has_value();
  };
  REQUIRE(decodes(blob));
  // Every truncation (a torn or half-written file) is refused.
  for (std::size_t n = 0; n < blob.size(); ++n) {
    INFO("truncated to " << n << " of " << blob.size() << " bytes");
    CHECK_FALSE(decodes(std::string_view(blob).substr(0, n)));
  }
  CHECK_FALSE(decodes(blob + '\0'));  // trailing bytes
  std::string other = blob;
  other[0] ^= 0x01;  // another format (or the other byte order)
  CHECK_FALSE(decodes(other));
  // A count far beyond what the bytes could hold is refused before anything is reserved for it.
  std::string huge = blob;
  const std::size_t count_at = 4 + 4 + 16 + 8;  // magic, token, root time: the root warnings' count
  huge[count_at + 3] = static_cast<char>(0x7f);
  CHECK_FALSE(decodes(huge));
  // Single flipped bytes decode to something or to nothing, but never crash (ASan runs this).
  for (std::size_t i = 0; i < blob.size(); ++i) {
    std::string flipped = blob;
    flipped[i] = static_cast<char>(~flipped[i]);
    (void)decodes(flipped);
  }
}

namespace {

// A cache whose every time (the root's included, which opening the index just moved) is old
// enough to be trusted, so that the first listing saves a snapshot.
struct SnapshotCache {
  TempDir tmp;
  FakeCache fake{tmp.path()};
  RepoId a = model("acme/a"), b = model("acme/b");
  std::optional<Cache> cache;

  SnapshotCache() {
    fake.add_file(a, kCommitA, "config.json", "{}");
    fake.add_file(a, kCommitA, "sub/deep/file.txt", "deep");
    fake.add_file(a, kCommitB, "config.json", "{\"v\": 2}");
    fake.ref(a, "main", kCommitA);
    fake.add_file(b, kCommitC, "config.json", "{\"b\": 1}", true);
    fake.ref(b, "main", kCommitC);
    cache.emplace(tmp.path());
    age_tree(tmp.path());
  }
  std::vector<CachedRepo> list() { return cache->list(); }
  const cache::ReconcileStats stats() { return cache->index().last_reconcile(); }
};

}  // namespace

TEST_CASE("listing snapshot: answers an unchanged cache, as the tables would", "[cache]") {
  SnapshotCache c;
  auto first = c.list();
  CHECK_FALSE(c.stats().from_snapshot);
  REQUIRE(stdfs::exists(c.tmp.path() / ".libhub" / "listing.bin"));
  auto second = c.list();
  CHECK(c.stats().from_snapshot);
  CHECK(c.stats().unchanged == 2);
  check_same(second, first);
  check_same(second, c.cache->index().list_repos());
  CHECK(c.cache->listing().warnings.empty());

  SECTION("another process's index sees the same snapshot") {
    Cache other(c.tmp.path());
    check_same(other.list(), first);
    CHECK(other.index().last_reconcile().from_snapshot);
  }
  SECTION("a file added deep inside a snapshot: only its repo is read again") {
    c.fake.add_file(c.a, kCommitA, "sub/deep/more.txt", "12345678");
    auto repos = c.list();
    CHECK_FALSE(c.stats().from_snapshot);
    CHECK(c.stats().scanned == 1);
    CHECK(c.stats().unchanged == 1);
    CHECK(find_rev(*find_repo(repos, c.a), kCommitA)->files == 3);
    check_same(repos, c.cache->index().list_repos());
  }
  SECTION("a ref rewritten in place to another cached commit") {
    c.fake.ref(c.a, "main", kCommitB);  // in place
    auto repos = c.list();
    CHECK_FALSE(c.stats().from_snapshot);
    CHECK(find_rev(*find_repo(repos, c.a), kCommitB)->refs == std::vector<std::string>{"main"});
    CHECK(find_rev(*find_repo(repos, c.a), kCommitA)->refs.empty());
  }
  SECTION("a blob deleted by hand") {
    stdfs::remove(c.fake.repo_dir(c.b) / "blobs" / sha256_hex("{\"b\": 1}"));
    auto repos = c.list();
    CHECK(find_repo(repos, c.b)->size == 0);
    CHECK(has_warning(find_repo(repos, c.b)->warnings, "broken symlink"));
  }
  SECTION("a new repo folder") {
    c.fake.add_file(model("acme/new"), kCommitA, "x.txt", "x");
    auto repos = c.list();
    CHECK_FALSE(c.stats().from_snapshot);
    CHECK(repos.size() == 3);
    CHECK(find_repo(repos, model("acme/new")));
  }
  SECTION("a repo folder removed") {
    stdfs::remove_all(c.fake.repo_dir(c.b));
    auto repos = c.list();
    CHECK(repos.size() == 1);
    CHECK(c.stats().dropped == 1);
  }
  SECTION("a stray file at the root becomes a warning") {
    write_bytes(c.tmp.path() / "stray.txt", "x");
    CHECK(c.cache->listing().warnings.size() == 1);
  }
  SECTION("writes to the index drop the snapshot: a pin, a use") {
    c.cache->pin(c.b);
    auto repos = c.list();
    CHECK_FALSE(c.stats().from_snapshot);
    CHECK(find_repo(repos, c.b)->revisions[0].pinned);
    c.cache->touch(c.a, kCommitB);
    repos = c.list();
    CHECK(find_rev(*find_repo(repos, c.a), kCommitB)->last_used > 0);
    check_same(repos, c.cache->index().list_repos());
  }
  SECTION("writes that change nothing the listing shows keep it: verify") {
    const VerifyReport report = c.cache->verify();
    REQUIRE(report.blobs_checked == 4);
    REQUIRE(report.corrupt.empty());
    c.list();
    CHECK(c.stats().from_snapshot);
  }
  SECTION("a pin through another connection drops it too") {
    Cache other(c.tmp.path());
    other.pin(c.a, "main");
    auto repos = c.list();
    CHECK_FALSE(c.stats().from_snapshot);
    CHECK(find_rev(*find_repo(repos, c.a), kCommitA)->pinned);
  }
  SECTION("a save that died before its rename leaves nothing behind for long") {
    const stdfs::path dead = c.tmp.path() / ".libhub" / ".listing.bin.0badc0de.tmp";
    write_bytes(dead, "half a snapshot");
    c.cache->pin(c.b);  // the next listing saves a new snapshot
    c.list();
    CHECK_FALSE(stdfs::exists(dead));
    CHECK(stdfs::exists(c.tmp.path() / ".libhub" / "index.db"));
    CHECK(stdfs::exists(c.tmp.path() / ".libhub" / "listing.bin"));
  }
  SECTION("a missing or damaged snapshot file is rebuilt from the tables") {
    const stdfs::path file = c.tmp.path() / ".libhub" / "listing.bin";
    SECTION("missing") { stdfs::remove(file); }
    SECTION("a FIFO in its place (never waited on)") {
      stdfs::remove(file);
      REQUIRE(::mkfifo(file.c_str(), 0644) == 0);
    }
    SECTION("truncated") { stdfs::resize_file(file, stdfs::file_size(file) / 2); }
    SECTION("replaced by an older snapshot") {
      const std::string old = read_bytes(file);
      c.cache->pin(c.b);
      c.list();  // a new snapshot with a new token
      write_bytes(file, old);
    }
    auto repos = c.list();
    CHECK_FALSE(c.stats().from_snapshot);
    check_same(repos, c.cache->index().list_repos());
  }
  SECTION("after a change settles, the next listings come from a new snapshot") {
    c.fake.add_file(c.a, kCommitA, "later.txt", "later");
    c.list();
    age_tree(c.tmp.path());
    auto saved = c.list();  // the aged times are trusted: saved again
    auto repos = c.list();
    CHECK(c.stats().from_snapshot);
    check_same(repos, saved);
    CHECK(find_rev(*find_repo(repos, c.a), kCommitA)->files == 3);
  }
}

// Ref files are stamped except where every ref points at a repo's only snapshot. There a branch
// moved by a download shows through the new snapshot folder the download creates.
TEST_CASE("listing snapshot: a one-snapshot repo whose branch moves to a new download", "[cache]") {
  SnapshotCache c;
  c.list();
  c.list();
  REQUIRE(c.stats().from_snapshot);
  SECTION("the branch is rewritten in place, then the download creates its snapshot") {
    c.fake.ref(c.b, "main", kCommitA);  // in place
    c.fake.add_file(c.b, kCommitA, "config.json", "{\"b\": 2}", true);
    auto repos = c.list();
    CHECK_FALSE(c.stats().from_snapshot);
    const CachedRepo* b = find_repo(repos, c.b);
    REQUIRE(b);
    CHECK(find_rev(*b, kCommitA)->refs == std::vector<std::string>{"main"});
    CHECK(find_rev(*b, kCommitC)->refs.empty());
  }
  SECTION("a second revision makes its refs count: moving back in place is seen") {
    c.fake.add_file(c.b, kCommitA, "config.json", "{\"b\": 2}", true);
    c.list();
    age_tree(c.tmp.path());
    c.list();  // saved with the ref files stamped now
    c.list();
    REQUIRE(c.stats().from_snapshot);
    c.fake.ref(c.b, "main", kCommitA);  // in place
    auto repos = c.list();
    CHECK_FALSE(c.stats().from_snapshot);
    CHECK(find_rev(*find_repo(repos, c.b), kCommitA)->refs == std::vector<std::string>{"main"});
  }
}

// An index written by the previous libhub (schema 1: no snapshot table, no ref stamps) is
// migrated in place: every repo is rescanned once, and listings then use snapshots.
TEST_CASE("listing snapshot: a version 1 index is migrated", "[cache]") {
  SnapshotCache c;
  const auto first = c.list();
  c.cache.reset();
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(cache::index_path(c.tmp.path()).c_str(), &db) == SQLITE_OK);
    std::vector<std::string> triggers;
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'", -1, &st, nullptr) ==
            SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
      triggers.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    CHECK(triggers.size() == 12);
    std::string downgrade = "DROP TABLE listing_snapshot;";
    for (const auto& t : triggers) downgrade += "DROP TRIGGER " + t + ";";
    downgrade += "PRAGMA user_version = 1;";
    REQUIRE(sqlite3_exec(db, downgrade.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  c.cache.emplace(c.tmp.path());
  auto migrated = c.list();
  CHECK(c.stats().scanned == 2);  // the stamps were cleared: ref files get theirs
  check_same(migrated, first);
  c.list();
  CHECK(c.stats().from_snapshot);
}
