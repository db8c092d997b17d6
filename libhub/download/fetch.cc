#include "download/fetch.h"

#include <thread>

#include "api/errors.h"
#include "core/strings.h"
#include "hub/error.h"

namespace hub::download {
std::optional<std::uint64_t> content_range_start(const http::Headers& h) {
  auto cr = h.get("Content-Range");
  if (!cr) return std::nullopt;
  std::string_view v = trim(*cr);
  if (v.rfind("bytes ", 0) != 0) return std::nullopt;
  v.remove_prefix(6);
  auto dash = v.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  return parse_u64(v.substr(0, dash));
}

void fetch_verified(http::Client& client, const FetchTarget& target, fs::TempFile& tmp, const FetchProgress& progress,
                    const std::atomic<bool>& cancel) {
  const Settings& settings = client.settings();
  auto hasher = std::make_unique<Hasher>(target.kind, target.size);
  int failures = 0;  // consecutive attempts that made no progress
  int restarts = 0;  // times the server ignored Range and the body started over
  // An empty file needs no request: its hash is checked below like any other.
  while (tmp.size() < target.size) {
    if (cancel) throw Error(Errc::cancelled, "download of " + target.what + " cancelled");
    const std::uint64_t offset = tmp.size();
    http::Request req;
    req.url = target.url;
    req.timeout = settings.download_timeout;
    if (offset > 0) req.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-");
    bool overflow = false;
    std::uint64_t received = 0;
    auto hook = [&](const http::Response& head) {
      if (offset == 0) return true;
      if (head.status == 206) {
        auto start = content_range_start(head.headers);
        return start && *start == offset;  // anything else cannot be appended safely
      }
      // A 200 to a ranged request is the whole body again: restart from zero.
      if (++restarts > settings.max_retries) return false;
      tmp.reset();
      hasher = std::make_unique<Hasher>(target.kind, target.size);
      return true;
    };
    auto sink = [&](const char* data, std::size_t n) {
      if (cancel) return false;
      if (tmp.size() + n > target.size) {
        overflow = true;
        return false;
      }
      tmp.write(data, n);
      hasher->update(std::string_view(data, n));
      received += n;
      if (progress) progress(n);
      return true;
    };
    try {
      http::Response r = client.send(req, sink, hook);
      if (http::is_retryable_status(r.status) && failures < settings.max_retries) {
        std::this_thread::sleep_for(client.backoff(failures++, http::retry_after(r.headers)));
        continue;
      }
      api::raise_for_status(r, "download of " + target.what);
      if (r.status >= 300)
        throw Error(Errc::http, "download of " + target.what + ": unexpected HTTP " + std::to_string(r.status),
                    {.http_status = r.status, .url = r.final_url});
    } catch (const Error& e) {
      if (overflow)
        throw Error(Errc::integrity,
                    "download of " + target.what + ": the server sent more than the announced " +
                        std::to_string(target.size) + " bytes",
                    {.url = target.url});
      if (e.code() == Errc::cancelled && !cancel && offset > 0) {
        throw Error(Errc::integrity,
                    "download of " + target.what +
                        ": cannot resume (the server answered with a wrong range or kept restarting the body)",
                    {.url = target.url});
      }
      bool transient = e.code() == Errc::network || e.code() == Errc::timeout;
      if (!transient || (received == 0 && failures >= settings.max_retries)) throw;
      // Bytes arrived before the failure: resume at once, the failure counter starts again.
      if (received > 0)
        failures = 0;
      else
        std::this_thread::sleep_for(client.backoff(failures++, std::nullopt));
      continue;
    }
    if (received == 0) {
      if (failures >= settings.max_retries)
        throw Error(Errc::integrity,
                    "download of " + target.what + ": truncated at " + std::to_string(tmp.size()) + " of " +
                        std::to_string(target.size) + " bytes",
                    {.url = target.url});
      std::this_thread::sleep_for(client.backoff(failures++, std::nullopt));
    } else {
      failures = 0;
    }
  }
  if (tmp.size() != target.size)
    throw Error(Errc::integrity,
                "download of " + target.what + ": got " + std::to_string(tmp.size()) + " bytes, expected " +
                    std::to_string(target.size),
                {.url = target.url});
  std::string actual = hasher->finish();
  if (actual != target.expected_hash)
    throw Error(Errc::integrity,
                "download of " + target.what + ": " + (target.kind == HashKind::sha256 ? "SHA-256" : "git SHA-1") +
                    " mismatch: expected " + target.expected_hash + ", got " + actual + "; nothing was stored",
                {.url = target.url});
}

}  // namespace hub::download
