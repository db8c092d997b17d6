// File content: resolve (real bytes, LFS included: "direct mode", §11.4), raw (git blobs, so
// the pointer text for LFS files) and the LFS batch API for downloads.
#include <fcntl.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "hub/error.h"
#include "server/handler.h"
#include "server/lfs_policy.h"
#include "server/range.h"
#include "server/responses.h"

namespace hub::server {
namespace {

std::string dquote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// `inline; filename*=UTF-8''<encoded>; filename="<ascii>";`, as the Hub's CDN sends it; only
// progress bars read it.
std::string content_disposition(std::string_view path) {
  std::string name = base_name(path);
  std::string ascii;
  for (char c : name)
    ascii += (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e || c == '"' || c == '\\')
                 ? '_'
                 : c;
  return "inline; filename*=UTF-8''" + percent_encode(name, false) + "; filename=\"" + ascii + "\";";
}

std::int64_t mtime_ns(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// Client-supplied strings may be invalid UTF-8: replace rather than throw.
std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// A string member of a JSON object, or "" when absent or not a string (never throws).
std::string string_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

enum class Opened { ok, changed, missing };

// Opens (GET) or stats (HEAD) the entry's source and checks it still is what the snapshot
// describes, so Content-Length and hashes never lie about the bytes that follow.
Opened open_source(const Entry& e, bool check_mtime, bool head, UniqueFd& fd) {
  struct stat st {};
  if (head) {
    if (::stat(e.source.c_str(), &st) != 0) return Opened::missing;
  } else {
    fd = UniqueFd(::open(e.source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return Opened::missing;
    if (::fstat(fd.get(), &st) != 0) return Opened::missing;
  }
  if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != e.size) return Opened::changed;
  if (check_mtime && mtime_ns(st) != e.mtime_ns) return Opened::changed;
  return Opened::ok;
}

}  // namespace

Reply Handler::resolve(const Context& c, const Found& f, bool raw) const {
  const std::string& rev = *f.route.revision;
  const std::string& path = f.route.path;
  try {
    validate_repo_path(path, "request");
  } catch (const Error& e) {
    return error_reply(400, "BadRequest", e.what());
  }
  std::shared_ptr<const RepoView> repo = f.repo;
  for (int attempt = 0;; ++attempt) {
    auto snap = repo->resolve(rev);
    if (!snap) return revision_not_found(*repo, rev);
    const std::string& commit = snap->commit().id;
    const Entry* e = snap->find(path);
    if (!e || !e->is_file()) {
      Reply r =
          error_reply(404, kEntryNotFound,
                      "Entry not found: " + path + " does not exist at revision " + rev + " of " + repo->id.display());
      r.add_header("X-Repo-Commit", commit);
      return r;
    }

    // What this URL serves: the content (resolve), or the git blob (raw: the pointer for LFS).
    bool pointer = raw && e->lfs.has_value();
    std::string etag = raw ? e->oid : e->etag();
    std::uint64_t total = pointer ? e->lfs->pointer_size : e->size;
    auto common_headers = [&](Reply& r) {
      r.add_header("X-Repo-Commit", commit);
      r.add_header("ETag", dquote(etag));
      if (e->lfs && !raw) {
        r.add_header("X-Linked-Etag", dquote(e->lfs->sha256));
        r.add_header("X-Linked-Size", std::to_string(e->size));
      }
      r.add_header("Accept-Ranges", "bytes");
    };

    if (c.request.if_none_match && etag_matches(*c.request.if_none_match, etag)) {
      Reply r;
      r.status = 304;
      common_headers(r);
      return r;
    }

    Reply r;
    RangeDecision range = evaluate_range(c.request.range, total);
    if (range.kind == RangeDecision::unsatisfiable && total == 0) {
      // bytes=0-0 on an empty file: RFC 9110 says 416, which JS and hf-hub cannot handle;
      // answer the whole (empty) body with a Content-Range that states the size (§12).
      r.add_header("Content-Range", "bytes */0");
      range = {RangeDecision::full, 0, 0};
    } else if (range.kind == RangeDecision::unsatisfiable) {
      Reply u = error_reply(416, "RangeNotSatisfiable",
                            "Requested range not satisfiable: the file has " + std::to_string(total) + " bytes");
      common_headers(u);
      u.add_header("Content-Range", "bytes */" + std::to_string(total));
      return u;
    } else if (range.kind == RangeDecision::partial) {
      r.status = 206;
      r.add_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                        std::to_string(range.first + range.length - 1) + "/" + std::to_string(total));
    }
    common_headers(r);
    r.add_header("Content-Type", std::string(pointer ? "text/plain; charset=utf-8" : content_type_for(path)));
    if (!raw) r.add_header("Content-Disposition", content_disposition(path));

    if (pointer) {
      std::string text = lfs_pointer(e->lfs->sha256, e->size);
      r.body = text.substr(range.first, range.length);
      return r;
    }
    Opened opened = open_source(*e, repo->mutable_sources, c.head, r.file);
    if (opened == Opened::ok) {
      if (c.head) {
        r.file.reset();
        r.head_length = range.length;
      } else {
        r.file_offset = range.first;
        r.file_length = range.length;
      }
      return r;
    }
    // The file changed or vanished since the snapshot was built: rebuild it once and retry, so a
    // request for a branch sees the new commit. A request for the old commit cannot be served.
    f.source->invalidate(repo->id);
    if (attempt == 0) {
      if (auto fresh = f.source->find(repo->id)) {
        repo = std::move(fresh);
        continue;
      }
    }
    return error_reply(409, "ContentChanged",
                       path + " changed on disk after commit " + commit + " was built; request the revision again");
  }
}

Reply Handler::lfs_batch(const Context& c, const Found& f) const {
  // Git LFS clients read "message"; Hub clients read the usual error headers.
  auto lfs_error = [](int status, const char* code, const std::string& message) {
    Reply r;
    r.status = status;
    r.body = dump(nlohmann::json{{"message", message}, {"error", message}});
    r.add_header("Content-Type", "application/vnd.git-lfs+json");
    r.add_header("X-Error-Code", code);
    r.add_header("X-Error-Message", header_safe(message));
    return r;
  };
  auto j = nlohmann::json::parse(c.request.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("objects") || !j["objects"].is_array())
    return lfs_error(422, "BadRequest", "invalid LFS batch request: expected a JSON object with \"objects\"");
  std::string operation = string_field(j, "operation");
  if (!operation.empty() && operation != "download")
    return lfs_error(403, "ReadOnly", "hub serve is a read-only mirror: LFS uploads are not accepted");

  // Objects are looked up at the requested ref, else at every commit (default branch first).
  std::vector<std::shared_ptr<const Snapshot>> snaps;
  if (auto ref = j.find("ref"); ref != j.end()) {
    std::string name = string_field(*ref, "name");
    if (name.rfind("refs/heads/", 0) == 0) name = name.substr(11);
    if (!name.empty()) {
      if (auto s = f.repo->resolve(name)) snaps.push_back(std::move(s));
    }
  }
  if (auto head = f.repo->head()) snaps.push_back(std::move(head));
  for (const auto& [id, s] : f.repo->commits) snaps.push_back(s);

  std::string base = base_url(c.request) + "/" + f.repo->id.url_prefix() + f.repo->id.name + "/resolve/";
  nlohmann::json objects = nlohmann::json::array();
  for (const auto& o : j["objects"]) {
    std::string oid = string_field(o, "oid");
    auto size = o.is_object() ? o.find("size") : o.end();
    nlohmann::json out = {{"oid", oid}, {"size", size != o.end() && size->is_number() ? *size : nlohmann::json(0)}};
    const Entry* e = nullptr;
    const Snapshot* where = nullptr;
    if (is_sha256(oid)) {
      for (const auto& s : snaps) {
        if ((e = s->find_lfs(oid))) {
          where = s.get();
          break;
        }
      }
    }
    if (!e) {
      out["error"] = {{"code", 404}, {"message", "Object does not exist"}};
    } else {
      out["size"] = e->size;
      out["authenticated"] = true;
      out["actions"] = {
          {"download",
           {{"href", base + where->commit().id + "/" + percent_encode(e->path, true)}, {"expires_in", 3600}}}};
    }
    objects.push_back(std::move(out));
  }
  Reply r;
  r.body = dump(nlohmann::json{{"transfer", "basic"}, {"objects", std::move(objects)}, {"hash_algo", "sha256"}});
  r.add_header("Content-Type", "application/vnd.git-lfs+json");
  return r;
}

}  // namespace hub::server
