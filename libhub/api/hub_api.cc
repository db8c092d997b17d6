// HubApi: repo info, refs, tree listing and file metadata over the Hub HTTP API.
#include <nlohmann/json.hpp>

#include "api/errors.h"
#include "api/impl.h"
#include "core/strings.h"
#include "hub/error.h"

namespace hub {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxTreePages = 100000;

json parse_json(const http::Response& r, std::string_view what) {
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_discarded())
    throw Error(Errc::invalid_input, std::string(what) + ": the server sent invalid JSON", {.url = r.final_url});
  return j;
}

std::string str_field(const json& j, const char* key) {
  auto it = j.find(key);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

std::uint64_t size_field(const json& j, const char* key, std::string_view what) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return 0;
  if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<long long>() >= 0))
    throw Error(Errc::invalid_input, std::string(what) + ": field '" + key + "' is not a non-negative integer");
  return it->get<std::uint64_t>();
}

std::string normalize_etag(std::string etag) {
  if (etag.rfind("W/", 0) == 0) etag = etag.substr(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return etag;
}

// One tree entry, validated: a safe path, a 40-hex oid, an LFS sha256 where announced.
RepoFile parse_tree_entry(const json& e, std::string_view what) {
  if (!e.is_object()) throw Error(Errc::invalid_input, std::string(what) + ": a tree entry is not an object");
  RepoFile f;
  std::string type = str_field(e, "type");
  f.path = str_field(e, "path");
  validate_repo_path(f.path, what);
  f.directory = type == "directory";
  f.oid = str_field(e, "oid");
  f.size = size_field(e, "size", what);
  if (type != "file" && type != "directory") f.directory = true;  // "unknown": never downloaded
  if (!f.directory && !is_commit_hash(f.oid))
    throw Error(Errc::invalid_input, std::string(what) + ": entry '" + f.path + "' has an invalid oid '" + f.oid + "'");
  auto lfs = e.find("lfs");
  if (!f.directory && lfs != e.end() && lfs->is_object()) {
    LfsInfo info;
    info.sha256 = str_field(*lfs, "oid");
    info.size = size_field(*lfs, "size", what);
    info.pointer_size = size_field(*lfs, "pointerSize", what);
    if (!is_sha256(info.sha256))
      throw Error(Errc::invalid_input,
                  std::string(what) + ": entry '" + f.path + "' has an invalid LFS oid '" + info.sha256 + "'");
    f.size = info.size;
    f.lfs = info;
  }
  return f;
}

// The URL in `Link: <...>; rel="next"`, if any.
std::optional<std::string> next_link(const http::Headers& headers) {
  for (const auto& [k, v] : headers.items) {
    if (!iequals(k, "Link")) continue;
    for (const auto& part : split(v, ',')) {
      auto lt = part.find('<'), gt = part.find('>');
      if (lt == std::string::npos || gt == std::string::npos || gt < lt) continue;
      std::string params = to_lower(part.substr(gt + 1));
      if (params.find("rel=\"next\"") != std::string::npos || params.find("rel=next") != std::string::npos)
        return part.substr(lt + 1, gt - lt - 1);
    }
  }
  return std::nullopt;
}

}  // namespace

void HubApi::Impl::require_online(std::string_view what) const {
  if (settings.offline)
    throw Error(Errc::offline, "cannot fetch " + std::string(what) + ": offline mode is enabled (HF_HUB_OFFLINE)");
}

std::string HubApi::Impl::api_base(const RepoId& repo) const {
  return settings.endpoint + "/api/" + std::string(plural(repo.type)) + "/" + repo.name;
}

HubApi::HubApi(Settings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}
HubApi::~HubApi() = default;
HubApi::HubApi(HubApi&&) noexcept = default;
HubApi& HubApi::operator=(HubApi&&) noexcept = default;

const Settings& HubApi::settings() const noexcept { return impl_->settings; }
HubApi::Impl& HubApi::impl() { return *impl_; }

RepoInfo HubApi::repo_info(const RepoId& repo, std::string_view revision) {
  validate_revision(revision);
  std::string what = "repo info of " + repo.display() + " at '" + std::string(revision) + "'";
  impl_->require_online(what);
  http::Request req;
  req.url = impl_->api_base(repo) + "/revision/" + percent_encode(revision, false);
  req.timeout = impl_->settings.metadata_timeout;
  req.headers.emplace_back("Accept", "application/json");
  http::Response r = impl_->client.send_with_retry(req);
  api::raise_for_status(r, what);
  json j = parse_json(r, what);
  if (!j.is_object()) throw Error(Errc::invalid_input, what + ": expected a JSON object", {.url = r.final_url});
  RepoInfo info;
  info.repo = repo;
  info.sha = str_field(j, "sha");
  if (!is_commit_hash(info.sha))
    throw Error(Errc::invalid_input, what + ": 'sha' is not a 40-hex commit ('" + info.sha + "')",
                {.url = r.final_url});
  if (auto it = j.find("private"); it != j.end() && it->is_boolean()) info.is_private = it->get<bool>();
  if (auto it = j.find("gated"); it != j.end() && it->is_string()) info.gated = it->get<std::string>();
  if (auto it = j.find("disabled"); it != j.end() && it->is_boolean()) info.disabled = it->get<bool>();
  info.last_modified = str_field(j, "lastModified");
  info.pipeline_tag = str_field(j, "pipeline_tag");
  info.library_name = str_field(j, "library_name");
  if (auto it = j.find("tags"); it != j.end() && it->is_array())
    for (const auto& t : *it)
      if (t.is_string()) info.tags.push_back(t.get<std::string>());
  if (auto it = j.find("siblings"); it != j.end() && it->is_array()) {
    for (const auto& s : *it) {
      std::string name = s.is_object() ? str_field(s, "rfilename") : "";
      validate_repo_path(name, what);
      info.siblings.push_back(std::move(name));
    }
  }
  return info;
}

