// The one place libhub reads environment variables (see hub/settings.h).
#include "hub/settings.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/strings.h"

namespace hub {
namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return (v && *v) ? v : nullptr;
}

std::filesystem::path expand_user(const std::string& p) {
  if (!p.empty() && p[0] == '~') {
    if (const char* home = env("HOME")) return std::filesystem::path(home) / p.substr(p.size() > 1 ? 2 : 1);
  }
  return p;
}

std::optional<std::string> clean_token(std::string value) {
  value.erase(std::remove(value.begin(), value.end(), '\r'), value.end());
  value.erase(std::remove(value.begin(), value.end(), '\n'), value.end());
  std::string t(trim(value));
  if (t.empty()) return std::nullopt;
  return t;
}

std::chrono::milliseconds seconds_env(const char* name, std::chrono::milliseconds fallback) {
  if (const char* v = env(name)) {
    try {
      double s = std::stod(v);
      if (s > 0) return std::chrono::milliseconds(static_cast<long long>(s * 1000));
    } catch (...) {
    }
  }
  return fallback;
}

}  // namespace

bool env_true(const char* value) noexcept {
  if (!value) return false;
  std::string v(value);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::toupper(c); });
  return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

Settings Settings::from_env() {
  Settings s;
  if (const char* e = env("HF_ENDPOINT")) {
    s.endpoint = e;
    while (!s.endpoint.empty() && s.endpoint.back() == '/') s.endpoint.pop_back();
  }
  if (const char* h = env("HF_HOME")) {
    s.hf_home = expand_user(h);
  } else if (const char* x = env("XDG_CACHE_HOME")) {
    s.hf_home = std::filesystem::path(x) / "huggingface";
  } else if (const char* home = env("HOME")) {
    s.hf_home = std::filesystem::path(home) / ".cache" / "huggingface";
  } else {
    s.hf_home = std::filesystem::path(".cache") / "huggingface";
  }
  if (const char* c = env("HF_HUB_CACHE"))
    s.cache_dir = expand_user(c);
  else if (const char* c2 = env("HUGGINGFACE_HUB_CACHE"))
    s.cache_dir = expand_user(c2);
  else
    s.cache_dir = s.hf_home / "hub";

  if (!env_true(env("HF_HUB_DISABLE_IMPLICIT_TOKEN"))) {
    if (const char* t = env("HF_TOKEN")) {
      s.token = clean_token(t);
    } else if (const char* t2 = env("HUGGING_FACE_HUB_TOKEN")) {
      s.token = clean_token(t2);
    } else {
      std::filesystem::path token_path = s.hf_home / "token";
      if (const char* p = env("HF_TOKEN_PATH")) token_path = expand_user(p);
      std::ifstream in(token_path);
      if (in) {
        std::stringstream ss;
        ss << in.rdbuf();
        s.token = clean_token(ss.str());
      }
    }
  }
  s.offline = env_true(env("HF_HUB_OFFLINE")) || env_true(env("TRANSFORMERS_OFFLINE"));
  s.metadata_timeout = seconds_env("HF_HUB_ETAG_TIMEOUT", s.metadata_timeout);
  s.download_timeout = seconds_env("HF_HUB_DOWNLOAD_TIMEOUT", s.download_timeout);
  if (const char* o = env("HF_HUB_USER_AGENT_ORIGIN")) s.user_agent_origin = o;
  // libhub's own knobs for the retry policy (tests and impatient scripts shorten the waits).
  if (const char* r = env("HUB_MAX_RETRIES")) {
    if (auto n = parse_u64(r); n && *n <= 100) s.max_retries = static_cast<int>(*n);
  }
  if (const char* w = env("HUB_RETRY_BASE_MS")) {
    if (auto n = parse_u64(w); n && *n <= 600000) {
      s.retry_base_wait = std::chrono::milliseconds(*n);
      s.retry_max_wait = std::max(s.retry_base_wait, std::chrono::milliseconds(*n * 8));
    }
  }
  return s;
}

}  // namespace hub
