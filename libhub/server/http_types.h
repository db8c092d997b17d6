// What the request handlers see and produce (internal), independent of the HTTP library so the
// routing and protocol logic can be tested without sockets.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/strings.h"

namespace hub::server {

struct Request {
  std::string method;  // "GET", "HEAD", "POST", ...
  std::string target;  // raw request target: path and query, still percent-encoded
  std::optional<std::string> authorization;
  std::optional<std::string> range;
  std::optional<std::string> if_none_match;
  std::optional<std::string> content_type;
  std::optional<std::string> host;
  std::string body;
};

// An owned file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership (to the HTTP library, which closes it).
  int release() { return std::exchange(fd_, -1); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // A file body: `file_length` bytes of `file` from `file_offset` (sent with sendfile).
  UniqueFd file;
  std::uint64_t file_offset = 0;
  std::uint64_t file_length = 0;
  // HEAD of a file: no body, but Content-Length must announce this many bytes.
  std::optional<std::uint64_t> head_length;

  void add_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  // The first header named `name` (case-insensitive), or nullptr.
  const std::string* find_header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (iequals(k, name)) return &v;
    return nullptr;
  }
  // Bytes the response announces (Content-Length).
  std::uint64_t content_length() const {
    if (head_length) return *head_length;
    return file.valid() ? file_length : body.size();
  }
};

}  // namespace hub::server
