// hub cache: list, remove, verify, reindex, gc, pin/unpin and prune the local cache. Works with no
// network at all.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/listing_json.h"
#include "cli/progress.h"
#include "hub/cache.h"
#include "hub/error.h"

namespace hub::cli {
namespace {

namespace stdfs = std::filesystem;

// "3 days ago", like huggingface_hub's scan-cache.
std::string time_ago(double when, std::time_t now = std::time(nullptr)) {
  if (when <= 0) return "never";
  double d = static_cast<double>(now) - when;
  if (d < 60) return "a few seconds ago";
  struct Unit {
    const char* name;
    double seconds;
  };
  static const Unit units[] = {{"year", 365 * 86400.0}, {"month", 30 * 86400.0}, {"week", 7 * 86400.0},
                               {"day", 86400.0},        {"hour", 3600.0},        {"minute", 60.0}};
  for (const auto& u : units) {
    if (d >= u.seconds) {
      long n = static_cast<long>(d / u.seconds);
      return std::to_string(n) + " " + u.name + (n == 1 ? "" : "s") + " ago";
    }
  }
  return "a few seconds ago";
}

stdfs::path cache_root(const GlobalOptions& g) { return g.settings().cache_dir; }

bool cache_exists(const stdfs::path& root) {
  std::error_code ec;
  return stdfs::is_directory(root, ec);
}

// --- hub cache ls ---

// Left-aligned columns two spaces apart, every cell in one buffer: ten thousand rows of nine
// cells as strings of their own were ninety thousand allocations to make and free.
class TextTable {
 public:
  // `rows` (with the title row) and the cells' usual width only size the buffers up front.
  TextTable(std::size_t columns, std::size_t rows, std::size_t cell_bytes) : width_(columns, 0) {
    text_.reserve(rows * columns * cell_bytes);
    ends_.reserve(rows * columns);
  }

  void cell(std::string_view text) {
    std::size_t& w = width_[ends_.size() % width_.size()];
    w = std::max(w, text.size());
    text_ += text;
    ends_.push_back(text_.size());
  }

  // Written in large blocks: line by line through iostream cost more than building the table.
  void print(std::ostream& os) const {
    constexpr std::size_t kBlock = 1 << 16;
    std::string out;
    out.reserve(kBlock + 1024);
    std::size_t begin = 0;
    for (std::size_t i = 0; i < ends_.size(); ++i) {
      const std::size_t column = i % width_.size(), size = ends_[i] - begin;
      out.append(text_, begin, size);
      if (column + 1 < width_.size()) {
        out.append(width_[column] - size + 2, ' ');
      } else {
        out += '\n';
        if (out.size() >= kBlock) {
          os.write(out.data(), static_cast<std::streamsize>(out.size()));
          out.clear();
        }
      }
      begin = ends_[i];
    }
    os.write(out.data(), static_cast<std::streamsize>(out.size()));
  }

