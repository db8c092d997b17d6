// hub: the libhub command line.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "hub/error.h"
#include "hub/version.h"

namespace {

// What a user should do about each error class, appended to the message.
const char* advice(hub::Errc code) {
  switch (code) {
    case hub::Errc::repo_not_found:
      return "check the repo id and --repo-type; if the repo is private, pass a token with --token or HF_TOKEN";
    case hub::Errc::revision_not_found: return "check the branch, tag or commit given with --revision";
    case hub::Errc::entry_not_found: return "the file does not exist at this revision; see `hub ls REPO`";
    case hub::Errc::gated:
      return "the repo is gated: request access on its page, then pass a token with --token or HF_TOKEN";
    case hub::Errc::unauthorized: return "the token was rejected: check --token, HF_TOKEN or $HF_HOME/token";
    case hub::Errc::forbidden: return "the token has no access to this resource";
    case hub::Errc::disabled:
      return "the Hub has disabled this repo (e.g. after a policy or legal report): a token cannot help; "
             "use another repo, or ask its owner or the Hub";
    case hub::Errc::rate_limited: return "the server is rate limiting requests: wait a little and try again";
    case hub::Errc::not_cached:
      return "the cache does not hold it: pull it first (online), or check the repo id, revision and --cache-dir";
    case hub::Errc::offline: return "offline mode is on (--offline or HF_HUB_OFFLINE)";
    case hub::Errc::network:
    case hub::Errc::timeout: return "check the network and the endpoint (--endpoint or HF_ENDPOINT)";
    case hub::Errc::http: return "the server failed to answer; try again later or check the endpoint";
    case hub::Errc::integrity: return "the download did not match its hash; nothing was stored; try again";
    default: return nullptr;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hub: pull, cache, serve and run models from the Hugging Face Hub (libhub " +
               std::string(hub::kVersion) + ")"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(hub::kVersion));
  hub::cli::GlobalOptions g;
  hub::cli::Action action;
  hub::cli::register_pull(app, g, action);
  hub::cli::register_ls(app, g, action);
  hub::cli::register_info(app, g, action);
  hub::cli::register_cache(app, g, action);
  hub::cli::register_serve(app, g, action);
  hub::cli::register_tokenize(app, g, action);
  hub::cli::register_detokenize(app, g, action);
  hub::cli::register_run(app, g, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return action ? action() : 0;
  } catch (const hub::Error& e) {
    if (g.json) {
      nlohmann::json j = {{"error", {{"code", std::string(hub::to_string(e.code()))}, {"message", e.what()}}}};
      const auto& c = e.context();
      if (c.http_status) j["error"]["http_status"] = c.http_status;
      if (!c.url.empty()) j["error"]["url"] = c.url;
      if (!c.request_id.empty()) j["error"]["request_id"] = c.request_id;
      if (!c.server_code.empty()) j["error"]["server_code"] = c.server_code;
      // Messages can quote input bytes that are not UTF-8 (a malformed file): replace them
      // rather than let dump() throw and abort.
      std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
    }
    std::cerr << "error: " << e.what() << "\n";
    if (const char* a = advice(e.code())) std::cerr << "hint: " << a << "\n";
    return hub::exit_code(e.code());
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
