// hub serve: a Hub-compatible HTTP server over a folder of repos and/or an HF cache.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <cmath>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "hub/error.h"
#include "hub/server.h"

namespace hub::cli {
namespace {

struct ServeArgs {
  std::string repos;
  std::string cache;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string public_url;
  std::vector<std::string> tokens;
  std::size_t threads = 0;
  std::size_t page_size = 1000;
  double rescan_seconds = 2.0;
  bool quiet = false;
};

// Many concurrent downloads need a socket and a file per client: use the hard limit.
void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

int run_serve(const ServeArgs& a) {
  ServeOptions o;
  o.host = a.host;
  o.port = static_cast<std::uint16_t>(a.port);
  if (!a.repos.empty()) o.repos_dir = a.repos;
  if (!a.cache.empty()) o.cache_dir = a.cache;
  o.public_url = a.public_url;
  o.tokens = a.tokens;
  o.threads = a.threads;
  o.page_size = a.page_size;
  o.quiet = a.quiet;
  o.rescan_interval = std::chrono::milliseconds(static_cast<long long>(std::llround(a.rescan_seconds * 1000)));

  raise_fd_limit();
  ::signal(SIGPIPE, SIG_IGN);
  Server server(std::move(o));  // hashes everything; Ctrl-C still works here

  // Block SIGINT/SIGTERM before the worker threads exist, so they inherit the mask and the
  // signal is taken only by sigwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  server.start();
  std::cout << "serving " << server.url() << std::endl;  // tests wait for exactly this line

  int sig = 0;
  sigwait(&stop_signals, &sig);
  if (!a.quiet) std::cerr << "stopping (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ")\n";
  server.stop();
  return 0;
}

}  // namespace

void register_serve(CLI::App& app, GlobalOptions& /*g*/, Action& action) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd =
      app.add_subcommand("serve",
                         "Serve repos over the Hugging Face Hub HTTP protocol (a private mirror, or a test double).\n"
                         "Clients (huggingface_hub, hf-hub, @huggingface/hub, llama.cpp, hub pull) use it by pointing\n"
                         "their endpoint at the printed URL, e.g. HF_ENDPOINT=http://127.0.0.1:8080.");
  cmd->add_option("--repos", args->repos,
                  "Folder of repos: DIR/<ns>/<name>/ is a model, DIR/datasets/<ns>/<name>/ a dataset,\n"
                  "DIR/spaces/<ns>/<name>/ a space. Branch main is the folder's current content as a\n"
                  "git commit (same content, same commit hash); weights and files >= 10 MB are LFS.")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--cache", args->cache,
                  "An HF cache to serve read-only (e.g. ~/.cache/huggingface/hub): every cached snapshot\n"
                  "and ref of every repo")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--host", args->host, "Address to bind")->capture_default_str();
  cmd->add_option("--port", args->port, "Port to listen on; 0 picks a free port (see the printed URL)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--public-url", args->public_url,
                  "Base URL clients reach the server at, used in absolute links (pagination, LFS);\n"
                  "default: the request's Host header");
  cmd->add_option("--token", args->tokens,
                  "Accept only this bearer token (repeatable). Default: any token starting with hf_.\n"
                  "Other tokens get 401 \"Invalid credentials in Authorization header\"");
  cmd->add_option("--threads", args->threads, "Worker threads (default: max(4, number of cores))");
  cmd->add_option("--page-size", args->page_size, "Entries per tree listing page")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--rescan-interval", args->rescan_seconds,
                  "Seconds between checks of a requested repo's files for changes")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("-q,--quiet", args->quiet, "No request log on stderr");
  cmd->footer(
      "Prints one line, \"serving <url>\", once it accepts connections; stops on SIGINT/SIGTERM.\n"
      "Example: hub serve --repos ./repos --port 0 -q");
  cmd->callback([args, &action] {
    if (args->repos.empty() && args->cache.empty()) throw CLI::RequiredError("--repos or --cache (at least one)");
    action = [args] { return run_serve(*args); };
  });
}

}  // namespace hub::cli
