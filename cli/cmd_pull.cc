// hub pull: download a repo snapshot into the cache.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress.h"
#include "hub/pull.h"

namespace hub::cli {
namespace {

struct PullArgs {
  std::string repo;
  std::string revision = "main";
  std::string repo_type = "model";
  std::vector<std::string> include, exclude;
  std::optional<std::string> local_dir;
  int max_workers = 8;
  int connections = 8;
  bool dry_run = false;
  bool allow_pickle = false;
};

int run_pull(const PullArgs& a, const GlobalOptions& g) {
  Settings settings = g.settings();
  RepoId repo = RepoId::parse(a.repo, parse_repo_type(a.repo_type));
  PullOptions options;
  options.revision = a.revision;
  options.include = a.include;
  options.exclude = a.exclude;
  options.allow_pickle = a.allow_pickle;
  if (a.local_dir) options.local_dir = *a.local_dir;
  options.max_workers = a.max_workers;
  options.connections = a.connections;
  options.dry_run = a.dry_run;
  PullProgressView view(!g.quiet && !g.json && stderr_is_tty());
  options.on_progress = [&](const PullProgress& e) { view.on_event(e); };
  PullResult r = pull(repo, options, settings);
  view.finish();

  if (g.json) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : r.files)
      files.push_back({{"path", f.path},
                       {"blob", f.blob},
                       {"size", f.size},
                       {"lfs", f.lfs},
                       {"hash", f.lfs ? "sha256" : "git-sha1"},
                       {"action", std::string(to_string(f.action))}});
    nlohmann::json out = {{"repo", r.repo.name},
                          {"repo_type", std::string(to_string(r.repo.type))},
                          {"revision", r.revision},
                          {"commit", r.commit},
                          {"folder", r.folder.string()},
                          {"offline", r.offline},
                          {"dry_run", a.dry_run},
                          {"bytes_downloaded", r.bytes_downloaded},
                          {"files", files},
                          {"skipped", r.skipped}};
    std::cout << json_text(out) << "\n";
    return 0;
  }
  if (!g.quiet) {
    std::size_t downloaded = 0, reused = 0;
    for (const auto& f : r.files) {
      const char* verb = a.dry_run ? (f.action == PulledFile::Action::cached ? "cached  " : "fetch   ")
                                   : (f.action == PulledFile::Action::downloaded ? "verified"
                                      : f.action == PulledFile::Action::linked   ? "linked  "
                                                                                 : "cached  ");
      std::cerr << verb << "  " << (f.lfs ? "sha256 " : "sha1   ") << f.blob.substr(0, 12) << "  "
                << format_size(f.size) << "\t" << f.path << "\n";
      (f.action == PulledFile::Action::downloaded ? downloaded : reused)++;
    }
    for (const auto& s : r.skipped) std::cerr << "skipped            " << s << "\n";
    std::cerr << r.repo.display() << " @ " << r.commit << (r.offline ? " (offline)" : "") << ": " << r.files.size()
              << " files, " << downloaded << " downloaded (" << format_size(r.bytes_downloaded) << "), " << reused
              << " already cached\n";
  }
  // The snapshot folder is always the last line of stdout (scripts rely on it).
  std::cout << r.folder.string() << std::endl;
  return 0;
}

}  // namespace

void register_pull(CLI::App& app, GlobalOptions& g, Action& action) {
  auto args = std::make_shared<PullArgs>();
  CLI::App* cmd = app.add_subcommand("pull", "Download a repo snapshot into the cache, verifying every file");
  cmd->add_option("repo", args->repo, "Repo id, e.g. org/name (or datasets/org/name)")->required();
  cmd->add_option("-r,--revision", args->revision, "Branch, tag, commit or refs/pr/N")->capture_default_str();
  cmd->add_option("--repo-type", args->repo_type, "model, dataset or space")->capture_default_str();
  cmd->add_option("--include", args->include, "Only files matching this glob (repeatable)");
  cmd->add_option("--exclude", args->exclude, "Skip files matching this glob (repeatable)");
  cmd->add_flag("--allow-pickle", args->allow_pickle,
                "Also fetch pickle weights (*.bin, *.pt, ...) when safetensors exist (they are never executed)");
  cmd->add_option("--local-dir", args->local_dir, "Also write real files into this folder (huggingface_hub local_dir)");
  cmd->add_option("--max-workers", args->max_workers, "Parallel file downloads")->capture_default_str();
  cmd->add_option("--connections", args->connections,
                  "Concurrent byte ranges per large file (16 MB and up; resumable after a crash)")
      ->capture_default_str();
  cmd->add_flag("--dry-run", args->dry_run, "List what would be fetched; write nothing");
  add_network_options(*cmd, g);
  add_cache_option(*cmd, g);
  add_output_options(*cmd, g);
  cmd->callback([args, &g, &action] { action = [args, &g] { return run_pull(*args, g); }; });
}

}  // namespace hub::cli
