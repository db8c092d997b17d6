// The `hub` command line: each command registers itself on the CLI11 app (one file per command).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "hub/settings.h"

namespace hub::cli {

// Options every command shares. Flags override the environment.
struct GlobalOptions {
  std::optional<std::string> endpoint;
  std::optional<std::string> token;
  std::optional<std::string> cache_dir;
  bool offline = false;
  bool json = false;
  bool quiet = false;

  // Settings from the environment with the flags applied on top.
  Settings settings() const;
};

// Adds --endpoint/--token/--cache-dir/--offline/--json/--quiet (as relevant) to a subcommand.
void add_network_options(CLI::App& cmd, GlobalOptions& g);
void add_cache_option(CLI::App& cmd, GlobalOptions& g);
void add_output_options(CLI::App& cmd, GlobalOptions& g);

// A command body; the dispatcher in main.cc turns hub::Error into messages and exit codes.
using Action = std::function<int()>;

void register_pull(CLI::App& app, GlobalOptions& g, Action& action);
void register_ls(CLI::App& app, GlobalOptions& g, Action& action);
void register_info(CLI::App& app, GlobalOptions& g, Action& action);
void register_cache(CLI::App& app, GlobalOptions& g, Action& action);
void register_serve(CLI::App& app, GlobalOptions& g, Action& action);
void register_tokenize(CLI::App& app, GlobalOptions& g, Action& action);
void register_detokenize(CLI::App& app, GlobalOptions& g, Action& action);
void register_run(CLI::App& app, GlobalOptions& g, Action& action);

// True when stdout/stderr is a terminal (progress bars only then).
bool stderr_is_tty();
// JSON text for --json output, indented by 2. Bytes that are not UTF-8 (file names on disk can be
// anything) become U+FFFD instead of failing the command.
std::string json_text(const nlohmann::json& j);

}  // namespace hub::cli
