#include "api/errors.h"

#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "hub/error.h"

namespace hub::api {
namespace {

// The server's own words: X-Error-Message, else the JSON "error"/"message" field, else short text.
std::string server_message(const http::Response& r) {
  if (auto m = r.headers.get("X-Error-Message")) return *m;
  if (r.body.empty()) return {};
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object()) {
    for (const char* key : {"error", "message"}) {
      auto it = j.find(key);
      if (it == j.end()) continue;
      if (it->is_string()) return it->get<std::string>();
      if (it->is_array() && !it->empty() && (*it)[0].is_string()) return (*it)[0].get<std::string>();
    }
    return {};
  }
  auto ct = r.headers.get("Content-Type");
  if (ct && ct->find("html") != std::string::npos) return {};
  return std::string(trim(std::string_view(r.body).substr(0, 300)));
}

}  // namespace

void raise_for_status(const http::Response& r, std::string_view what) {
  if (r.status >= 200 && r.status < 400) return;
  ErrorContext ctx;
  ctx.http_status = r.status;
  ctx.url = r.final_url;
  ctx.server_code = r.headers.get("X-Error-Code").value_or("");
  ctx.server_message = server_message(r);
  for (const char* h : {"X-Request-Id", "X-Amzn-Trace-Id", "x-amz-cf-id"}) {
    if (auto v = r.headers.get(h)) {
      ctx.request_id = *v;
      break;
    }
  }
  std::string base = std::string(what) + ": HTTP " + std::to_string(r.status);
  std::string detail = ctx.server_message.empty() ? "" : " (" + ctx.server_message + ")";
  if (!ctx.request_id.empty()) detail += " [request id " + ctx.request_id + "]";
  const std::string& code = ctx.server_code;

  if (code == "RepoNotFound") throw Error(Errc::repo_not_found, base + ": repository not found" + detail, ctx);
  if (code == "RevisionNotFound") throw Error(Errc::revision_not_found, base + ": revision not found" + detail, ctx);
  if (code == "EntryNotFound") throw Error(Errc::entry_not_found, base + ": file not found" + detail, ctx);
  if (code == "GatedRepo") throw Error(Errc::gated, base + ": access to this gated repo is restricted" + detail, ctx);
  if (ctx.server_message.find("Access to this resource is disabled") != std::string::npos)
    throw Error(Errc::disabled, base + ": this repo is disabled" + detail, ctx);
  switch (r.status) {
    case 401:
      if (ctx.server_message.find("Invalid credentials") != std::string::npos)
        throw Error(Errc::unauthorized, base + ": invalid token" + detail, ctx);
      // The Hub answers 401 without a code for private or missing repos on its API routes.
      throw Error(Errc::repo_not_found, base + ": repository not found or private" + detail, ctx);
    case 403: throw Error(Errc::forbidden, base + ": forbidden" + detail, ctx);
    case 404: throw Error(Errc::repo_not_found, base + ": not found" + detail, ctx);
    case 429: throw Error(Errc::rate_limited, base + ": rate limited" + detail, ctx);
    default: throw Error(Errc::http, base + detail, ctx);
  }
}

}  // namespace hub::api
