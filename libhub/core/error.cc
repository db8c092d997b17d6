#include "hub/error.h"

namespace hub {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::repo_not_found: return "repo_not_found";
    case Errc::revision_not_found: return "revision_not_found";
    case Errc::entry_not_found: return "entry_not_found";
    case Errc::gated: return "gated";
    case Errc::unauthorized: return "unauthorized";
    case Errc::forbidden: return "forbidden";
    case Errc::disabled: return "disabled";
    case Errc::rate_limited: return "rate_limited";
    case Errc::not_cached: return "not_cached";
    case Errc::offline: return "offline";
    case Errc::network: return "network";
    case Errc::timeout: return "timeout";
    case Errc::http: return "http";
    case Errc::integrity: return "integrity";
    case Errc::invalid_input: return "invalid_input";
    case Errc::unsupported: return "unsupported";
    case Errc::io: return "io";
    case Errc::locked: return "locked";
    case Errc::conflict: return "conflict";
    case Errc::cancelled: return "cancelled";
    case Errc::internal: return "internal";
  }
  return "internal";
}

int exit_code(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_input:
    case Errc::unsupported: return 2;
    case Errc::repo_not_found:
    case Errc::revision_not_found:
    case Errc::entry_not_found:
    case Errc::not_cached: return 3;
    case Errc::gated:
    case Errc::unauthorized:
    case Errc::forbidden:
    case Errc::disabled: return 4;
    case Errc::rate_limited:
    case Errc::offline:
    case Errc::network:
    case Errc::timeout:
    case Errc::http: return 5;
    case Errc::integrity: return 6;
    case Errc::io:
    case Errc::locked: return 7;
    default: return 1;
  }
}

Error::Error(Errc code, const std::string& message, ErrorContext context)
    : std::runtime_error(message), code_(code), context_(std::move(context)) {}

}  // namespace hub