RepoRefs HubApi::list_refs(const RepoId& repo) {
  std::string what = "refs of " + repo.display();
  impl_->require_online(what);
  http::Request req;
  req.url = impl_->api_base(repo) + "/refs?include_prs=1";
  req.timeout = impl_->settings.metadata_timeout;
  http::Response r = impl_->client.send_with_retry(req);
  api::raise_for_status(r, what);
  json j = parse_json(r, what);
  RepoRefs refs;
  auto read = [&](const char* key, std::vector<GitRef>& out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return;
    for (const auto& e : *it) {
      if (!e.is_object()) continue;
      GitRef ref{str_field(e, "name"), str_field(e, "ref"), str_field(e, "targetCommit")};
      if (!is_commit_hash(ref.target))
        throw Error(Errc::invalid_input, what + ": ref '" + ref.name + "' has an invalid targetCommit");
      out.push_back(std::move(ref));
    }
  };
  if (!j.is_object()) throw Error(Errc::invalid_input, what + ": expected a JSON object");
  read("branches", refs.branches);
  read("tags", refs.tags);
  read("converts", refs.converts);
  read("pullRequests", refs.pull_requests);
  return refs;
}

std::vector<RepoFile> HubApi::list_tree(const RepoId& repo, std::string_view revision, std::string_view path,
                                        bool recursive) {
  validate_revision(revision);
  if (!path.empty()) validate_repo_path(path, "tree path");
  std::string what = "file list of " + repo.display() + " at '" + std::string(revision) + "'";
  impl_->require_online(what);
  std::string url = impl_->api_base(repo) + "/tree/" + percent_encode(revision, false);
  if (!path.empty()) url += "/" + percent_encode(path, false);
  url += recursive ? "?recursive=true&expand=false" : "?recursive=false&expand=false";
  std::vector<RepoFile> out;
  for (std::size_t page = 0; page < kMaxTreePages; ++page) {
    http::Request req;
    req.url = url;
    req.timeout = impl_->settings.metadata_timeout;
    req.headers.emplace_back("Accept", "application/json");
    http::Response r = impl_->client.send_with_retry(req);
    api::raise_for_status(r, what);
    json j = parse_json(r, what);
    if (!j.is_array()) throw Error(Errc::invalid_input, what + ": expected a JSON array", {.url = r.final_url});
    for (const auto& e : j) out.push_back(parse_tree_entry(e, what));
    auto next = next_link(r.headers);
    if (!next) return out;
    std::string next_url = http::resolve_location(r.final_url, *next);
    if (next_url == url) throw Error(Errc::invalid_input, what + ": pagination Link points at the same page");
    url = std::move(next_url);
  }
  throw Error(Errc::invalid_input, what + ": too many pages");
}

std::string HubApi::resolve_url(const RepoId& repo, std::string_view revision, std::string_view path) const {
  return impl_->settings.endpoint + "/" + repo.url_prefix() + repo.name + "/resolve/" +
         percent_encode(revision, false) + "/" + percent_encode(path, true);
}

FileMetadata HubApi::file_metadata(const RepoId& repo, std::string_view revision, std::string_view path) {
  validate_revision(revision);
  validate_repo_path(path, "file path");
  std::string what = "metadata of " + std::string(path) + " in " + repo.display();
  impl_->require_online(what);
  http::Request req;
  req.method = "HEAD";
  req.url = resolve_url(repo, revision, path);
  req.redirects = http::Redirects::follow_relative;
  req.timeout = impl_->settings.metadata_timeout;
  req.headers.emplace_back("Accept-Encoding", "identity");
  http::Response r = impl_->client.send_with_retry(req);
  api::raise_for_status(r, what);
  FileMetadata m;
  m.commit = r.headers.get("X-Repo-Commit").value_or("");
  if (!is_commit_hash(m.commit))
    throw Error(Errc::invalid_input, what + ": missing or invalid X-Repo-Commit header", {.url = r.final_url});
  auto etag = r.headers.get("X-Linked-Etag");
  if (!etag) etag = r.headers.get("ETag");
  if (!etag) throw Error(Errc::invalid_input, what + ": no ETag header", {.url = r.final_url});
  m.etag = normalize_etag(*etag);
  bool redirect = r.status >= 300 && r.status < 400;
  std::optional<std::uint64_t> size;
  if (auto s = r.headers.get("X-Linked-Size")) size = parse_u64(trim(*s));
  if (!size && !redirect)
    if (auto s = r.headers.get("Content-Length")) size = parse_u64(trim(*s));
  if (!size)
    throw Error(Errc::invalid_input, what + ": the server did not announce the file size", {.url = r.final_url});
  m.size = *size;
  auto loc = r.headers.get("Location");
  m.location = loc ? http::resolve_location(r.final_url, *loc) : r.final_url;
  return m;
}

}  // namespace hub
