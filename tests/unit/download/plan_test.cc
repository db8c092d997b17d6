#include "download/plan.h"

#include <catch2/catch.hpp>

#include "hub/error.h"

namespace {
hub::RepoFile file(const std::string& path) {
  hub::RepoFile f;
  f.path = path;
  f.oid = std::string(40, 'a');
  return f;
}
}  // namespace

TEST_CASE("pickle weights are skipped when safetensors exist", "[download]") {
  std::vector<hub::RepoFile> listing = {file("config.json"), file("model.safetensors"), file("pytorch_model.bin"),
                                        file("training_args.bin"), file("x.pt")};
  auto plan = hub::download::make_plan(listing, {});
  CHECK(plan.files.size() == 2);
  CHECK(plan.skipped == std::vector<std::string>{"pytorch_model.bin", "training_args.bin", "x.pt"});
  hub::PullOptions allow;
  allow.allow_pickle = true;
  CHECK(hub::download::make_plan(listing, allow).files.size() == 5);
  // Without safetensors weights, the pickle file is the only copy of the weights: kept.
  auto only_bin = hub::download::make_plan({file("config.json"), file("pytorch_model.bin")}, {});
  CHECK(only_bin.files.size() == 2);
}

TEST_CASE("plans reject duplicate paths and skip directories", "[download]") {
  hub::RepoFile dir = file("onnx");
  dir.directory = true;
  CHECK(hub::download::make_plan({dir, file("onnx/m.onnx")}, {}).files.size() == 1);
  CHECK_THROWS_AS(hub::download::make_plan({file("a"), file("a")}, {}), hub::Error);
}

TEST_CASE("explicit include globs decide alone: the default pickle skip does not apply", "[download]") {
  std::vector<hub::RepoFile> listing = {file("config.json"), file("model.safetensors"), file("pytorch_model.bin")};
  hub::PullOptions bin;
  bin.include = {"pytorch_model.bin"};
  auto plan = hub::download::make_plan(listing, bin);
  REQUIRE(plan.files.size() == 1);
  CHECK(plan.files[0].path == "pytorch_model.bin");
  hub::PullOptions all;
  all.include = {"*"};
  CHECK(hub::download::make_plan(listing, all).files.size() == 3);
  // Without an include the skip stays, with or without excludes; an exclude still wins.
  hub::PullOptions excl;
  excl.exclude = {"config.json"};
  CHECK(hub::download::make_plan(listing, excl).skipped ==
        std::vector<std::string>{"config.json", "pytorch_model.bin"});
  bin.exclude = {"*.bin"};
  CHECK(hub::download::make_plan(listing, bin).files.empty());
}

TEST_CASE("plans reject a listing where a file is also a folder", "[download]") {
  using hub::download::make_plan;
  auto rejects = [](const std::vector<hub::RepoFile>& listing, const std::string& needle) {
    try {
      make_plan(listing, {});
      FAIL("accepted");
    } catch (const hub::Error& e) {
      CHECK(e.code() == hub::Errc::invalid_input);
      CHECK_THAT(e.what(), Catch::Contains(needle));
    }
  };
  rejects({file("a"), file("a/b")}, "both a file 'a' and a file 'a/b'");
  rejects({file("x/y/z/w"), file("x/y")}, "both a file 'x/y' and a file 'x/y/z/w'");
  // Rejected even when the globs would select only one of them: the listing itself is invalid.
  hub::PullOptions only_a;
  only_a.include = {"a"};
  CHECK_THROWS_AS(make_plan({file("a"), file("a/b")}, only_a), hub::Error);
  hub::RepoFile dir_a = file("a");
  dir_a.directory = true;
  rejects({dir_a, file("a")}, "names 'a' twice");
  rejects({dir_a, dir_a, file("a/b")}, "names 'a' twice");
  // Shared prefixes that are not whole folder names are fine, and so is a folder entry.
  CHECK(make_plan({file("a"), file("ab/c"), file("a.txt"), file("b/a")}, {}).files.size() == 4);
  CHECK(make_plan({dir_a, file("a/b"), file("a/c")}, {}).files.size() == 2);
}
