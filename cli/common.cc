#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/commands.h"

namespace hub::cli {

Settings GlobalOptions::settings() const {
  Settings s = Settings::from_env();
  if (endpoint) {
    s.endpoint = *endpoint;
    while (!s.endpoint.empty() && s.endpoint.back() == '/') s.endpoint.pop_back();
  }
  if (token) s.token = *token;
  if (cache_dir) s.cache_dir = *cache_dir;
  if (offline) s.offline = true;
  return s;
}

void add_network_options(CLI::App& cmd, GlobalOptions& g) {
  cmd.add_option("--endpoint", g.endpoint, "Hub endpoint URL (default: HF_ENDPOINT or https://huggingface.co)");
  cmd.add_option("--token", g.token, "Access token (default: HF_TOKEN, HUGGING_FACE_HUB_TOKEN or $HF_HOME/token)");
  cmd.add_flag("--offline", g.offline, "No network: resolve from the cache only (also HF_HUB_OFFLINE=1)");
}

void add_cache_option(CLI::App& cmd, GlobalOptions& g) {
  cmd.add_option("--cache-dir", g.cache_dir,
                 "Cache root (default: HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub)");
}

void add_output_options(CLI::App& cmd, GlobalOptions& g) {
  cmd.add_flag("--json", g.json, "Machine-readable JSON output on stdout");
  cmd.add_flag("-q,--quiet", g.quiet, "Print only the essential result");
}

bool stderr_is_tty() { return ::isatty(STDERR_FILENO) != 0; }

std::string json_text(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace hub::cli
