// Request targets to routes (internal, pure): splits the raw target, percent-decodes each path
// segment after splitting (so %2F inside a revision or tree path is a literal slash), reads
// `refs/pr/N` and `refs/convert/X` as one revision, and lists every repo-id interpretation of
// the path (namespace/name first, then a legacy one-segment id), since `/api/models/gpt2/refs`
// could be either. The handler picks the first candidate whose repo exists.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/repo.h"

namespace hub::server {

enum class RouteKind {
  not_found,    // no route has this shape
  bad_request,  // malformed target (bad percent escape, ...)
  whoami,       // /api/whoami-v2
  repo_info,    // /api/{types}/{id}[/revision/{rev}]
  refs,         // /api/{types}/{id}/refs
  tree,         // /api/{types}/{id}/tree/{rev}[/{path}]
  paths_info,   // /api/{types}/{id}/paths-info/{rev}
  write_api,    // preupload / commit: known, not served (read-only)
  resolve,      // /{prefix}{id}/resolve/{rev}/{path}
  raw,          // /{prefix}{id}/raw/{rev}/{path}
  lfs_batch,    // /{prefix}{id}.git/info/lfs/objects/batch
};

struct RepoRoute {
  RouteKind kind = RouteKind::not_found;
  RepoType type = RepoType::model;
  std::string repo;                     // id as written: "ns/name" or "name"
  std::optional<std::string> revision;  // absent: default branch
  std::string path;                     // tree sub-path or file path; may be empty
};

struct Route {
  RouteKind kind = RouteKind::not_found;  // the first candidate's kind for repo routes
  std::vector<RepoRoute> candidates;      // repo routes only; most likely first
  std::string error;                      // why, for bad_request
};

// `path` is the target's path without the query string, still percent-encoded.
Route parse_route(std::string_view path);

using Query = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded pairs ('+' is a space). nullopt on a bad percent escape.
std::optional<Query> parse_query(std::string_view query);
// The first value of `key`, if any.
std::optional<std::string> query_get(const Query& q, std::string_view key);
// Booleans as clients send them: true/True/1/yes/on (case-insensitive) are true.
bool parse_bool(std::string_view value);

}  // namespace hub::server
