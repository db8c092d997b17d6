// Tree listings with Link pagination, and paths-info (form and JSON bodies).
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "core/strings.h"
#include "server/handler.h"
#include "server/responses.h"

namespace hub::server {
namespace {

constexpr std::uint64_t kMaxLimit = 100'000;

// Paths clients send may carry a leading or trailing '/'; the repo root itself is no entry.
std::string normalize(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

// The query as received minus `cursor`, then the new cursor: clients re-issue the URL verbatim,
// so everything else they sent (recursive, expand, limit) must survive.
std::string next_query(std::string_view raw_query, std::size_t cursor) {
  std::string out;
  for (const std::string& part : split(raw_query, '&')) {
    if (part.empty()) continue;
    auto key = percent_decode(std::string_view(part).substr(0, part.find('=')));
    if (key && *key == "cursor") continue;
    out += part;
    out += '&';
  }
  return out + "cursor=" + std::to_string(cursor);
}

}  // namespace

Reply Handler::tree(const Context& c, const Found& f) const {
  const std::string& rev = *f.route.revision;
  auto snap = f.repo->resolve(rev);
  if (!snap) return revision_not_found(*f.repo, rev);
  std::string dir = normalize(f.route.path);
  if (!dir.empty()) {
    const Entry* e = snap->find(dir);
    if (!e || e->is_file()) {
      Reply r =
          error_reply(404, kEntryNotFound,
                      "Entry not found: no folder '" + dir + "' at revision " + rev + " of " + f.repo->id.display());
      r.add_header("X-Repo-Commit", snap->commit().id);
      return r;
    }
  }
  bool recursive = parse_bool(query_get(c.query, "recursive").value_or(""));
  bool expand = parse_bool(query_get(c.query, "expand").value_or(""));

  std::uint64_t limit = options_.page_size;
  if (auto l = query_get(c.query, "limit")) {
    auto v = parse_u64(*l);
    if (!v || *v == 0) return error_reply(400, "BadRequest", "limit must be a positive integer");
    limit = std::min(*v, kMaxLimit);
  }
  std::size_t start = 0;
  if (auto cur = query_get(c.query, "cursor")) {
    auto v = parse_u64(*cur);
    if (!v) return error_reply(400, "BadRequest", "invalid cursor");
    start = static_cast<std::size_t>(*v);
  }

  // Walk the listing in order, emitting only the requested page.
  const auto& entries = snap->entries();
  auto [begin, end] = snap->subtree(dir);
  std::string body = "[";
  std::size_t position = 0, emitted = 0;
  bool more = false;
  for (std::size_t i = begin; i < end;) {
    if (position >= start) {
      if (emitted == limit) {
        more = true;
        break;
      }
      if (emitted > 0) body += ',';
      body += entry_json(entries[i], *snap, expand);
      ++emitted;
    }
    ++position;
    i = (recursive || entries[i].is_file()) ? i + 1 : entries[i].subtree_end;
  }
  body += ']';
  Reply r = json_reply(std::move(body));
  if (more) {
    r.add_header("Link", "<" + base_url(c.request) + c.path + "?" + next_query(c.raw_query, start + emitted) +
                             ">; rel=\"next\"");
  }
  return r;
}

Reply Handler::paths_info(const Context& c, const Found& f) const {
  const std::string& rev = *f.route.revision;
  auto snap = f.repo->resolve(rev);
  if (!snap) return revision_not_found(*f.repo, rev);

  std::vector<std::string> paths;
  bool expand = parse_bool(query_get(c.query, "expand").value_or(""));
  const std::string& body = c.request.body;
  std::string_view type = c.request.content_type ? std::string_view(*c.request.content_type) : std::string_view();
  std::string_view first = trim(body);
  bool is_json = type.find("json") != std::string_view::npos || (type.empty() && !first.empty() && first[0] == '{');
  if (is_json) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return error_reply(400, "BadRequest", "paths-info: the body is not a JSON object");
    auto p = j.find("paths");
    if (p != j.end() && p->is_string()) {
      paths.push_back(p->get<std::string>());
    } else if (p != j.end() && p->is_array()) {
      for (const auto& v : *p) {
        if (!v.is_string()) return error_reply(400, "BadRequest", "paths-info: \"paths\" must hold strings");
        paths.push_back(v.get<std::string>());
      }
    } else {
      return error_reply(400, "BadRequest", "paths-info: expected {\"paths\": [...]}");
    }
    if (auto e = j.find("expand"); e != j.end()) {
      if (e->is_boolean())
        expand = e->get<bool>();
      else if (e->is_string())
        expand = parse_bool(e->get<std::string>());
    }
  } else {
    auto form = parse_query(body);
    if (!form) return error_reply(400, "BadRequest", "paths-info: malformed form body");
    for (auto& [k, v] : *form) {
      if (k == "paths" || k == "paths[]")
        paths.push_back(v);
      else if (k == "expand")
        expand = parse_bool(v);
    }
  }

  std::unordered_set<std::string> seen;
  std::string out = "[";
  for (const std::string& p : paths) {
    std::string path = normalize(p);
    if (path.empty() || !seen.insert(path).second) continue;
    const Entry* e = snap->find(path);
    if (!e) continue;  // missing paths are silently left out (§2.4)
    if (out.size() > 1) out += ',';
    out += entry_json(*e, *snap, expand);
  }
  out += ']';
  return json_reply(std::move(out));
}

}  // namespace hub::server
