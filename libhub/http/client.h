// HTTP on libcurl (internal): connection reuse, HTTP/2 where offered, timeouts, retries with
// backoff and jitter, proxies from the environment, and the token scoped to the endpoint.
//
// Redirects are followed here, not by curl, so that the Authorization header is decided per hop:
// it is sent only to the endpoint's origin (scheme, host and port) and never to another host or
// port, even when a same-origin response redirects there.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/settings.h"

namespace hub::http {

// Response headers in arrival order; lookups are case-insensitive.
struct Headers {
  std::vector<std::pair<std::string, std::string>> items;
  std::optional<std::string> get(std::string_view name) const;
};

enum class Redirects {
  follow_all,       // follow every redirect (API calls, downloads)
  follow_relative,  // follow only host-less Locations; stop at absolute ones (metadata HEAD)
  none,
};

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Redirects redirects = Redirects::follow_all;
  // Connect timeout and the longest time without receiving a byte.
  std::chrono::milliseconds timeout{10000};
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;       // the body, unless a sink consumed it
  std::string final_url;  // the URL that produced this response (after redirects)
};

// Receives body bytes of a 2xx response as they arrive; return false to abort the transfer.
using BodySink = std::function<bool(const char* data, std::size_t size)>;

// Called before each body is streamed, with the final response's status and headers; lets the
// caller check a 206 vs 200 before accepting bytes. Return false to abort.
using HeadersHook = std::function<bool(const Response& head)>;

class Client {
 public:
  explicit Client(const Settings& settings);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One exchange (plus redirects), no retries. With a sink, a 2xx body goes to the sink and
  // Response::body stays empty; error bodies are always kept (up to 64 KiB).
  // Throws Errc::network / Errc::timeout on transport failures, Errc::cancelled when the sink
  // or hook aborted.
  Response send(const Request& request, const BodySink& sink = {}, const HeadersHook& hook = {});

  // send() with retries for connection errors, timeouts, 408, 429, 500, 502, 503 and 504:
  // exponential backoff with jitter, honouring Retry-After (seconds or a date). Only for requests
  // without a sink (metadata and API calls). Returns the last response.
  Response send_with_retry(const Request& request);

  // The wait before retry `attempt` (0-based) given an optional Retry-After value in seconds.
  std::chrono::milliseconds backoff(int attempt, std::optional<std::uint64_t> retry_after) const;

  const Settings& settings() const noexcept { return settings_; }

  // True when `url` is on the endpoint's origin (the only place the token goes).
  bool same_origin_as_endpoint(std::string_view url) const;

 private:
  struct Pool;
  Settings settings_;
  std::string endpoint_origin_;
  std::string user_agent_;
  std::unique_ptr<Pool> pool_;
};

// "scheme://host:port" with the default port made explicit; empty if the URL does not parse.
std::string origin_of(std::string_view url);
// Resolves a Location header against the URL it came from.
std::string resolve_location(std::string_view base, std::string_view location);
// Transient statuses that are retried.
bool is_retryable_status(int status) noexcept;
// The wait a Retry-After value asks for, in seconds: delay-seconds ("120") or an HTTP date
// ("Wed, 21 Oct 2015 07:28:00 GMT", RFC 9110 10.2.3) taken relative to `now` (a date already
// past means 0). nullopt when the value is neither.
std::optional<std::uint64_t> parse_retry_after(std::string_view value, std::time_t now);
// The Retry-After header of a response, relative to the current time; nullopt when absent or invalid.
std::optional<std::uint64_t> retry_after(const Headers& headers);

}  // namespace hub::http
