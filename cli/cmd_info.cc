// hub ls / hub info: what a repo holds, from the Hub API.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "hub/api.h"

namespace hub::cli {
namespace {

struct RepoArgs {
  std::string repo;
  std::string revision = "main";
  std::string repo_type = "model";
};

void add_repo_args(CLI::App* cmd, RepoArgs& a) {
  cmd->add_option("repo", a.repo, "Repo id, e.g. org/name")->required();
  cmd->add_option("-r,--revision", a.revision, "Branch, tag, commit or refs/pr/N")->capture_default_str();
  cmd->add_option("--repo-type", a.repo_type, "model, dataset or space")->capture_default_str();
}

nlohmann::json file_json(const RepoFile& f) {
  nlohmann::json j = {{"path", f.path}, {"type", f.directory ? "directory" : "file"}, {"size", f.size}, {"oid", f.oid}};
  if (f.lfs) j["lfs"] = {{"sha256", f.lfs->sha256}, {"size", f.lfs->size}, {"pointer_size", f.lfs->pointer_size}};
  return j;
}

int run_ls(const RepoArgs& a, const GlobalOptions& g) {
  HubApi api(g.settings());
  RepoId repo = RepoId::parse(a.repo, parse_repo_type(a.repo_type));
  auto files = api.list_tree(repo, a.revision);
  if (g.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : files) out.push_back(file_json(f));
    std::cout << json_text(out) << "\n";
    return 0;
  }
  std::uint64_t total = 0;
  std::size_t count = 0;
  for (const auto& f : files) {
    if (f.directory) continue;
    std::printf("%14llu  %-4s  %.12s  %s\n", static_cast<unsigned long long>(f.size), f.lfs ? "LFS" : "git",
                f.blob_name().c_str(), f.path.c_str());
    total += f.size;
    ++count;
  }
  if (!g.quiet) std::printf("%zu files, %llu bytes\n", count, static_cast<unsigned long long>(total));
  return 0;
}

int run_info(const RepoArgs& a, const GlobalOptions& g) {
  HubApi api(g.settings());
  RepoId repo = RepoId::parse(a.repo, parse_repo_type(a.repo_type));
  RepoInfo info = api.repo_info(repo, a.revision);
  RepoRefs refs = api.list_refs(repo);
  auto ref_names = [](const std::vector<GitRef>& v) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : v) j.push_back({{"name", r.name}, {"target", r.target}});
    return j;
  };
  nlohmann::json out = {{"id", info.repo.name},
                        {"type", std::string(to_string(info.repo.type))},
                        {"revision", a.revision},
                        {"sha", info.sha},
                        {"private", info.is_private},
                        {"gated", info.gated.empty() ? nlohmann::json(false) : nlohmann::json(info.gated)},
                        {"last_modified", info.last_modified},
                        {"pipeline_tag", info.pipeline_tag},
                        {"library_name", info.library_name},
                        {"tags", info.tags},
                        {"files", info.siblings},
                        {"branches", ref_names(refs.branches)},
                        {"tags_refs", ref_names(refs.tags)},
                        {"pull_requests", ref_names(refs.pull_requests)}};
  if (g.json) {
    std::cout << json_text(out) << "\n";
    return 0;
  }
  std::cout << info.repo.display() << " (" << to_string(info.repo.type) << ")\n"
            << "  revision   " << a.revision << " -> " << info.sha << "\n"
            << "  private    " << (info.is_private ? "yes" : "no") << "\n"
            << "  gated      " << (info.gated.empty() ? "no" : info.gated) << "\n";
  if (!info.pipeline_tag.empty()) std::cout << "  pipeline   " << info.pipeline_tag << "\n";
  if (!info.last_modified.empty()) std::cout << "  modified   " << info.last_modified << "\n";
  std::cout << "  files      " << info.siblings.size() << "\n";
  for (const auto& b : refs.branches) std::cout << "  branch     " << b.name << " -> " << b.target << "\n";
  for (const auto& t : refs.tags) std::cout << "  tag        " << t.name << " -> " << t.target << "\n";
  return 0;
}

}  // namespace

void register_ls(CLI::App& app, GlobalOptions& g, Action& action) {
  auto args = std::make_shared<RepoArgs>();
  CLI::App* cmd = app.add_subcommand("ls", "List the files of a repo: size, LFS or git, blob hash, path");
  add_repo_args(cmd, *args);
  add_network_options(*cmd, g);
  add_output_options(*cmd, g);
  cmd->callback([args, &g, &action] { action = [args, &g] { return run_ls(*args, g); }; });
}

void register_info(CLI::App& app, GlobalOptions& g, Action& action) {
  auto args = std::make_shared<RepoArgs>();
  CLI::App* cmd = app.add_subcommand("info", "Show a repo's metadata: commit, visibility, branches and tags");
  add_repo_args(cmd, *args);
  add_network_options(*cmd, g);
  add_output_options(*cmd, g);
  cmd->callback([args, &g, &action] { action = [args, &g] { return run_info(*args, g); }; });
}

}  // namespace hub::cli
