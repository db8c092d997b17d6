// hub/error.h: the one error type of libhub.
//
// Every failure that leaves a public libhub function is a hub::Error (or std::bad_alloc). The
// error carries a short, closed code (hub::Errc) that callers switch on, a message written for a
// person (it names the repo, file, URL or field and says what was expected and what was found),
// and optional context from the HTTP exchange that failed.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace hub {

// What went wrong, as a caller needs to react to it.
enum class Errc {
  repo_not_found,      // the repo does not exist, or is private and the token cannot see it
  revision_not_found,  // the repo exists but the branch, tag or commit does not
  entry_not_found,     // the revision exists but the file does not
  gated,               // the repo is gated and the user has not been granted access
  unauthorized,        // the token is invalid (401 "Invalid credentials")
  forbidden,           // authenticated, but not allowed (403)
  disabled,            // the Hub has disabled the repo ("Access to this resource is disabled")
  rate_limited,        // 429 after every retry
  not_cached,          // offline (or cache-only) and the file or ref is not in the cache
  offline,             // a network operation was requested in offline mode
  network,             // connection failure, reset, DNS, TLS, protocol error
  timeout,             // no progress within the configured timeout
  http,                // any other HTTP error status
  integrity,           // a hash or size does not match what was announced
  invalid_input,       // malformed input: JSON, repo id, revision, unsafe path, bad header
  unsupported,         // a valid request for something libhub does not do (e.g. pickle weights)
  io,                  // a local file-system operation failed
  locked,              // a lock could not be taken in time
  conflict,            // the resource already exists or changed concurrently
  cancelled,           // the caller cancelled the operation
  internal,            // a bug in libhub
};

// The code's stable name ("repo_not_found", ...), used in --json output and logs.
std::string_view to_string(Errc code) noexcept;

// The CLI exit status for a code: 0 is success, 1 generic failure, then one status per family
// (2 usage/invalid input, 3 not found, 4 auth, 5 network/timeout/rate limit, 6 integrity, 7 io).
int exit_code(Errc code) noexcept;

// Details of the HTTP exchange or file behind an error; every field may be empty.
struct ErrorContext {
  int http_status = 0;         // status of the failed response, 0 when there was none
  std::string url;             // the URL requested (never carries a token)
  std::string request_id;      // X-Request-Id / X-Amzn-Trace-Id of the response
  std::string server_code;     // X-Error-Code
  std::string server_message;  // X-Error-Message or the JSON "error" field
  std::string path;            // local file or repo path involved
};

class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message, ErrorContext context = {});

  Errc code() const noexcept { return code_; }
  const ErrorContext& context() const noexcept { return context_; }

 private:
  Errc code_;
  ErrorContext context_;
};

}  // namespace hub