 private:
  std::vector<std::size_t> width_;
  std::string text_;               // every cell, back to back
  std::vector<std::size_t> ends_;  // where each cell ends in text_
};

int run_ls(const GlobalOptions& g) {
  stdfs::path root = cache_root(g);
  if (!cache_exists(root)) {
    if (g.json)
      std::cout << "[]\n";
    else if (!g.quiet)
      std::cerr << "no cache at " << root.string() << "\n";
    return 0;
  }
  Cache cache(root);
  CacheListing listing = cache.listing();

  if (g.json) {
    const std::string text = listing_json(listing.repos);
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
  } else if (g.quiet) {
    for (const auto& r : listing.repos) std::cout << r.repo.display() << "\n";
  } else {
    TextTable table(9, listing.repos.size() + 1, 12);
    for (const char* title : {"REPO ID", "TYPE", "SIZE", "FILES", "REVS", "REFS", "PINNED", "LAST USED", "PATH"}) {
      table.cell(title);
    }
    std::size_t partial = 0;
    std::uint64_t partial_bytes = 0;
    std::string refs, pinned;
    const std::time_t now = std::time(nullptr);
    for (const auto& r : listing.repos) {
      refs.clear();
      pinned.clear();
      for (const auto& rev : r.revisions) {
        for (const auto& ref : rev.refs) (refs += refs.empty() ? "" : ", ") += ref;
        // A pinned revision by its refs, else by its short commit.
        if (rev.pinned) {
          (pinned += pinned.empty() ? "" : ", ") += rev.refs.empty() ? rev.commit.substr(0, 8) : rev.refs.front();
        }
      }
      // Repos never used through libhub fall back to the file system's access time.
      double used = r.last_used > 0 ? r.last_used : r.last_accessed;
      table.cell(r.repo.name);
      table.cell(to_string(r.repo.type));
      table.cell(format_size(r.size));
      table.cell(std::to_string(r.blobs));
      table.cell(std::to_string(r.revisions.size()));
      table.cell(refs.empty() ? "-" : refs);
      table.cell(pinned.empty() ? "-" : pinned);
      table.cell(time_ago(used, now));
      table.cell(r.path.native());
      for (const auto& p : r.incomplete) {
        ++partial;
        partial_bytes += p.size;
      }
    }
    table.print(std::cout);
    std::cout << "\n"
              << listing.repos.size() << " repo(s), " << format_size(listing.size) << " on disk in " << root.string()
              << "\n";
    if (partial)
      std::cout << partial << " incomplete download(s), " << format_size(partial_bytes)
                << " (resumed by the next pull)\n";
  }
  // Warnings go to stderr so that stdout stays parseable.
  if (!g.quiet) {
    for (const auto& r : listing.repos)
      for (const auto& w : r.warnings) std::cerr << "warning: " << r.repo.display() << ": " << w << "\n";
    for (const auto& w : listing.warnings) std::cerr << "warning: " << w << "\n";
  }
  // `hub` exits right after this: handing the listing's allocations back one at a time (some
  // 80,000 for 10,000 repos: names, paths and their components, revisions) would be the last
  // thing it does. Kept reachable, so leak checkers do not count it; the exit frees it at once.
  static const CacheListing* const kept = new CacheListing(std::move(listing));
  (void)kept;
  return 0;
}

// --- hub cache rm ---

struct RmArgs {
  std::string target;
  std::string repo_type = "model";
};

// "org/name@rev" -> repo and revision. Repo ids never contain '@', so the first one starts it.
std::pair<RepoId, std::optional<std::string>> parse_target(const std::string& target, const std::string& type) {
  std::string repo_text = target;
  std::optional<std::string> revision;
  if (auto at = repo_text.find('@'); at != std::string::npos) {
    revision = repo_text.substr(at + 1);
    repo_text.resize(at);
    if (revision->empty())
      throw Error(Errc::invalid_input, "'" + target + "': expected REPO@REVISION with a revision after '@'");
  }
  return {RepoId::parse(repo_text, parse_repo_type(type)), revision};
}

int run_rm(const RmArgs& a, const GlobalOptions& g) {
  auto [repo, revision] = parse_target(a.target, a.repo_type);
  stdfs::path root = cache_root(g);
  if (!cache_exists(root))
    throw Error(Errc::not_cached, repo.display() + " is not in the cache (no cache at " + root.string() + ")");
  Cache cache(root);
  RemoveReport r = cache.remove(repo, revision);
  if (g.json) {
    std::cout << json_text(nlohmann::json({{"repo", repo.name},
                                           {"type", std::string(to_string(repo.type))},
                                           {"snapshots_removed", r.snapshots_removed},
                                           {"blobs_removed", r.blobs_removed},
                                           {"bytes_freed", r.bytes_freed},
                                           {"repo_removed", r.repo_removed}}))
              << "\n";
  } else if (!g.quiet) {
    for (const auto& c : r.snapshots_removed) std::cout << "removed snapshot " << c << "\n";
    std::cout << (r.repo_removed
                      ? "Removed " + repo.display()
                      : "Removed " + std::to_string(r.snapshots_removed.size()) + " snapshot(s) of " + repo.display())
              << ": " << r.blobs_removed << " blob(s), " << format_size(r.bytes_freed) << " freed\n";
  }
  return 0;
}

// --- hub cache verify ---

// One line on stderr, redrawn at most 10 times a second: bar, bytes, rate, ETA.
class VerifyBar {
 public:
  explicit VerifyBar(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  ~VerifyBar() { finish(); }

  void update(std::uint64_t done, std::uint64_t total) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    double elapsed = std::chrono::duration<double>(now - start_).count();
    double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    double eta = rate > 0 ? static_cast<double>(total - std::min(done, total)) / rate : -1;
    double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
    constexpr int kWidth = 30;
    int fill = static_cast<int>(frac * kWidth);
    std::string bar(static_cast<size_t>(kWidth), ' ');
    bar.replace(0, static_cast<size_t>(fill), static_cast<size_t>(fill), '=');
    char line[256];
    std::snprintf(line, sizeof line, "\r\x1b[2Kverify [%s] %3d%%  %s / %s  %s  ETA %s", bar.c_str(),
                  static_cast<int>(frac * 100), format_size(done).c_str(), format_size(total).c_str(),
                  format_rate(rate).c_str(), format_duration(eta).c_str());
    std::fputs(line, stderr);
    std::fflush(stderr);
  }

