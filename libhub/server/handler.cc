#include "server/handler.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "hub/error.h"
#include "server/responses.h"

namespace hub::server {
namespace {

enum class Auth { anonymous, valid, invalid };

Auth check_token(const std::optional<std::string>& header, const std::vector<std::string>& tokens) {
  if (!header) return Auth::anonymous;
  std::string_view h = trim(*header);
  if (h.size() < 7 || !iequals(h.substr(0, 7), "Bearer ")) return Auth::invalid;
  std::string_view token = trim(h.substr(7));
  if (tokens.empty()) return token.size() > 3 && token.substr(0, 3) == "hf_" ? Auth::valid : Auth::invalid;
  return std::find(tokens.begin(), tokens.end(), token) != tokens.end() ? Auth::valid : Auth::invalid;
}

// Host header values that are safe to echo into absolute URLs.
bool plausible_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' ||
           c == '_';
  });
}

Reply method_not_allowed(const char* allow) {
  Reply r = error_reply(405, "MethodNotAllowed", std::string("method not allowed here; use ") + allow);
  r.add_header("Allow", allow);
  return r;
}

bool is_get(const Request& r) { return r.method == "GET" || r.method == "HEAD"; }

}  // namespace

Handler::Handler(HandlerOptions options, std::vector<std::shared_ptr<RepoSource>> sources)
    : options_(std::move(options)), sources_(std::move(sources)) {
  while (!options_.public_url.empty() && options_.public_url.back() == '/') options_.public_url.pop_back();
  if (options_.page_size == 0) options_.page_size = 1000;
}

std::string Handler::base_url(const Request& request) const {
  if (!options_.public_url.empty()) return options_.public_url;
  if (request.host && plausible_host(*request.host)) return "http://" + *request.host;
  return options_.fallback_url ? options_.fallback_url() : std::string("http://127.0.0.1");
}

Reply Handler::handle(const Request& request) const {
  try {
    std::string_view target = request.target;
    // Absolute-form targets ("http://host/path") are legal in HTTP/1.1; keep the path.
    if (auto scheme = target.find("://"); scheme != std::string_view::npos && target.front() != '/') {
      auto slash = target.find('/', scheme + 3);
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    auto qmark = target.find('?');
    Context c{request, std::string(target.substr(0, qmark)), {}, {}, false, request.method == "HEAD"};
    if (qmark != std::string_view::npos) c.raw_query = std::string(target.substr(qmark + 1));
    if (auto q = parse_query(c.raw_query)) {
      c.query = std::move(*q);
    } else {
      return error_reply(400, "BadRequest", "malformed percent escape in the query string");
    }
    Auth auth = check_token(request.authorization, options_.tokens);
    // The Hub rejects bad tokens everywhere, public repos included (§11.5).
    if (auth == Auth::invalid) return error_reply(401, "InvalidCredentials", kInvalidCredentials);
    c.authenticated = auth == Auth::valid;
    return dispatch(c);
  } catch (const Error& e) {
    int status = e.code() == Errc::invalid_input ? 400 : 500;
    return error_reply(status, status == 400 ? "BadRequest" : "InternalError", e.what());
  } catch (const std::exception& e) {
    return error_reply(500, "InternalError", std::string("internal error: ") + e.what());
  }
}

Reply Handler::dispatch(Context& c) const {
  const Request& req = c.request;
  Route route = parse_route(c.path);
  switch (route.kind) {
    case RouteKind::bad_request: return error_reply(400, "BadRequest", route.error);
    case RouteKind::not_found: return error_reply(404, "NotFound", "no such endpoint: " + c.path);
    case RouteKind::whoami: return is_get(req) ? whoami(c) : method_not_allowed("GET");
    default: break;
  }
  std::optional<Found> found = find_repo(route.candidates);
  if (!found) return repo_not_found(c);
  const RouteKind kind = found->route.kind;
  switch (kind) {
    case RouteKind::repo_info: return is_get(req) ? repo_info(c, *found) : method_not_allowed("GET");
    case RouteKind::refs: return is_get(req) ? refs(c, *found) : method_not_allowed("GET");
    case RouteKind::tree: return is_get(req) ? tree(c, *found) : method_not_allowed("GET");
    case RouteKind::paths_info: return req.method == "POST" ? paths_info(c, *found) : method_not_allowed("POST");
    case RouteKind::resolve:
    case RouteKind::raw:
      return is_get(req) ? resolve(c, *found, kind == RouteKind::raw) : method_not_allowed("GET, HEAD");
    case RouteKind::lfs_batch: return req.method == "POST" ? lfs_batch(c, *found) : method_not_allowed("POST");
    case RouteKind::write_api:
      return error_reply(403, "ReadOnly", "hub serve is a read-only mirror: uploads and commits are not accepted");
    default: return error_reply(404, "NotFound", "no such endpoint: " + c.path);
  }
}

std::optional<Handler::Found> Handler::find_repo(const std::vector<RepoRoute>& candidates) const {
  for (const RepoRoute& r : candidates) {
    RepoId id;
    try {
      id = RepoId::parse(r.repo, r.type);
    } catch (const Error&) {
      continue;  // not a valid id, so no such repo
    }
    if (id.type != r.type) continue;  // "datasets/x" given as a model id
    for (const auto& source : sources_) {
      if (auto view = source->find(id)) return Found{source, std::move(view), r};
    }
  }
  return std::nullopt;
}

Reply Handler::repo_not_found(const Context& c) const {
  // Without a token the Hub answers 401, hiding whether a private repo exists (§11.5).
  return error_reply(c.authenticated ? 404 : 401, kRepoNotFound,
                     "Repository not found. Check the repo id and type; if the repo is private, pass a token.");
}

Reply Handler::revision_not_found(const RepoView& repo, const std::string& revision) const {
  return error_reply(404, kRevisionNotFound, "Invalid rev id: " + revision + " (repo " + repo.id.display() + ")");
}

Reply Handler::whoami(const Context& c) const {
  if (!c.authenticated)
    return error_reply(401, "Unauthorized", "You must be authenticated: send Authorization: Bearer <token>");
  nlohmann::json j = {
      {"type", "user"},
      {"id", "000000000000000000000000"},
      {"name", "libhub"},
      {"fullname", "hub serve"},
      {"email", nullptr},
      {"emailVerified", false},
      {"isPro", false},
      {"orgs", nlohmann::json::array()},
      {"auth", {{"type", "access_token"}, {"accessToken", {{"displayName", "hub serve"}, {"role", "read"}}}}}};
  return json_reply(j.dump());
}

Reply Handler::repo_info(const Context& c, const Found& f) const {
  std::string rev = f.route.revision.value_or("HEAD");
  auto snap = f.repo->resolve(rev);
  if (!snap) return revision_not_found(*f.repo, rev);
  bool blobs = parse_bool(query_get(c.query, "blobs").value_or(""));
  return json_reply(repo_info_json(*f.repo, *snap, blobs));
}

Reply Handler::refs(const Context& c, const Found& f) const {
  bool prs = parse_bool(query_get(c.query, "include_prs").value_or(""));
  return json_reply(refs_json(*f.repo, prs));
}

}  // namespace hub::server
