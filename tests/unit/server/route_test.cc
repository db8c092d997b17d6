// URL grammar of hub serve (hub-protocol.md §1.3, §1.4): segment decoding, refs/pr/N, legacy ids.
#include "server/route.h"

#include <catch2/catch.hpp>

using hub::RepoType;
using hub::server::parse_bool;
using hub::server::parse_query;
using hub::server::parse_route;
using hub::server::query_get;
using hub::server::RouteKind;

TEST_CASE("server: api routes with a namespace/name id", "[server][route]") {
  auto r = parse_route("/api/models/acme/tiny");
  REQUIRE(r.kind == RouteKind::repo_info);
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].repo == "acme/tiny");
  CHECK_FALSE(r.candidates[0].revision);

  r = parse_route("/api/datasets/acme/data/revision/v1.0");
  REQUIRE(r.kind == RouteKind::repo_info);
  CHECK(r.candidates[0].type == RepoType::dataset);
  CHECK(r.candidates[0].revision == "v1.0");

  r = parse_route("/api/spaces/acme/app/refs");
  CHECK(r.kind == RouteKind::refs);
  CHECK(r.candidates[0].type == RepoType::space);

  r = parse_route("/api/models/acme/tiny/paths-info/main");
  CHECK(r.kind == RouteKind::paths_info);
  CHECK(r.candidates[0].revision == "main");

  CHECK(parse_route("/api/models/acme/tiny/preupload/main").kind == RouteKind::write_api);
  CHECK(parse_route("/api/whoami-v2").kind == RouteKind::whoami);
}

TEST_CASE("server: revisions are decoded after splitting", "[server][route]") {
  auto r = parse_route("/api/models/acme/tiny/revision/refs%2Fpr%2F1");
  REQUIRE(r.kind == RouteKind::repo_info);
  CHECK(r.candidates[0].revision == "refs/pr/1");

  r = parse_route("/api/models/acme/tiny/revision/HEAD");
  CHECK(r.candidates[0].revision == "HEAD");

  // Unencoded refs/pr/N and refs/convert/X take three segments.
  r = parse_route("/acme/tiny/resolve/refs/pr/12/config.json");
  REQUIRE(r.kind == RouteKind::resolve);
  CHECK(r.candidates[0].revision == "refs/pr/12");
  CHECK(r.candidates[0].path == "config.json");

  r = parse_route("/datasets/acme/data/resolve/refs%2Fconvert%2Fparquet/default/train/0000.parquet");
  REQUIRE(r.kind == RouteKind::resolve);
  CHECK(r.candidates[0].type == RepoType::dataset);
  CHECK(r.candidates[0].revision == "refs/convert/parquet");
  CHECK(r.candidates[0].path == "default/train/0000.parquet");

  r = parse_route("/api/models/acme/tiny/tree/refs/convert/parquet/default");
  REQUIRE(r.kind == RouteKind::tree);
  CHECK(r.candidates[0].revision == "refs/convert/parquet");
  CHECK(r.candidates[0].path == "default");

  // A branch with a slash, fully encoded.
  r = parse_route("/acme/tiny/resolve/feature%2Fx/a%20b.txt");
  CHECK(r.candidates[0].revision == "feature/x");
  CHECK(r.candidates[0].path == "a b.txt");
}

TEST_CASE("server: tree sub-paths: %2F and / are the same", "[server][route]") {
  auto a = parse_route("/api/models/acme/tiny/tree/main/sub%2Fdir");
  auto b = parse_route("/api/models/acme/tiny/tree/main/sub/dir");
  REQUIRE(a.kind == RouteKind::tree);
  CHECK(a.candidates[0].path == "sub/dir");
  CHECK(b.candidates[0].path == "sub/dir");
  auto root = parse_route("/api/models/acme/tiny/tree/main/");
  CHECK(root.candidates[0].path.empty());
}

TEST_CASE("server: legacy one-segment ids are candidates after namespace/name", "[server][route]") {
  auto r = parse_route("/api/models/gpt2");
  REQUIRE(r.kind == RouteKind::repo_info);
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].repo == "gpt2");

  r = parse_route("/api/models/gpt2/revision/main");
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].repo == "gpt2");
  CHECK(r.candidates[0].revision == "main");

  // Either the repo "gpt2/refs" (info) or the refs of "gpt2".
  r = parse_route("/api/models/gpt2/refs");
  REQUIRE(r.candidates.size() == 2);
  CHECK(r.candidates[0].repo == "gpt2/refs");
  CHECK(r.candidates[0].kind == RouteKind::repo_info);
  CHECK(r.candidates[1].repo == "gpt2");
  CHECK(r.candidates[1].kind == RouteKind::refs);

  r = parse_route("/gpt2/resolve/main/config.json");
  REQUIRE(r.kind == RouteKind::resolve);
  CHECK(r.candidates.back().repo == "gpt2");
  CHECK(r.candidates.back().path == "config.json");
}

TEST_CASE("server: LFS batch URLs", "[server][route]") {
  auto r = parse_route("/acme/tiny.git/info/lfs/objects/batch");
  REQUIRE(r.kind == RouteKind::lfs_batch);
  CHECK(r.candidates[0].repo == "acme/tiny");
  r = parse_route("/datasets/acme/data.git/info/lfs/objects/batch");
  REQUIRE(r.kind == RouteKind::lfs_batch);
  CHECK(r.candidates[0].type == RepoType::dataset);
  CHECK(r.candidates[0].repo == "acme/data");
}

TEST_CASE("server: malformed and unknown targets", "[server][route]") {
  CHECK(parse_route("/api/models/acme/tiny/tree/%ZZ").kind == RouteKind::bad_request);
  CHECK(parse_route("/api/models/acme/tiny/tree/%2").kind == RouteKind::bad_request);
  CHECK(parse_route("no-slash").kind == RouteKind::bad_request);
  CHECK(parse_route("/").kind == RouteKind::not_found);
  CHECK(parse_route("/api").kind == RouteKind::not_found);
  CHECK(parse_route("/api/kittens/a/b").kind == RouteKind::not_found);
  CHECK(parse_route("/acme/tiny/blob/main/x").kind == RouteKind::not_found);
  CHECK(parse_route("/acme/tiny/resolve/main").kind == RouteKind::not_found);  // no file path
  CHECK(parse_route("/api/models/acme/tiny/unknown-action").kind == RouteKind::not_found);
}

TEST_CASE("server: query strings", "[server][route]") {
  auto q = parse_query("expand=pipeline_tag&expand=private&recursive=True&x=a+b%2Bc&flag");
  REQUIRE(q);
  CHECK(q->size() == 5);
  CHECK(query_get(*q, "expand") == "pipeline_tag");
  CHECK(query_get(*q, "x") == "a b+c");
  CHECK(query_get(*q, "flag") == "");
  CHECK_FALSE(query_get(*q, "missing"));
  CHECK_FALSE(parse_query("a=%G0"));
  for (const char* t : {"true", "True", "TRUE", "1", "yes"}) CHECK(parse_bool(t));
  for (const char* f : {"false", "False", "0", "", "nope"}) CHECK_FALSE(parse_bool(f));
}
