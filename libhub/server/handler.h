// The Hub protocol over served repos (internal): turns a Request into a Reply. Pure apart from
// reading repo sources and opening the files it serves; safe to call from many threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/http_types.h"
#include "server/repo_source.h"
#include "server/route.h"

namespace hub::server {

struct HandlerOptions {
  // Accepted bearer tokens; empty accepts any "hf_..." token.
  std::vector<std::string> tokens;
  // Base URL for absolute links (Link pagination, LFS hrefs); empty: taken from the request's
  // Host header, else `fallback_url`.
  std::string public_url;
  std::function<std::string()> fallback_url;
  std::size_t page_size = 1000;
};

class Handler {
 public:
  Handler(HandlerOptions options, std::vector<std::shared_ptr<RepoSource>> sources);

  Reply handle(const Request& request) const;

 private:
  // One request being handled.
  struct Context {
    const Request& request;
    std::string path;       // target path, still percent-encoded
    std::string raw_query;  // as received, without '?'
    Query query;
    bool authenticated = false;  // a valid token was sent
    bool head = false;
  };
  struct Found {
    std::shared_ptr<RepoSource> source;
    std::shared_ptr<const RepoView> repo;
    RepoRoute route;
  };

  Reply dispatch(Context& c) const;
  // The first candidate whose repo exists, from the first source that has it.
  std::optional<Found> find_repo(const std::vector<RepoRoute>& candidates) const;
  Reply repo_not_found(const Context& c) const;
  Reply revision_not_found(const RepoView& repo, const std::string& revision) const;
  std::string base_url(const Request& request) const;

  Reply whoami(const Context& c) const;
  Reply repo_info(const Context& c, const Found& f) const;
  Reply refs(const Context& c, const Found& f) const;
  Reply tree(const Context& c, const Found& f) const;
  Reply paths_info(const Context& c, const Found& f) const;
  Reply resolve(const Context& c, const Found& f, bool raw) const;
  Reply lfs_batch(const Context& c, const Found& f) const;

  HandlerOptions options_;
  std::vector<std::shared_ptr<RepoSource>> sources_;
};

}  // namespace hub::server
