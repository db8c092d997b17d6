#include "server/range.h"

#include <limits>

#include "core/strings.h"

namespace hub::server {
namespace {

// Decimal digits; values past uint64 saturate (they are past any file's end anyway).
std::optional<std::uint64_t> parse_pos(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    auto d = static_cast<std::uint64_t>(c - '0');
    v = v > (kMax - d) / 10 ? kMax : v * 10 + d;
  }
  return v;
}

}  // namespace

RangeDecision evaluate_range(std::optional<std::string_view> header, std::uint64_t total) {
  RangeDecision full{RangeDecision::full, 0, total};
  if (!header) return full;
  std::string_view h = trim(*header);
  auto eq = h.find('=');
  if (eq == std::string_view::npos || !iequals(trim(h.substr(0, eq)), "bytes")) return full;
  std::string_view spec = trim(h.substr(eq + 1));
  if (spec.find(',') != std::string_view::npos) return full;  // multiple ranges: whole body
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return full;
  std::string_view a = trim(spec.substr(0, dash)), b = trim(spec.substr(dash + 1));
  RangeDecision none{RangeDecision::unsatisfiable, 0, 0};
  if (a.empty()) {  // suffix: the last n bytes
    auto n = parse_pos(b);
    if (!n) return full;
    if (*n == 0 || total == 0) return none;
    std::uint64_t len = *n < total ? *n : total;
    return {RangeDecision::partial, total - len, len};
  }
  auto first = parse_pos(a);
  if (!first) return full;
  std::optional<std::uint64_t> last;
  if (!b.empty()) {
    last = parse_pos(b);
    if (!last || *last < *first) return full;  // malformed: ignore the header
  }
  if (*first >= total) return none;
  std::uint64_t end = (!last || *last >= total) ? total - 1 : *last;
  return {RangeDecision::partial, *first, end - *first + 1};
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  for (const std::string& item : split(if_none_match, ',')) {
    std::string_view t = trim(item);
    if (t == "*") return true;
    if (t.size() >= 2 && (t[0] == 'W' || t[0] == 'w') && t[1] == '/') t.remove_prefix(2);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
    if (!t.empty() && t == etag) return true;
  }
  return false;
}

}  // namespace hub::server
