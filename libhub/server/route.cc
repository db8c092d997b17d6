#include "server/route.h"

#include "core/strings.h"

namespace hub::server {
namespace {

using Segments = std::vector<std::string>;  // decoded

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string join(const Segments& segs, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < segs.size(); ++i) {
    if (i > from) out += '/';
    out += segs[i];
  }
  return out;
}

// The revision starting at segs[k]: "refs" "pr|convert" X as three segments (clients that do
// not encode the revision), else one (decoded, so "refs%2Fpr%2F1" works too). Returns the index
// after it, or nullopt when there is no revision.
std::optional<std::size_t> take_revision(const Segments& segs, std::size_t k, std::string& revision) {
  if (k >= segs.size() || segs[k].empty()) return std::nullopt;
  if (segs[k] == "refs" && k + 2 < segs.size() && (segs[k + 1] == "pr" || segs[k + 1] == "convert")) {
    revision = "refs/" + segs[k + 1] + "/" + segs[k + 2];
    return k + 3;
  }
  revision = segs[k];
  return k + 1;
}

// /api/{types}/{id}/<action...>, with the id taking `id_len` segments of `rest`.
bool api_action(const Segments& rest, std::size_t id_len, RouteKind& kind, RepoRoute& r) {
  if (rest.size() < id_len) return false;
  r.repo = id_len == 2 ? rest[0] + "/" + rest[1] : rest[0];
  std::size_t k = id_len;
  if (k == rest.size()) {
    kind = RouteKind::repo_info;
    return true;
  }
  const std::string& action = rest[k];
  if (action == "revision" || action == "paths-info" || action == "preupload" || action == "commit") {
    // Nothing follows the revision here, so every remaining segment belongs to it
    // (an unencoded "feature/x" branch works too).
    std::string rev = join(rest, k + 1);
    if (rev.empty()) return false;
    r.revision = std::move(rev);
    kind = action == "revision"     ? RouteKind::repo_info
           : action == "paths-info" ? RouteKind::paths_info
                                    : RouteKind::write_api;
    return true;
  }
  if (action == "refs") {
    if (k + 1 != rest.size()) return false;
    kind = RouteKind::refs;
    return true;
  }
  if (action == "tree") {
    std::string rev;
    auto next = take_revision(rest, k + 1, rev);
    if (!next) return false;
    r.revision = std::move(rev);
    r.path = join(rest, *next);
    kind = RouteKind::tree;
    return true;
  }
  return false;
}

// /{id}/resolve|raw/{rev}/{path} or /{id}[.git]/info/lfs/objects/batch, id of `id_len` segments.
bool web_action(const Segments& rest, std::size_t id_len, RouteKind& kind, RepoRoute& r) {
  if (rest.size() <= id_len) return false;
  std::string id = id_len == 2 ? rest[0] + "/" + rest[1] : rest[0];
  std::size_t k = id_len;
  if (rest[k] == "resolve" || rest[k] == "raw") {
    std::string rev;
    auto next = take_revision(rest, k + 1, rev);
    if (!next || *next >= rest.size()) return false;
    r.repo = std::move(id);
    r.revision = std::move(rev);
    r.path = join(rest, *next);
    kind = rest[k] == "resolve" ? RouteKind::resolve : RouteKind::raw;
    return true;
  }
  if (rest.size() == k + 4 && rest[k] == "info" && rest[k + 1] == "lfs" && rest[k + 2] == "objects" &&
      rest[k + 3] == "batch") {
    if (ends_with(id, ".git")) id.resize(id.size() - 4);
    r.repo = std::move(id);
    kind = RouteKind::lfs_batch;
    return true;
  }
  return false;
}

void add_candidates(Route& route, const Segments& rest, RepoType type, bool api) {
  for (std::size_t id_len : {2u, 1u}) {
    RepoRoute r;
    r.type = type;
    bool ok = api ? api_action(rest, id_len, r.kind, r) : web_action(rest, id_len, r.kind, r);
    if (!ok) continue;
    if (route.kind == RouteKind::not_found) route.kind = r.kind;
    route.candidates.push_back(std::move(r));
  }
}

}  // namespace

Route parse_route(std::string_view path) {
  Route route;
  if (path.empty() || path.front() != '/') {
    route.kind = RouteKind::bad_request;
    route.error = "the request target must start with '/'";
    return route;
  }
  Segments segs;
  for (const std::string& raw : split(path.substr(1), '/')) {
    auto decoded = percent_decode(raw);
    if (!decoded) {
      route.kind = RouteKind::bad_request;
      route.error = "malformed percent escape in the URL path";
      return route;
    }
    segs.push_back(std::move(*decoded));
  }
  if (!segs.empty() && segs.back().empty()) segs.pop_back();  // trailing slash
  if (segs.empty()) return route;

  if (segs[0] == "api") {
    if (segs.size() == 2 && segs[1] == "whoami-v2") {
      route.kind = RouteKind::whoami;
      return route;
    }
    if (segs.size() < 3) return route;
    RepoType type;
    if (segs[1] == "models")
      type = RepoType::model;
    else if (segs[1] == "datasets")
      type = RepoType::dataset;
    else if (segs[1] == "spaces")
      type = RepoType::space;
    else
      return route;
    add_candidates(route, Segments(segs.begin() + 2, segs.end()), type, true);
    return route;
  }
  if (segs[0] == "datasets" || segs[0] == "spaces") {
    RepoType type = segs[0] == "datasets" ? RepoType::dataset : RepoType::space;
    add_candidates(route, Segments(segs.begin() + 1, segs.end()), type, false);
  }
  // A model whose namespace happens to be "datasets" or "spaces" comes last.
  add_candidates(route, segs, RepoType::model, false);
  return route;
}

std::optional<Query> parse_query(std::string_view query) {
  Query out;
  for (std::string part : split(query, '&')) {
    if (part.empty()) continue;
    for (char& c : part)
      if (c == '+') c = ' ';
    auto eq = part.find('=');
    auto key = percent_decode(std::string_view(part).substr(0, eq));
    auto value = eq == std::string::npos ? std::optional<std::string>("")
                                         : percent_decode(std::string_view(part).substr(eq + 1));
    if (!key || !value) return std::nullopt;
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::optional<std::string> query_get(const Query& q, std::string_view key) {
  for (const auto& [k, v] : q)
    if (k == key) return v;
  return std::nullopt;
}

bool parse_bool(std::string_view value) {
  value = trim(value);
  return iequals(value, "true") || value == "1" || iequals(value, "yes") || iequals(value, "on");
}

}  // namespace hub::server
