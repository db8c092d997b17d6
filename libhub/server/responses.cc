#include "server/responses.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>

#include "core/hashing.h"
#include "core/strings.h"
#include "server/model_card.h"

namespace hub::server {
namespace {

// Keys in the order the Hub writes them (type, oid, size, path, ...), for readable output.
using json = nlohmann::ordered_json;

// Served names come from disk and card text from users: never let invalid UTF-8 throw.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

json entry_object(const Entry& e, const Snapshot& snap, bool expand) {
  json j = {{"type", e.is_file() ? "file" : "directory"}, {"oid", e.oid}, {"size", e.size}, {"path", e.path}};
  if (e.lfs) j["lfs"] = {{"oid", e.lfs->sha256}, {"size", e.size}, {"pointerSize", e.lfs->pointer_size}};
  if (expand) {
    const CommitInfo& c = snap.commit();
    j["lastCommit"] = {{"id", c.id}, {"title", c.title}, {"date", c.date}};
  }
  return j;
}

// Library tags the Hub derives from file types, plus the card's own tags.
std::vector<std::string> repo_tags(const Snapshot& snap, const CardMeta& card) {
  std::set<std::string> seen;
  std::vector<std::string> tags;
  auto add = [&](const std::string& t) {
    if (!t.empty() && seen.insert(t).second) tags.push_back(t);
  };
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kByExtension = {
      {{".safetensors", "safetensors"}, {".gguf", "gguf"}, {".onnx", "onnx"}, {".bin", "pytorch"}, {".pt", "pytorch"}}};
  for (const Entry& e : snap.entries()) {
    if (!e.is_file()) continue;
    for (auto [ext, tag] : kByExtension)
      if (ends_with(e.path, ext)) add(std::string(tag));
  }
  if (card.library_name) add(*card.library_name);
  for (const std::string& t : card.tags) add(t);
  if (card.pipeline_tag) add(*card.pipeline_tag);
  if (card.license) add("license:" + *card.license);
  return tags;
}

json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

std::string header_safe(std::string_view value) {
  std::string out(value);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

Reply json_reply(std::string body, int status) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  r.add_header("Content-Type", "application/json; charset=utf-8");
  return r;
}

Reply error_reply(int status, std::string_view code, std::string_view message) {
  Reply r = json_reply(dump(json{{"error", message}}), status);
  if (!code.empty()) r.add_header("X-Error-Code", std::string(code));
  r.add_header("X-Error-Message", header_safe(message));
  return r;
}

std::string entry_json(const Entry& e, const Snapshot& snap, bool expand) {
  return dump(entry_object(e, snap, expand));
}

std::string repo_info_json(const RepoView& repo, const Snapshot& snap, bool blobs) {
  const std::string& id = repo.id.name;
  CardMeta card;
  if (const Entry* readme = snap.find("README.md"); readme && readme->is_file()) card = read_card(readme->source);

  auto slash = id.find('/');
  std::int64_t modified = snap.newest_mtime_ns() != 0 ? snap.newest_mtime_ns() : repo.created_ns;
  json j;
  // A stable stand-in for the Hub's database id (24 hex, like a MongoDB ObjectId).
  j["_id"] = sha256_hex(repo.id.display()).substr(0, 24);
  j["id"] = id;
  if (repo.id.type == RepoType::model) j["modelId"] = id;
  j["author"] = slash == std::string::npos ? json(nullptr) : json(id.substr(0, slash));
  j["sha"] = snap.commit().id;
  j["lastModified"] = iso_time(modified);
  j["createdAt"] = iso_time(repo.created_ns);
  j["private"] = false;
  j["gated"] = false;
  j["disabled"] = false;
  j["downloads"] = 0;
  j["likes"] = 0;
  j["tags"] = repo_tags(snap, card);
  j["pipeline_tag"] = opt(card.pipeline_tag);
  j["library_name"] = opt(card.library_name);
  if (repo.id.type == RepoType::space) j["sdk"] = opt(card.sdk);
  json siblings = json::array();
  for (const Entry& e : snap.entries()) {
    if (!e.is_file()) continue;
    json s = {{"rfilename", e.path}};
    if (blobs) {
      s["size"] = e.size;
      s["blobId"] = e.oid;
      if (e.lfs) s["lfs"] = {{"sha256", e.lfs->sha256}, {"size", e.size}, {"pointerSize", e.lfs->pointer_size}};
    }
    siblings.push_back(std::move(s));
  }
  j["siblings"] = std::move(siblings);
  j["usedStorage"] = snap.total_size();
  return dump(j);
}

std::string refs_json(const RepoView& repo, bool include_prs) {
  auto list = [](const std::vector<Ref>& refs) {
    json a = json::array();
    for (const Ref& r : refs) a.push_back({{"name", r.name}, {"ref", r.ref}, {"targetCommit", r.commit}});
    return a;
  };
  json j = {{"branches", list(repo.branches)}, {"tags", list(repo.tags)}, {"converts", list(repo.converts)}};
  if (include_prs) j["pullRequests"] = list(repo.pull_requests);
  return dump(j);
}

std::string_view content_type_for(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kTypes = {{
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".md", "text/markdown; charset=utf-8"},
      {".py", "text/x-python; charset=utf-8"},
      {".yaml", "text/yaml; charset=utf-8"},
      {".yml", "text/yaml; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},
      {".html", "text/html; charset=utf-8"},
      {".gitattributes", "text/plain; charset=utf-8"},
      {".jsonl", "application/jsonl"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
  }};
  for (auto [ext, type] : kTypes)
    if (ends_with(path, ext)) return type;
  return "application/octet-stream";
}

}  // namespace hub::server
