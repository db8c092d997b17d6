// hub::Server: the repo sources, the protocol handler and the HTTP daemon, wired together.
#include "hub/server.h"

#include <unistd.h>

#include <atomic>

#include "hub/error.h"
#include "server/cache_source.h"
#include "server/folder_source.h"
#include "server/handler.h"
#include "server/http_daemon.h"

namespace hub {
namespace {

// One write(2) per line keeps lines from concurrent workers whole without a lock.
void write_stderr(std::string_view prefix, std::string_view line) {
  std::string text;
  text.reserve(prefix.size() + line.size() + 1);
  text.append(prefix).append(line).push_back('\n');
  ssize_t rc = ::write(STDERR_FILENO, text.data(), text.size());
  (void)rc;  // nowhere to report a failing stderr
}

std::string host_for_url(const std::string& host) {
  if (host == "0.0.0.0" || host.empty()) return "127.0.0.1";
  if (host == "::") return "[::1]";
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

}  // namespace

struct Server::Impl {
  ServeOptions options;
  std::vector<std::shared_ptr<server::RepoSource>> sources;
  std::unique_ptr<server::Handler> handler;
  std::unique_ptr<server::HttpDaemon> daemon;
  std::atomic<std::uint16_t> port{0};
};

Server::Server(ServeOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  const ServeOptions& o = impl_->options;
  if (!o.repos_dir && !o.cache_dir)
    throw Error(Errc::invalid_input, "nothing to serve: give a folder of repos (--repos) or an HF cache (--cache)");
  server::WarnFn warn = [](std::string_view msg) { write_stderr("warning: ", msg); };
  // An empty source is legal (repos may appear later) but usually a wrong folder: say so.
  if (o.repos_dir) {
    auto source = std::make_shared<server::FolderSource>(server::FolderSourceOptions{
        .root = *o.repos_dir, .rescan_interval = o.rescan_interval, .hash_threads = 0, .warn = warn});
    if (source->list().empty())
      warn("no repos under " + o.repos_dir->string() + " (expected <ns>/<name>/ folders, or datasets/<ns>/<name>/)");
    impl_->sources.push_back(std::move(source));
  }
  if (o.cache_dir) {
    auto source = std::make_shared<server::CacheSource>(server::CacheSourceOptions{
        .root = *o.cache_dir, .rescan_interval = o.rescan_interval, .hash_threads = 0, .warn = warn});
    if (source->list().empty())
      warn("no repos in the cache " + o.cache_dir->string() + " (expected models--<ns>--<name>/ folders)");
    impl_->sources.push_back(std::move(source));
  }
}

Server::~Server() { stop(); }

void Server::start() {
  if (impl_->daemon) return;
  const ServeOptions& o = impl_->options;
  server::DaemonOptions d;
  d.host = o.host;
  d.port = o.port;
  d.threads = o.threads;
  if (!o.quiet) {
    d.access_log = [](std::string_view line) { write_stderr("", line); };
    // libmicrohttpd reports every client that hangs up early: noise unless logging requests.
    d.error_log = [](std::string_view line) { write_stderr("http: ", line); };
  }

  // The handler exists before the daemon so no request can find it missing; the bound port it
  // needs for its fallback URL is read through an atomic once known.
  server::HandlerOptions h;
  h.tokens = o.tokens;
  h.public_url = o.public_url;
  h.fallback_url = [impl = impl_.get()] {
    return "http://" + host_for_url(impl->options.host) + ":" + std::to_string(impl->port.load());
  };
  h.page_size = o.page_size;
  impl_->handler = std::make_unique<server::Handler>(std::move(h), impl_->sources);
  server::Handler* handler = impl_->handler.get();
  impl_->daemon =
      std::make_unique<server::HttpDaemon>(d, [handler](const server::Request& r) { return handler->handle(r); });
  impl_->port = impl_->daemon->port();
}

std::uint16_t Server::port() const { return impl_->port; }

std::string Server::url() const {
  const ServeOptions& o = impl_->options;
  if (!o.public_url.empty()) {
    std::string u = o.public_url;
    while (!u.empty() && u.back() == '/') u.pop_back();
    return u;
  }
  return "http://" + host_for_url(o.host) + ":" + std::to_string(impl_->port);
}

void Server::stop() {
  if (impl_ && impl_->daemon) {
    impl_->daemon->stop();
    impl_->daemon.reset();
  }
}

}  // namespace hub
