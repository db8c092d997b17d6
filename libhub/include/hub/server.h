// hub/server.h: `hub serve`, a Hub-compatible HTTP endpoint over local repos or a cache.
//
// Serves the read side of the Hub protocol (repo info, refs, tree with Link pagination,
// paths-info, resolve and raw with ranges, error headers) so that libhub, huggingface_hub,
// hf-hub, @huggingface/hub and llama.cpp can pull from it. Two sources:
//   - a folder of repos: DIR/<ns>/<name>/ is a model repo, DIR/datasets/<ns>/<name>/ a dataset and
//     DIR/spaces/<ns>/<name>/ a space; its branch `main` is the folder's current content, turned
//     into a real git commit (libgit2; fixed author and time, so the same content gives the same
//     commit hash everywhere). LFS-pattern files and files of 10 MB or more are LFS objects.
//   - an HF cache (read-only mirror): every snapshot with its refs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hub {

struct ServeOptions {
  std::string host = "127.0.0.1";  // bind address
  std::uint16_t port = 8080;       // 0 picks a free port (see Server::port())
  std::optional<std::filesystem::path> repos_dir;
  std::optional<std::filesystem::path> cache_dir;
  // Base URL clients use to reach the server, for absolute Link headers; default
  // "http://<host>:<port>".
  std::string public_url;
  // Tokens the server accepts. Empty: every "hf_..." token is accepted (open mirror). A request
  // with any other bearer token gets 401 "Invalid credentials in Authorization header".
  std::vector<std::string> tokens;
  std::size_t threads = 0;       // worker threads; 0 = automatic
  std::size_t page_size = 1000;  // tree entries per page
  bool quiet = false;            // no request log on stderr
  // How stale a served repo may get: a repo is re-checked on disk (names, sizes, mtimes) when
  // requested and its last check is older than this, and rebuilt (rehashing changed files only)
  // when something changed.
  std::chrono::milliseconds rescan_interval{2000};
};

class Server {
 public:
  // Loads the repos (building their commits) without listening yet.
  // Throws Errc::invalid_input for a missing folder or when neither folder is given, Errc::io on
  // read errors. Repos that cannot be loaded are skipped with a warning on stderr.
  explicit Server(ServeOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Starts listening in background threads. Throws Errc::io when the address cannot be bound,
  // Errc::invalid_input when the host cannot be resolved. Thread-safety: start, stop and the
  // destructor must not race each other; requests are served concurrently.
  void start();
  // The bound port (useful with port 0), valid after start().
  std::uint16_t port() const;
  // Base URL, e.g. "http://127.0.0.1:8080".
  std::string url() const;
  // Stops listening and waits for in-flight requests. Idempotent; also done by the destructor.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub
