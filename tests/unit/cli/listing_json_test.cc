// `hub cache ls --json` is written by hand (cli/listing_json.cc): it must print exactly what
// nlohmann's dump(2) prints for the same document built as nlohmann values of the same types
// (unsigned integers stay integers, doubles stay doubles: 0 prints as 0.0, 2 as 2.0).
#include "cli/listing_json.h"

#include <catch2/catch.hpp>
#include <limits>
#include <nlohmann/json.hpp>

using namespace hub;

namespace {

// What the listing looked like as an nlohmann document (the form the writer replaced).
nlohmann::json document(const std::vector<CachedRepo>& repos) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : repos) {
    nlohmann::json revisions = nlohmann::json::array();
    for (const auto& rev : r.revisions)
      revisions.push_back({{"commit", rev.commit},
                           {"refs", rev.refs},
                           {"size", rev.size},
                           {"files", rev.files},
                           {"last_used", rev.last_used},
                           {"last_modified", rev.last_modified},
                           {"pinned", rev.pinned}});
    nlohmann::json incomplete = nlohmann::json::array();
    for (const auto& p : r.incomplete)
      incomplete.push_back({{"name", p.name}, {"size", p.size}, {"last_modified", p.last_modified}});
    out.push_back({{"repo", r.repo.name},
                   {"type", std::string(to_string(r.repo.type))},
                   {"path", r.path.string()},
                   {"size", r.size},
                   {"blobs", r.blobs},
                   {"last_used", r.last_used},
                   {"last_accessed", r.last_accessed},
                   {"last_modified", r.last_modified},
                   {"revisions", revisions},
                   {"incomplete", incomplete},
                   {"warnings", r.warnings}});
  }
  return out;
}

std::string reference(const std::vector<CachedRepo>& repos) {
  return document(repos).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

TEST_CASE("listing_json prints what nlohmann's dump(2) prints", "[cli]") {
  std::vector<CachedRepo> repos;
  CHECK(cli::listing_json(repos) == reference(repos));  // "[]"

  CachedRepo plain;
  plain.repo = RepoId::parse("acme/tiny");
  plain.path = "/cache/models--acme--tiny";
  repos.push_back(plain);  // zeros everywhere, no revision
  CHECK(cli::listing_json(repos) == reference(repos));

  CachedRepo full;
  full.repo = RepoId::parse("acme/corpus", RepoType::dataset);
  full.path = "/cache/datasets--acme--corpus";
  full.size = std::numeric_limits<std::uint64_t>::max();
  full.blobs = 3;
  full.last_used = 2.0;  // integral doubles
  full.last_accessed = 1764201234.5678913;
  full.last_modified = 1e-7;  // nlohmann's exponent form
  full.revisions.push_back({std::string(40, 'a'), {"main", "refs/pr/1"}, 12, 3, 1e21, 0.1, true});
  full.revisions.push_back({std::string(40, 'b'), {}, 0, 0, -0.0, 123456789012345.67, false});
  full.incomplete.push_back({std::string(64, 'e') + ".incomplete", 77, 1764201234.25});
  full.warnings = {"quote \" backslash \\ tab \t newline \n bell \x07 del \x7f", "ünïcödé 名前",
                   "not UTF-8: \xff\xfe \xc3 end", ""};
  repos.push_back(full);
  repos.push_back(CachedRepo{.repo = RepoId::parse("acme/demo", RepoType::space), .path = "/c/spaces--acme--demo"});
  CHECK(cli::listing_json(repos) == reference(repos));
}