  void finish() {
    if (!enabled_ || !drawn_) return;
    std::fputs("\r\x1b[2K", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

int run_verify(const GlobalOptions& g) {
  stdfs::path root = cache_root(g);
  VerifyReport r;
  auto start = std::chrono::steady_clock::now();
  if (cache_exists(root)) {
    Cache cache(root);
    VerifyBar bar(!g.quiet && !g.json && stderr_is_tty());
    r = cache.verify([&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
    bar.finish();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int status = !r.corrupt.empty() ? exit_code(Errc::integrity) : !r.errors.empty() ? exit_code(Errc::io) : 0;

  if (g.json) {
    nlohmann::json corrupt = nlohmann::json::array();
    for (const auto& c : r.corrupt)
      corrupt.push_back({{"repo", c.repo.name},
                         {"type", std::string(to_string(c.repo.type))},
                         {"name", c.name},
                         {"actual", c.actual},
                         {"quarantined", c.quarantined.string()}});
    std::cout << json_text(nlohmann::json({{"blobs_checked", r.blobs_checked},
                                           {"bytes_checked", r.bytes_checked},
                                           {"skipped", r.skipped},
                                           {"corrupt", corrupt},
                                           {"errors", r.errors},
                                           {"seconds", seconds}}))
              << "\n";
    return status;
  }
  // Problems are printed even with --quiet: they are the essential result.
  for (const auto& c : r.corrupt)
    std::cout << "corrupt: " << c.repo.display() << " blobs/" << c.name << " (content hashes to " << c.actual << ")"
              << (c.quarantined.empty() ? "" : ", moved to " + c.quarantined.string()) << "\n";
  for (const auto& e : r.errors) std::cerr << "error: " << e << "\n";
  if (!g.quiet) {
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.1f s", seconds);
    std::cout << "Checked " << r.blobs_checked << " blob(s), " << format_size(r.bytes_checked) << " in " << rate;
    if (r.skipped) std::cout << " (" << r.skipped << " skipped: names that are not hashes)";
    std::cout << ": ";
    if (r.corrupt.empty() && r.errors.empty())
      std::cout << "all good\n";
    else
      std::cout << r.corrupt.size() << " corrupt, " << r.errors.size() << " unreadable\n";
    if (!r.corrupt.empty()) std::cout << "Run `hub pull` again for the affected repos to fetch them back.\n";
  }
  return status;
}

// --- hub cache reindex ---

int run_reindex(const GlobalOptions& g) {
  stdfs::path root = cache_root(g);
  if (!cache_exists(root)) {
    if (g.json)
      std::cout << json_text({{"repos", 0}, {"size", 0}}) << "\n";
    else if (!g.quiet)
      std::cerr << "no cache at " << root.string() << "\n";
    return 0;
  }
  auto start = std::chrono::steady_clock::now();
  Cache cache(root);
  cache.reindex();
  CacheListing listing = cache.listing();
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (g.json) {
    std::cout << json_text(
                     nlohmann::json({{"repos", listing.repos.size()}, {"size", listing.size}, {"milliseconds", ms}}))
              << "\n";
  } else if (!g.quiet) {
    std::cout << "Reindexed " << listing.repos.size() << " repo(s), " << format_size(listing.size) << " in "
              << static_cast<long>(ms) << " ms\n";
    for (const auto& w : listing.warnings) std::cerr << "warning: " << w << "\n";
  }
  return 0;
}

// --- hub cache gc ---

struct GcArgs {
  std::string max_size;
  bool dry_run = false;
};

int run_gc(const GcArgs& a, const GlobalOptions& g) {
  std::uint64_t budget = parse_byte_size(a.max_size);
  stdfs::path root = cache_root(g);
  GcReport r;
  r.dry_run = a.dry_run;
  r.max_bytes = budget;
  r.budget_met = true;
  if (cache_exists(root)) {
    Cache cache(root);
    r = cache.gc(budget, a.dry_run);
  }
  if (g.json) {
    nlohmann::json removed = nlohmann::json::array();
    for (const auto& x : r.removed)
      removed.push_back({{"repo", x.repo.name},
                         {"type", std::string(to_string(x.repo.type))},
                         {"commit", x.commit},
                         {"refs", x.refs},
                         {"last_used", x.last_used},
                         {"bytes_freed", x.bytes_freed},
                         {"blobs_removed", x.blobs_removed}});
    std::cout << json_text(nlohmann::json({{"dry_run", r.dry_run},
                                           {"max_size", r.max_bytes},
                                           {"size_before", r.size_before},
                                           {"size_after", r.size_after},
                                           {"bytes_freed", r.bytes_freed},
                                           {"blobs_removed", r.blobs_removed},
                                           {"snapshots_removed", removed},
                                           {"pinned_kept", r.pinned_kept},
                                           {"blobs_in_use", r.blobs_in_use},
                                           {"budget_met", r.budget_met}}))
              << "\n";
    return 0;
  }
  if (!g.quiet) {
    const char* verb = r.dry_run ? "would remove" : "removed";
    for (const auto& x : r.removed)
      std::cout << verb << " " << x.repo.display() << "@" << x.commit.substr(0, 12)
                << (x.refs.empty() ? "" : " (" + x.refs.front() + (x.refs.size() > 1 ? ", ..." : "") + ")")
                << ", last used " << time_ago(x.last_used) << ": " << format_size(x.bytes_freed) << "\n";
    std::cout << (r.dry_run ? "Would free " : "Freed ") << format_size(r.bytes_freed) << " (" << r.removed.size()
              << " snapshot(s), " << r.blobs_removed << " blob(s)); cache " << format_size(r.size_before) << " -> "
              << format_size(r.size_after) << ", budget " << format_size(r.max_bytes) << "\n";
    for (const auto& b : r.blobs_in_use) std::cerr << "kept (in use by a pull): " << b << "\n";
  }
  if (!r.budget_met)
    std::cerr << "warning: the cache is still over budget: " << r.pinned_kept
              << " pinned snapshot(s) are kept (hub cache unpin REPO@REV)\n";
  return 0;
}

// --- hub cache pin / unpin ---

struct PinArgs {
  std::string target;
  std::string repo_type = "model";
};

int run_pin(const PinArgs& a, const GlobalOptions& g, bool pin) {
  auto [repo, revision] = parse_target(a.target, a.repo_type);
  stdfs::path root = cache_root(g);
  if (!cache_exists(root))
    throw Error(Errc::not_cached, repo.display() + " is not in the cache (no cache at " + root.string() + ")");
  Cache cache(root);
  std::string rev = revision.value_or("main");
  std::string commit = pin ? cache.pin(repo, rev) : cache.unpin(repo, rev);
  if (g.json)
    std::cout << json_text(nlohmann::json({{"repo", repo.name},
                                           {"type", std::string(to_string(repo.type))},
                                           {"revision", rev},
                                           {"commit", commit},
                                           {"pinned", pin}}))
              << "\n";
  else if (!g.quiet)
    std::cout << (pin ? "Pinned " : "Unpinned ") << repo.display() << "@" << commit
              << (rev == commit ? "" : " (" + rev + ")") << "\n";
  return 0;
}

// --- hub cache prune ---

struct PruneArgs {
  std::string older_than = "1h";
  bool dry_run = false;
};

int run_prune(const PruneArgs& a, const GlobalOptions& g) {
  PruneOptions options;
  options.older_than_seconds = parse_duration_seconds(a.older_than);
  options.dry_run = a.dry_run;
  stdfs::path root = cache_root(g);
  PruneReport r;
  r.dry_run = a.dry_run;
  if (cache_exists(root)) {
    Cache cache(root);
    r = cache.prune(options);
  }
  int status = r.errors.empty() ? 0 : exit_code(Errc::io);
  if (g.json) {
    nlohmann::json removed = nlohmann::json::array();
    for (const auto& x : r.removed)
      removed.push_back({{"repo", x.repo.name},
                         {"type", std::string(to_string(x.repo.type))},
                         {"path", x.path},
                         {"kind", x.kind},
                         {"bytes", x.bytes}});
    std::cout << json_text(nlohmann::json({{"dry_run", r.dry_run},
                                           {"older_than", options.older_than_seconds},
                                           {"removed", removed},
                                           {"bytes_freed", r.bytes_freed},
                                           {"recent_kept", r.recent_kept},
                                           {"in_use", r.in_use},
                                           {"errors", r.errors}}))
              << "\n";
    return status;
  }
  for (const auto& e : r.errors) std::cerr << "error: " << e << "\n";
  if (!g.quiet) {
    const char* verb = r.dry_run ? "would remove" : "removed";
    for (const auto& x : r.removed)
      std::cout << verb << " " << x.repo.display() << " " << (x.path.empty() ? "(repo folder)" : x.path) << " ["
                << x.kind << "]" << (x.bytes ? " " + format_size(x.bytes) : "") << "\n";
    std::cout << (r.dry_run ? "Would free " : "Freed ") << format_size(r.bytes_freed) << " (" << r.removed.size()
              << " entries)";
    if (r.recent_kept) std::cout << "; " << r.recent_kept << " recent temporary file(s) kept";
    if (!r.in_use.empty()) std::cout << "; " << r.in_use.size() << " in use by a pull";
    std::cout << "\n";
  }
  return status;
}

// A subcommand with a one-line description (shown in `hub cache --help`) and details (shown in
// its own --help).
CLI::App* add_cache_subcommand(CLI::App& parent, const std::string& name, const std::string& summary,
                               const std::string& details, GlobalOptions& g) {
  CLI::App* cmd = parent.add_subcommand(name, summary);
  cmd->footer(details);
  add_cache_option(*cmd, g);
  add_output_options(*cmd, g);
  return cmd;
}

}  // namespace

void register_cache(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* cache = app.add_subcommand(
      "cache", "Inspect and manage the local cache (Hugging Face layout, shared with Python's huggingface_hub)");
  cache->require_subcommand(1);
  add_cache_option(*cache, g);

  CLI::App* ls = add_cache_subcommand(
      *cache, "ls", "List cached repos: size, files, revisions, refs, last use",
      "SIZE counts each distinct blob once; FILES is the number of distinct blobs; REFS are the branches, tags\n"
      "and refs/pr/N pointing at cached revisions. LAST USED is the last pull or load through libhub, else the\n"
      "newest file access time. Partial downloads (blobs/*.incomplete) are reported apart. Problems such as\n"
      "broken links or refs to missing snapshots are printed as warnings on stderr; they never fail the command.",
      g);
  ls->callback([&g, &action] { action = [&g] { return run_ls(g); }; });

  auto rm_args = std::make_shared<RmArgs>();
  CLI::App* rm = add_cache_subcommand(
      *cache, "rm", "Remove a repo, or one revision of it (REPO@REV), from the cache",
      "With REPO@REV (a commit, branch, tag or refs/pr/N) only that snapshot goes, with the refs pointing at it\n"
      "and the blobs no remaining snapshot uses. Without @REV, or when no snapshot is left, the whole repo folder\n"
      "goes. Exit status 3 when the repo or revision is not cached.",
      g);
  rm->add_option("repo", rm_args->target, "REPO or REPO@REVISION, e.g. org/name or org/name@main")->required();
  rm->add_option("--repo-type", rm_args->repo_type, "model, dataset or space")->capture_default_str();
  rm->callback([rm_args, &g, &action] { action = [rm_args, &g] { return run_rm(*rm_args, g); }; });

  CLI::App* verify = add_cache_subcommand(
      *cache, "verify", "Re-hash every blob and quarantine the corrupt ones",
      "Each blob is named by its hash: SHA-256 for LFS files, git blob SHA-1 for the rest. A blob whose bytes\n"
      "do not match is moved to <cache>/.libhub/quarantine/<repo folder>/ and listed; pull the repo again to\n"
      "fetch it back. Exit status 6 when corrupt blobs were found, 7 when some could not be read.",
      g);
  verify->callback([&g, &action] { action = [&g] { return run_verify(g); }; });

  CLI::App* reindex = add_cache_subcommand(
      *cache, "reindex", "Rebuild libhub's index of the cache from the files on disk",
      "The index (<cache>/.libhub/index.db) only mirrors the files and is kept in line with them on every\n"
      "command, so this is never needed for correctness; use it after restoring a backup or to reset\n"
      "verification times. Last-use times and pins are kept.",
      g);
  reindex->callback([&g, &action] { action = [&g] { return run_reindex(g); }; });

  auto gc_args = std::make_shared<GcArgs>();
  CLI::App* gc = add_cache_subcommand(
      *cache, "gc", "Shrink the cache to a size budget, least recently used snapshots first",
      "While the cache is larger than --max-size (its size as `hub cache ls` counts it), the least recently used\n"
      "unpinned snapshot goes: last use is the last pull or model load recorded by libhub (never the file access\n"
      "time), else the snapshot's newest file modification time. Its refs, .no_exist entries and the blobs no\n"
      "other snapshot of the repo uses go with it; pinned snapshots (hub cache pin) never go. Blobs a running\n"
      "pull holds or links meanwhile are kept. SIZE: bytes, or a number with a decimal unit (K, M, G, T, P, also\n"
      "KB, MB, GB...: powers of 1000) or a binary one (Ki, Mi, Gi, Ti, also KiB, MiB, GiB...: powers of 1024),\n"
      "e.g. 20G, 500M, 1.5GB, 2GiB.",
      g);
  gc->add_option("--max-size", gc_args->max_size, "size budget, e.g. 20G, 500M, 1.5GB, 2GiB")->required();
  gc->add_flag("--dry-run", gc_args->dry_run, "report what would be removed; change nothing");
  gc->callback([gc_args, &g, &action] { action = [gc_args, &g] { return run_gc(*gc_args, g); }; });

  for (bool pin : {true, false}) {
    auto pin_args = std::make_shared<PinArgs>();
    CLI::App* cmd = add_cache_subcommand(
        *cache, pin ? "pin" : "unpin",
        pin ? "Keep a snapshot (REPO[@REV]) from hub cache gc" : "Let hub cache gc remove a pinned snapshot again",
        "REV is a branch, tag, refs/pr/N or full commit of a cached snapshot; default: the commit `main` points to.\n"
        "The commit is pinned (a ref moving later does not move the pin). Pins are kept in the cache index and\n"
        "survive hub cache reindex; hub cache ls shows them. Exit status 3 when the snapshot is not cached.",
        g);
    cmd->add_option("repo", pin_args->target, "REPO or REPO@REVISION, e.g. org/name or org/name@v1")->required();
    cmd->add_option("--repo-type", pin_args->repo_type, "model, dataset or space")->capture_default_str();
    cmd->callback(
        [pin_args, pin, &g, &action] { action = [pin_args, pin, &g] { return run_pin(*pin_args, g, pin); }; });
  }

  auto prune_args = std::make_shared<PruneArgs>();
  CLI::App* prune = add_cache_subcommand(
      *cache, "prune", "Remove leftover temporary files, unreferenced blobs and empty folders",
      "Removes partial downloads (blobs/*.incomplete) and other temporary files older than --older-than (a pull\n"
      "resumes recent partial files, and one whose lock a running pull holds is never touched), blobs no snapshot\n"
      "of their repo links to, .no_exist and trees/ entries of commits with no snapshot, empty folders and repo\n"
      "folders left empty. DURATION: a number with s, m, h, d or w (default 1h).",
      g);
  prune->add_option("--older-than", prune_args->older_than, "grace period for temporary files, e.g. 1h, 30m, 2d")
      ->capture_default_str();
  prune->add_flag("--dry-run", prune_args->dry_run, "report what would be removed; change nothing");
  prune->callback([prune_args, &g, &action] { action = [prune_args, &g] { return run_prune(*prune_args, g); }; });
}

}  // namespace hub::cli
