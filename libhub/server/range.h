// Conditional and partial requests (internal, pure): the single-range `Range` semantics the
// protocol requires (§2.5) and If-None-Match matching.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace hub::server {

struct RangeDecision {
  enum Kind {
    full,           // no usable Range header: 200 with the whole body
    partial,        // 206 with [first, first + length)
    unsatisfiable,  // 416 with Content-Range: bytes */total
  };
  Kind kind = full;
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};

// Applies `Range` (nullopt: no header) to a body of `total` bytes. bytes=a-b, a- and -n are
// honoured; a last byte at or past the end is clamped; a start at or past the end is
// unsatisfiable. Other units, multiple ranges and malformed values are ignored (full body), as
// RFC 9110 allows.
RangeDecision evaluate_range(std::optional<std::string_view> header, std::uint64_t total);

// True when an If-None-Match header lists `etag` (compared without quotes or a W/ prefix) or "*".
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace hub::server
