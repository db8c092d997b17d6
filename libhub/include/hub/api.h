// hub/api.h: typed access to the Hub HTTP API (repo info, refs, tree, file metadata).
//
// Errors follow the Hub's X-Error-Code: Errc::repo_not_found, revision_not_found,
// entry_not_found, gated, unauthorized, forbidden, disabled, rate_limited; transport failures are
// Errc::network / Errc::timeout; malformed responses Errc::invalid_input. In offline mode every
// call throws Errc::offline before touching the network.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/repo.h"
#include "hub/settings.h"

namespace hub {

struct LfsInfo {
  std::string sha256;  // the LFS oid
  std::uint64_t size = 0;
  std::uint64_t pointer_size = 0;
};

// One entry of a tree listing or of repo info siblings.
struct RepoFile {
  std::string path;
  bool directory = false;
  std::string oid;         // git object id (for LFS files, of the pointer)
  std::uint64_t size = 0;  // content size (the LFS size for LFS files)
  std::optional<LfsInfo> lfs;

  // The cache blob name: the sha256 for LFS files, the git blob sha1 otherwise.
  const std::string& blob_name() const { return lfs ? lfs->sha256 : oid; }
};

struct RepoInfo {
  RepoId repo;
  std::string sha;  // the commit the revision resolved to
  bool is_private = false;
  std::string gated;  // "" (not gated), "auto" or "manual"
  bool disabled = false;
  std::string last_modified;
  std::string pipeline_tag;
  std::string library_name;
  std::vector<std::string> tags;
  std::vector<std::string> siblings;  // rfilename of every file
};

struct GitRef {
  std::string name;    // "main", "v1.0", "refs/pr/1"
  std::string ref;     // "refs/heads/main"
  std::string target;  // commit
};

struct RepoRefs {
  std::vector<GitRef> branches, tags, converts, pull_requests;
};

// What a HEAD on the resolve endpoint says about one file (huggingface_hub's
// get_hf_file_metadata).
struct FileMetadata {
  std::string commit;      // X-Repo-Commit
  std::string etag;        // X-Linked-Etag, else ETag, normalized (no W/, no quotes)
  std::uint64_t size = 0;  // X-Linked-Size, else Content-Length of a non-redirect
  std::string location;    // where the content is fetched from (absolute URL)
  bool lfs() const { return is_sha256(etag); }
};

class HubApi {
 public:
  // Uses settings.endpoint, token, timeouts and retry policy.
  explicit HubApi(Settings settings);
  ~HubApi();
  HubApi(HubApi&&) noexcept;
  HubApi& operator=(HubApi&&) noexcept;

  const Settings& settings() const noexcept;

  // GET /api/{types}/{id}/revision/{rev}.
  RepoInfo repo_info(const RepoId& repo, std::string_view revision = "main");
  // GET /api/{types}/{id}/refs.
  RepoRefs list_refs(const RepoId& repo);
  // GET /api/{types}/{id}/tree/{rev}[/{path}], following every Link rel="next" page. Every
  // server-supplied path is validated (no absolute paths, no '..'): Errc::invalid_input.
  std::vector<RepoFile> list_tree(const RepoId& repo, std::string_view revision, std::string_view path = {},
                                  bool recursive = true);
  // HEAD /{prefix}{id}/resolve/{rev}/{path}, following only same-origin relative redirects.
  FileMetadata file_metadata(const RepoId& repo, std::string_view revision, std::string_view path);
  // The resolve URL of a file.
  std::string resolve_url(const RepoId& repo, std::string_view revision, std::string_view path) const;

  // Internal: the HTTP client, shared with the download module.
  struct Impl;
  Impl& impl();

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub
