#include "http/client.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <random>
#include <thread>

#include "core/strings.h"
#include "http/curl_library.h"
#include "hub/error.h"
#include "hub/version.h"

namespace hub::http {
namespace {

const CurlLibrary& curl() { return curl_library(); }

constexpr std::size_t kMaxErrorBody = 64 * 1024;
// API responses are held in memory: a hostile or broken server must not exhaust it.
constexpr std::size_t kMaxBufferedBody = 64 * 1024 * 1024;
constexpr int kMaxRedirects = 10;

struct CurlGlobal {
  CurlGlobal() { curl().global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl().global_cleanup(); }
};

void ensure_global_init() { static CurlGlobal global; }

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl().url_cleanup(u); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlSlistDeleter {
  void operator()(curl_slist* l) const { curl().slist_free_all(l); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

std::string url_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* out = nullptr;
  if (curl().url_get(u, part, &out, flags) != CURLUE_OK || !out) return {};
  std::string s(out);
  curl().free(out);
  return s;
}

// State of one transfer, shared with curl's callbacks.
struct Transfer {
  Response* response = nullptr;
  const BodySink* sink = nullptr;
  const HeadersHook* hook = nullptr;
  bool stream_body = false;  // decided when the first body byte arrives
  bool decided = false;
  bool aborted = false;
  bool too_large = false;
};

size_t on_header(char* data, size_t size, size_t nitems, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nitems;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (e.g. after 100 Continue)
    t->response->headers.items.clear();
    auto sp = line.find(' ');
    if (sp != std::string_view::npos) {
      auto code = parse_u64(trim(line.substr(sp + 1, 3)));
      t->response->status = code ? static_cast<int>(*code) : 0;
    }
    return n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response->headers.items.emplace_back(std::string(trim(line.substr(0, colon))),
                                            std::string(trim(line.substr(colon + 1))));
  }
  return n;
}

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  Response& r = *t->response;
  if (!t->decided) {
    t->decided = true;
    t->stream_body = t->sink && *t->sink && r.status >= 200 && r.status < 300;
    if (t->stream_body && t->hook && *t->hook && !(*t->hook)(r)) {
      t->aborted = true;
      return 0;
    }
  }
  if (t->stream_body) {
    if (!(*t->sink)(data, n)) {
      t->aborted = true;
      return 0;
    }
    return n;
  }
  if (t->sink && *t->sink) {
    if (r.body.size() < kMaxErrorBody) r.body.append(data, n);
    return n;
  }
  if (r.body.size() + n > kMaxBufferedBody) {
    t->too_large = true;
    return 0;
  }
  r.body.append(data, n);
  return n;
}

}  // namespace

std::optional<std::string> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : items)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

std::string origin_of(std::string_view url) {
  CurlUrl u(curl().url());
  std::string s(url);
  if (curl().url_set(u.get(), CURLUPART_URL, s.c_str(), 0) != CURLUE_OK) return {};
  std::string scheme = to_lower(url_part(u.get(), CURLUPART_SCHEME));
  std::string host = to_lower(url_part(u.get(), CURLUPART_HOST));
  std::string port = url_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  return scheme + "://" + host + ":" + port;
}

std::string resolve_location(std::string_view base, std::string_view location) {
  CurlUrl u(curl().url());
  std::string b(base), l(location);
  if (curl().url_set(u.get(), CURLUPART_URL, b.c_str(), 0) != CURLUE_OK) return l;
  if (curl().url_set(u.get(), CURLUPART_URL, l.c_str(), 0) != CURLUE_OK) return l;
  return url_part(u.get(), CURLUPART_URL);
}

bool is_retryable_status(int status) noexcept {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::optional<std::uint64_t> parse_retry_after(std::string_view value, std::time_t now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  // Digits are delay-seconds (nullopt when they overflow); a date always names its day or month.
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) return parse_u64(value);
  if (std::none_of(value.begin(), value.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
    return std::nullopt;
  // curl's parser reads the IMF-fixdate form and the two obsolete ones (RFC 850, asctime).
  std::string text(value);
  std::time_t when = curl().getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  return when > now ? static_cast<std::uint64_t>(when - now) : 0;
}

std::optional<std::uint64_t> retry_after(const Headers& headers) {
  auto value = headers.get("Retry-After");
  if (!value) return std::nullopt;
  return parse_retry_after(*value, std::time(nullptr));
}

// Idle easy handles, reused so that connections (and TLS sessions) survive between requests.
struct Client::Pool {
  std::mutex mu;
  std::vector<CURL*> idle;
  CURLSH* share = nullptr;
  std::mutex share_mu[CURL_LOCK_DATA_LAST];

  Pool() {
    share = curl().share_init();
    curl().share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl().share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl().share_setopt(share, CURLSHOPT_USERDATA, this);
    curl().share_setopt(
        share, CURLSHOPT_LOCKFUNC,
        +[](CURL*, curl_lock_data d, curl_lock_access, void* p) { static_cast<Pool*>(p)->share_mu[d].lock(); });
    curl().share_setopt(
        share, CURLSHOPT_UNLOCKFUNC,
        +[](CURL*, curl_lock_data d, void* p) { static_cast<Pool*>(p)->share_mu[d].unlock(); });
  }
  ~Pool() {
    for (CURL* h : idle) curl().easy_cleanup(h);
    curl().share_cleanup(share);
  }
  CURL* acquire() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    CURL* h = curl().easy_init();
    if (!h) throw std::bad_alloc();
    return h;
  }
  void release(CURL* h) {
    std::lock_guard<std::mutex> lock(mu);
    if (idle.size() < 64)
      idle.push_back(h);
    else
      curl().easy_cleanup(h);
  }
};

Client::Client(const Settings& settings) : settings_(settings), pool_(std::make_unique<Pool>()) {
  ensure_global_init();
  endpoint_origin_ = origin_of(settings_.endpoint);
  if (endpoint_origin_.empty())
    throw Error(Errc::invalid_input, "invalid endpoint URL '" + settings_.endpoint + "' (HF_ENDPOINT / --endpoint)");
  user_agent_ = "libhub/" + std::string(kVersion) + "; curl/" + curl().version_info(CURLVERSION_NOW)->version;
  if (!settings_.user_agent_origin.empty()) user_agent_ += "; origin/" + settings_.user_agent_origin;
}

Client::~Client() = default;

bool Client::same_origin_as_endpoint(std::string_view url) const { return origin_of(url) == endpoint_origin_; }

Response Client::send(const Request& request, const BodySink& sink, const HeadersHook& hook) {
  std::string url = request.url;
  std::string method = request.method;
  std::string body = request.body;
  for (int hop = 0;; ++hop) {
    Response response;
    response.final_url = url;
    Transfer transfer{&response, &sink, &hook};

    CURL* h = pool_->acquire();
    std::unique_ptr<CURL, std::function<void(CURL*)>> handle(h, [this](CURL* c) {
      curl().easy_reset(c);
      pool_->release(c);
    });
    CurlSlist headers;
    auto add_header = [&](const std::string& line) {
      curl_slist* l = curl().slist_append(headers.get(), line.c_str());
      if (!l) throw std::bad_alloc();
      headers.release();
      headers.reset(l);
    };
    for (const auto& [k, v] : request.headers) add_header(k + ": " + v);
    // The token goes to the endpoint's origin only (checked again on every redirect hop).
    if (settings_.token && same_origin_as_endpoint(url)) add_header("Authorization: Bearer " + *settings_.token);
    add_header("Expect:");

    curl().easy_setopt(h, CURLOPT_URL, url.c_str());
    curl().easy_setopt(h, CURLOPT_SHARE, pool_->share);
    curl().easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl().easy_setopt(h, CURLOPT_USERAGENT, user_agent_.c_str());
    curl().easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl().easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl().easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl().easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    auto secs = std::max<long>(1, static_cast<long>((request.timeout.count() + 999) / 1000));
    curl().easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeout.count()));
    // A transfer that receives nothing for `timeout` is a stall.
    curl().easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl().easy_setopt(h, CURLOPT_LOW_SPEED_TIME, secs);
    curl().easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    curl().easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    curl().easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    curl().easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    if (method == "HEAD") {
      curl().easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (method == "POST") {
      curl().easy_setopt(h, CURLOPT_POST, 1L);
      curl().easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
      curl().easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else if (method != "GET") {
      curl().easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    CURLcode rc = curl().easy_perform(h);
    if (transfer.too_large)
      throw Error(Errc::invalid_input, "the response from " + url + " is larger than 64 MiB", {.url = url});
    if (transfer.aborted) throw Error(Errc::cancelled, "transfer of " + url + " aborted", {.url = url});
    if (rc != CURLE_OK) {
      Errc code = (rc == CURLE_OPERATION_TIMEDOUT) ? Errc::timeout : Errc::network;
      throw Error(code, std::string("request to ") + url + " failed: " + curl().easy_strerror(rc), {.url = url});
    }
    long status = 0;
    curl().easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    // A 2xx with an empty body never reached on_body: still run the hook for the caller.
    if (!transfer.decided && sink && status >= 200 && status < 300 && hook && !hook(response))
      throw Error(Errc::cancelled, "transfer of " + url + " aborted", {.url = url});

    bool is_redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    auto location = response.headers.get("Location");
    if (!is_redirect || !location || request.redirects == Redirects::none) return response;
    bool relative = location->find("://") == std::string::npos && location->rfind("//", 0) != 0;
    if (request.redirects == Redirects::follow_relative && !relative) return response;
    if (hop >= kMaxRedirects)
      throw Error(Errc::network, "too many redirects starting at " + request.url, {.url = request.url});
    url = resolve_location(url, *location);
    if (status == 303 && method != "HEAD") {
      method = "GET";
      body.clear();
    }
  }
}

std::chrono::milliseconds Client::backoff(int attempt, std::optional<std::uint64_t> retry_after) const {
  static thread_local std::mt19937 rng{std::random_device{}()};
  if (retry_after) {
    // Honour the server, capped so that a hostile value cannot hang a pull for hours.
    auto s = std::min<std::uint64_t>(*retry_after, 300);
    return std::chrono::milliseconds(s * 1000) +
           std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 250)(rng));
  }
  auto base = settings_.retry_base_wait.count();
  long long wait = base;
  for (int i = 0; i < attempt && wait < settings_.retry_max_wait.count(); ++i) wait *= 2;
  wait = std::min<long long>(wait, settings_.retry_max_wait.count());
  // Full jitter on the upper quarter: spreads clients that failed together.
  long long jitter = std::uniform_int_distribution<long long>(0, std::max<long long>(1, wait / 4))(rng);
  return std::chrono::milliseconds(wait + jitter);
}

Response Client::send_with_retry(const Request& request) {
  for (int attempt = 0;; ++attempt) {
    try {
      Response r = send(request);
      if (!is_retryable_status(r.status) || attempt >= settings_.max_retries) return r;
      std::this_thread::sleep_for(backoff(attempt, retry_after(r.headers)));
    } catch (const Error& e) {
      if ((e.code() != Errc::network && e.code() != Errc::timeout) || attempt >= settings_.max_retries) throw;
      std::this_thread::sleep_for(backoff(attempt, std::nullopt));
    }
  }
}

}  // namespace hub::http
