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

}  // namespace

TEST_CASE("hub cache ls / verify / rm / reindex", "[cache][cli]") {
  if (!stdfs::exists(stdfs::path(HUB_BINARY_DIR) / "bin" / "hub")) {
    WARN("bin/hub not built; skipping the CLI test");
    return;
  }
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
