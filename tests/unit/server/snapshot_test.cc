// Served snapshots: depth-first entries, revision resolution, folder commits equal to what git
// itself computes, and the HF cache source.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/hashing.h"
#include "hub/error.h"
#include "server/cache_source.h"
#include "server/folder_source.h"
#include "server/lfs_policy.h"
#include "temp_tree.h"

using namespace hub::server;
using hub::RepoId;
using hub::RepoType;
using test::TempTree;

namespace {

FileInput file(std::string path, std::string content) {
  FileInput f;
  f.path = std::move(path);
  f.size = content.size();
  f.blob_oid = hub::git_blob_sha1_hex(content);
  return f;
}

// stdout of a shell command, trailing newline removed; empty on failure.
std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[256];
  while (size_t n = fread(buf, 1, sizeof(buf), p)) out.append(buf, n);
  if (pclose(p) != 0) return {};
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("server: snapshot entries are depth-first with folder subtrees", "[server][snapshot]") {
  auto snap =
      Snapshot::build({file("b.txt", "b"), file("a/x.txt", "x"), file("a.txt", "a"), file("a/b/c.txt", "c")}, {});
  std::vector<std::string> paths;
  for (const Entry& e : snap->entries()) paths.push_back(e.path);
  CHECK(paths == std::vector<std::string>{"a", "a/b", "a/b/c.txt", "a/x.txt", "a.txt", "b.txt"});
  const Entry* a = snap->find("a");
  REQUIRE(a);
  CHECK(a->type == EntryType::directory);
  CHECK(a->subtree_end == 4);
  CHECK(snap->subtree("a") == std::make_pair(std::size_t{1}, std::size_t{4}));
  CHECK(snap->subtree("") == std::make_pair(std::size_t{0}, std::size_t{6}));
  CHECK(snap->subtree("a.txt") == std::make_pair(std::size_t{0}, std::size_t{0}));
  CHECK(snap->commit().id.size() == 40);
  CHECK(snap->commit().date == "1970-01-01T00:00:00.000Z");
  CHECK(snap->total_size() == 4);
}

TEST_CASE("server: revisions resolve through refs, HEAD, ids and prefixes", "[server][snapshot]") {
  auto one = Snapshot::build({file("a", "1")}, {});
  auto two = Snapshot::build({file("a", "2")}, {});
  RepoView v;
  v.branches.push_back({"main", "refs/heads/main", one->commit().id});
  v.tags.push_back({"v1", "refs/tags/v1", two->commit().id});
  v.pull_requests.push_back({"refs/pr/1", "refs/pr/1", two->commit().id});
  v.commits[one->commit().id] = one;
  v.commits[two->commit().id] = two;
  CHECK(v.resolve("HEAD") == one);
  CHECK(v.resolve("main") == one);
  CHECK(v.resolve("refs/heads/main") == one);
  CHECK(v.resolve("v1") == two);
  CHECK(v.resolve("refs/pr/1") == two);
  CHECK(v.resolve(two->commit().id) == two);
  CHECK(v.resolve(two->commit().id.substr(0, 8)) == two);
  CHECK(v.resolve(two->commit().id.substr(0, 6)) == nullptr);  // too short
  CHECK(v.resolve("refs/pr/2") == nullptr);
  CHECK(v.resolve("nope") == nullptr);
  v.default_branch.clear();
  v.fallback_head = two->commit().id;
  CHECK(v.resolve("HEAD") == two);
}

TEST_CASE("server: a folder's commit is the one git computes for the same content", "[server][snapshot][git]") {
  TempTree t;
  const std::string weights(3000, '\x07');
  t.put("repos/acme/tiny/config.json", "{\"a\": 1}\n");
  t.put("repos/acme/tiny/sub/dir/leaf.txt", "leaf\n");
  t.put("repos/acme/tiny/model.safetensors", weights);
  t.put("repos/acme/tiny/empty.txt", "");
  t.put("repos/acme/tiny/.git/HEAD", "ignored\n");

  FolderSource source({.root = t.path() / "repos"});
  auto view = source.find(RepoId::parse("acme/tiny"));
  REQUIRE(view);
  auto snap = view->head();
  REQUIRE(snap);
  const std::string sha = snap->commit().id;
  CHECK(snap->find(".git/HEAD") == nullptr);
  const Entry* model = snap->find("model.safetensors");
  REQUIRE(model);
  REQUIRE(model->lfs);
  CHECK(model->lfs->sha256 == hub::sha256_hex(weights));
  CHECK(model->oid == hub::git_blob_sha1_hex(lfs_pointer(model->lfs->sha256, weights.size())));
  CHECK_FALSE(snap->find("empty.txt")->lfs);

  // Computed once with git 2.39 (git add; git write-tree; git commit-tree with the fixed
  // identity and date): the hash must never change, on any machine.
  CHECK(sha == "277f05f7aba2d2952497b0148d650eb9656c02ac");

  if (run("git --version").empty()) {
    WARN("git not found: only the recorded hash was checked");
    return;
  }
  t.put("git/config.json", "{\"a\": 1}\n");
  t.put("git/sub/dir/leaf.txt", "leaf\n");
  t.put("git/model.safetensors", lfs_pointer(hub::sha256_hex(weights), weights.size()));
  t.put("git/empty.txt", "");
  std::string dir = (t.path() / "git").string();
  std::string env =
      "GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=libhub GIT_AUTHOR_EMAIL=libhub@localhost "
      "GIT_AUTHOR_DATE='@0 +0000' GIT_COMMITTER_NAME=libhub GIT_COMMITTER_EMAIL=libhub@localhost "
      "GIT_COMMITTER_DATE='@0 +0000' ";
  std::string tree =
      run("cd '" + dir + "' && " + env + "git init -q . && " + env + "git add -A && " + env + "git write-tree");
  REQUIRE(tree.size() == 40);
  std::string commit = run("cd '" + dir + "' && " + env + "git commit-tree " + tree + " -m 'libhub: folder snapshot'");
  CHECK(commit == sha);
  CHECK(run("cd '" + dir + "' && git rev-parse " + commit + ":sub") == snap->find("sub")->oid);
}

TEST_CASE("server: folder repos: layout, legacy ids, datasets", "[server][snapshot]") {
  TempTree t;
  t.put("acme/tiny/a.txt", "a");
  t.put("gpt2/config.json", "{}");
  t.put("datasets/acme/data/train.csv", "x");
  t.put("spaces/acme/app/app.py", "print()");
  t.put("bad--name/repo/x.txt", "invalid namespace");
  FolderSource source({.root = t.path()});
  CHECK(source.find(RepoId::parse("acme/tiny")));
  CHECK(source.find(RepoId::parse("gpt2")));
  CHECK(source.find(RepoId::parse("acme/data", RepoType::dataset)));
  CHECK(source.find(RepoId::parse("acme/app", RepoType::space)));
  CHECK_FALSE(source.find(RepoId::parse("acme/data")));
  CHECK(source.list().size() == 4);
  CHECK_THROWS_AS(FolderSource({.root = t.path() / "missing"}), hub::Error);
}

TEST_CASE("server: HF cache source", "[server][snapshot][cache]") {
  TempTree t;
  const std::string main(40, 'a'), pr(40, 'b');
  const std::string weights(100, 'w'), config = "{}";
  stdfs::path repo = t.path() / "models--acme--tiny";
  std::string wsha = hub::sha256_hex(weights), csha = hub::git_blob_sha1_hex(config);
  t.put("models--acme--tiny/blobs/" + wsha, weights);
  t.put("models--acme--tiny/blobs/" + csha, config);
  stdfs::create_directories(repo / "snapshots" / main / "sub");
  stdfs::create_directories(repo / "snapshots" / pr);
  stdfs::create_symlink("../../blobs/" + wsha, repo / "snapshots" / main / "model.safetensors");
  stdfs::create_symlink("../../../blobs/" + csha, repo / "snapshots" / main / "sub" / "config.json");
  stdfs::create_symlink("../../blobs/" + csha, repo / "snapshots" / pr / "config.json");
  t.put("models--acme--tiny/refs/main", main);
  t.put("models--acme--tiny/refs/refs/pr/1", pr + "\n");
  t.put("models--acme--tiny/refs/stale", std::string(40, 'c'));  // no snapshot: dropped
  t.put("not-a-repo/x", "");

  CacheSource source({.root = t.path()});
  auto view = source.find(RepoId::parse("acme/tiny"));
  REQUIRE(view);
  CHECK(view->default_branch == "main");
  REQUIRE(view->branches.size() == 1);
  REQUIRE(view->pull_requests.size() == 1);
  CHECK(view->pull_requests[0].name == "refs/pr/1");
  auto snap = view->head();
  REQUIRE(snap);
  CHECK(snap->commit().id == main);
  const Entry* m = snap->find("model.safetensors");
  REQUIRE(m);
  REQUIRE(m->lfs);
  CHECK(m->lfs->sha256 == wsha);
  CHECK(m->size == weights.size());
  CHECK(snap->find("sub/config.json")->oid == csha);
  CHECK(snap->find("sub")->type == EntryType::directory);
  CHECK(view->resolve("refs/pr/1")->commit().id == pr);
  CHECK(source.list().size() == 1);
}
