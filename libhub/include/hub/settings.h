// hub/settings.h: where libhub talks to and stores things, read from the environment.
//
// Settings::from_env() is the one place libhub reads environment variables; everything else
// takes a Settings. Names and precedence follow huggingface_hub (see docs/design.md).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace hub {

struct Settings {
  // HF_ENDPOINT, without trailing '/'.
  std::string endpoint = "https://huggingface.co";
  // HF_TOKEN > HUGGING_FACE_HUB_TOKEN > file at HF_TOKEN_PATH (default $HF_HOME/token);
  // trimmed; empty means none. Not read when HF_HUB_DISABLE_IMPLICIT_TOKEN is true.
  std::optional<std::string> token;
  // HF_HOME: $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface.
  std::filesystem::path hf_home;
  // HF_HUB_CACHE > HUGGINGFACE_HUB_CACHE > $HF_HOME/hub.
  std::filesystem::path cache_dir;
  // HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE: no network at all.
  bool offline = false;
  // HF_HUB_ETAG_TIMEOUT: metadata requests.
  std::chrono::milliseconds metadata_timeout{10000};
  // HF_HUB_DOWNLOAD_TIMEOUT: longest wait for the next byte of a download (and connect time).
  std::chrono::milliseconds download_timeout{10000};
  // Retries for connection errors, 408, 429, 5xx: first wait, doubling up to retry_max_wait.
  // HUB_MAX_RETRIES and HUB_RETRY_BASE_MS (libhub's own variables) override them.
  int max_retries = 5;
  std::chrono::milliseconds retry_base_wait{1000};
  std::chrono::milliseconds retry_max_wait{8000};
  // HF_HUB_USER_AGENT_ORIGIN, appended to the user agent as "origin/<value>".
  std::string user_agent_origin;

  // Reads the environment (see the field comments). Never throws for unset variables; a token
  // file that exists but cannot be read is ignored.
  static Settings from_env();
};

// Huggingface_hub's boolean parsing: "1", "ON", "YES", "TRUE" (any case) are true.
bool env_true(const char* value) noexcept;

}  // namespace hub
