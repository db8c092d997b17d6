// `hub cache ...` end to end: runs build/bin/hub on a hand-made cache and checks output and exit
// statuses. Skipped (with a warning) when the CLI has not been built.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "tests/unit/cache/cache_fixture.h"

using namespace hub;
using namespace hub::test;

namespace {

struct Run {
  int status = -1;
  std::string out;
};

Run run_hub(const std::string& args) {
  std::string cmd = std::string(HUB_BINARY_DIR) + "/bin/hub " + args + " 2>/dev/null";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool hub_built() {
  if (stdfs::exists(stdfs::path(HUB_BINARY_DIR) / "bin" / "hub")) return true;
  WARN("bin/hub not built; skipping the CLI test");
  return false;
}

}  // namespace

TEST_CASE("hub cache ls / verify / rm / reindex", "[cache][cli]") {
  if (!hub_built()) return;
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/tiny-model");
  fake.add_file(repo, kCommitA, "config.json", "{\"a\": 1}");
  std::string weights = fake.add_file(repo, kCommitA, "model.safetensors", std::string(1000, 'w'), true);
  fake.add_file(repo, kCommitB, "config.json", "{\"a\": 2}");
  fake.ref(repo, "main", kCommitB);
  fake.ref(repo, "v1", kCommitA);
  std::string dir = " --cache-dir '" + tmp.path().string() + "'";

  Run ls = run_hub("cache ls --json" + dir);
  REQUIRE(ls.status == 0);
  auto j = nlohmann::json::parse(ls.out);
  // Written directly, yet exactly what nlohmann's dump(2) prints for the same document.
  CHECK(ls.out == j.dump(2) + "\n");
  REQUIRE(j.size() == 1);
  CHECK(j[0]["repo"] == "acme/tiny-model");
  CHECK(j[0]["type"] == "model");
  CHECK(j[0]["size"] == 8 + 1000 + 8);
  CHECK(j[0]["revisions"].size() == 2);
  CHECK(j[0]["warnings"].empty());

  Run table = run_hub("cache ls" + dir);
  CHECK(table.status == 0);
  CHECK(table.out.find("REPO ID") != std::string::npos);
  CHECK(table.out.find("acme/tiny-model") != std::string::npos);

  CHECK(run_hub("cache verify -q" + dir).status == 0);
  write_bytes(fake.repo_dir(repo) / "blobs" / weights, std::string(1000, 'x'));
  Run verify = run_hub("cache verify" + dir);
  CHECK(verify.status == 6);
  CHECK(verify.out.find("corrupt: acme/tiny-model blobs/" + weights) != std::string::npos);

  CHECK(run_hub("cache rm acme/absent" + dir).status == 3);
  CHECK(run_hub("cache rm acme/tiny-model@nope" + dir).status == 3);
  Run rm = run_hub("cache rm acme/tiny-model@v1 --json" + dir);
  REQUIRE(rm.status == 0);
  auto r = nlohmann::json::parse(rm.out);
  CHECK(r["snapshots_removed"] == nlohmann::json::array({kCommitA}));
  CHECK(r["repo_removed"] == false);

  Run reindex = run_hub("cache reindex --json" + dir);
  REQUIRE(reindex.status == 0);
  CHECK(nlohmann::json::parse(reindex.out)["repos"] == 1);

  CHECK(run_hub("cache rm acme/tiny-model" + dir).status == 0);
  CHECK(nlohmann::json::parse(run_hub("cache ls --json" + dir).out).empty());
}

TEST_CASE("hub cache pin / gc / prune --json", "[cache][cli]") {
  if (!hub_built()) return;
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId old_repo = model("acme/old"), new_repo = model("acme/new"), kept = model("acme/kept");
  for (const auto* r : {&old_repo, &new_repo, &kept}) {
    fake.add_file(*r, kCommitA, "model.safetensors", std::string(1000, r->name.back()), true);
    fake.ref(*r, "main", kCommitA);
  }
  // Never used through libhub: the blob times order them (kept is the oldest of all).
  age(fake.repo_dir(kept) / "blobs" / sha256_hex(std::string(1000, 't')), 3 * 86400);
  age(fake.repo_dir(old_repo) / "blobs" / sha256_hex(std::string(1000, 'd')), 2 * 86400);
  std::string stale = (fake.repo_dir(new_repo) / "blobs" / (std::string(64, 'e') + ".0badf00d.incomplete")).string();
  write_bytes(stale, std::string(42, 'p'));
  age(stale, 7200);
  std::string dir = " --cache-dir '" + tmp.path().string() + "'";

  Run pin = run_hub("cache pin acme/kept --json" + dir);
  REQUIRE(pin.status == 0);
  CHECK(nlohmann::json::parse(pin.out)["commit"] == kCommitA);
  CHECK(run_hub("cache pin acme/kept@nope" + dir).status == 3);
  CHECK(run_hub("cache pin acme/absent" + dir).status == 3);
  Run table = run_hub("cache ls" + dir);
  CHECK(table.out.find("PINNED") != std::string::npos);
  Run ls_json = run_hub("cache ls --json" + dir);
  auto ls = nlohmann::json::parse(ls_json.out);
  CHECK(ls_json.out == ls.dump(2) + "\n");  // pinned and partial downloads too
  CHECK(ls[0]["repo"] == "acme/kept");
  CHECK(ls[0]["revisions"][0]["pinned"] == true);

  CHECK(run_hub("cache gc --max-size 12XB" + dir).status == 2);
  Run dry = run_hub("cache gc --max-size 1.5K --dry-run --json" + dir);
  REQUIRE(dry.status == 0);
  auto d = nlohmann::json::parse(dry.out);
  CHECK(d["dry_run"] == true);
  CHECK(d["max_size"] == 1500);
  CHECK(d["size_before"] == 3000);
  CHECK(d["size_after"] == 1000);
  REQUIRE(d["snapshots_removed"].size() == 2);
  CHECK(d["snapshots_removed"][0]["repo"] == "acme/old");
  CHECK(d["snapshots_removed"][1]["repo"] == "acme/new");
  CHECK(nlohmann::json::parse(run_hub("cache ls --json" + dir).out).size() == 3);

  Run gc = run_hub("cache gc --max-size 2000 --json" + dir);
  REQUIRE(gc.status == 0);
  auto g = nlohmann::json::parse(gc.out);
  CHECK(g["dry_run"] == false);
  CHECK(g["bytes_freed"] == 1000);
  CHECK(g["budget_met"] == true);
  CHECK(g["pinned_kept"] == 1);
  REQUIRE(g["snapshots_removed"].size() == 1);
  CHECK(g["snapshots_removed"][0]["repo"] == "acme/old");
  CHECK(g["snapshots_removed"][0]["refs"] == nlohmann::json::array({"main"}));
  CHECK(nlohmann::json::parse(run_hub("cache ls --json" + dir).out).size() == 2);

  Run prune = run_hub("cache prune --json" + dir);
  REQUIRE(prune.status == 0);
  auto p = nlohmann::json::parse(prune.out);
  REQUIRE(p["removed"].size() == 1);
  CHECK(p["removed"][0]["kind"] == "incomplete");
  CHECK(p["bytes_freed"] == 42);
  CHECK_FALSE(stdfs::exists(stale));
  CHECK(run_hub("cache prune --older-than 1y" + dir).status == 2);

  // Pinned: gc to zero keeps it and says the budget is not met.
  CHECK(run_hub("cache unpin acme/new@main -q" + dir).status == 0);
  auto zero = nlohmann::json::parse(run_hub("cache gc --max-size 0 --json" + dir).out);
  CHECK(zero["budget_met"] == false);
  CHECK(zero["size_after"] == 1000);
  CHECK(run_hub("cache unpin acme/kept" + dir).status == 0);
  CHECK(nlohmann::json::parse(run_hub("cache gc --max-size 0 --json" + dir).out)["budget_met"] == true);
  CHECK(nlohmann::json::parse(run_hub("cache ls --json" + dir).out).empty());
}

// File names on disk can be any bytes; the warnings that quote them must not break --json.
TEST_CASE("hub cache ls --json with a file name that is not UTF-8", "[cache][cli]") {
  if (!hub_built()) return;
  TempDir tmp;
  FakeCache fake(tmp.path());
  RepoId repo = model("acme/odd-names");
  fake.add_file(repo, kCommitA, "config.json", "{}");
  fake.ref(repo, "main", kCommitA);
  const stdfs::path bad = fake.repo_dir(repo) / "snapshots" / kCommitA / "bad\xff\xfename.json";
  stdfs::create_symlink("../../blobs/" + std::string(40, '9'), bad);  // a broken link: a warning quoting the name
  Run ls = run_hub("cache ls --json --cache-dir '" + tmp.path().string() + "'");
  REQUIRE(ls.status == 0);
  auto j = nlohmann::json::parse(ls.out);
  CHECK(ls.out == j.dump(2) + "\n");
  REQUIRE(j.size() == 1);
  REQUIRE(j[0]["warnings"].size() == 1);
  const std::string warning = j[0]["warnings"][0];
  CHECK(warning.find("bad\xEF\xBF\xBD\xEF\xBF\xBDname.json") != std::string::npos);  // U+FFFD twice
}
