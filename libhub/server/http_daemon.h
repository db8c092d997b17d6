// The HTTP listener of hub serve (internal): libmicrohttpd with an internal thread pool and
// epoll/poll, file bodies sent with sendfile, one log line per request. Knows nothing about the
// Hub: every request goes to the RequestFn.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/http_types.h"

namespace hub::server {

using RequestFn = std::function<Reply(const Request&)>;
using LogFn = std::function<void(std::string_view line)>;

struct DaemonOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port
  std::size_t threads = 0;    // 0: automatic
  LogFn access_log;           // null: no request log
  LogFn error_log;            // libmicrohttpd's own errors; null: none
};

class HttpDaemon {
 public:
  // Binds and starts the worker threads. Throws Errc::io when the address cannot be bound,
  // Errc::invalid_input when the host cannot be resolved.
  HttpDaemon(DaemonOptions options, RequestFn handler);
  ~HttpDaemon();  // stops
  HttpDaemon(const HttpDaemon&) = delete;
  HttpDaemon& operator=(const HttpDaemon&) = delete;

  std::uint16_t port() const { return port_; }
  // Stops accepting and joins the workers; idempotent.
  void stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::uint16_t port_ = 0;
};

}  // namespace hub::server
