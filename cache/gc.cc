// hub::Cache::gc, pin and unpin: garbage collection of least recently used snapshots to a size
// budget, and the pins that exempt snapshots from it. Also the size and duration parsers of
// `--max-size` and `--older-than`.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "cache/index.h"
#include "cache/layout.h"
#include "cache/maintenance.h"
#include "core/strings.h"
#include "hub/cache.h"
#include "hub/error.h"

namespace hub {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "1.5" followed by a unit; nullopt when the number part is malformed.
bool split_number(std::string_view text, double& value, std::string& unit) {
  std::string t(trim(text));
  std::size_t i = 0;
  bool digits = false;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, digits = true;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, digits = true;
  }
  if (!digits) return false;
  try {
    value = std::stod(t.substr(0, i));
  } catch (const std::exception&) {
    return false;
  }
  unit = lower(trim(std::string_view(t).substr(i)));
  return std::isfinite(value) && value >= 0;
}

struct Candidate {
  std::size_t repo = 0;  // index into the listing
  std::size_t rev = 0;
  double key = 0;  // last use, else last modification
};

}  // namespace

std::uint64_t parse_byte_size(std::string_view text) {
  double value = 0;
  std::string unit;
  auto bad = [&] {
    return Error(Errc::invalid_input, "invalid size '" + std::string(text) +
                                          "': expected a number with an optional unit, e.g. 20G, 500M, 1.5GB, "
                                          "2GiB or a number of bytes");
  };
  if (!split_number(text, value, unit)) throw bad();
  static const std::map<std::string, double> units = {{"", 1},
                                                      {"b", 1},
                                                      {"k", 1e3},
                                                      {"kb", 1e3},
                                                      {"ki", 1024.0},
                                                      {"kib", 1024.0},
                                                      {"m", 1e6},
                                                      {"mb", 1e6},
                                                      {"mi", 1048576.0},
                                                      {"mib", 1048576.0},
                                                      {"g", 1e9},
                                                      {"gb", 1e9},
                                                      {"gi", 1073741824.0},
                                                      {"gib", 1073741824.0},
                                                      {"t", 1e12},
                                                      {"tb", 1e12},
                                                      {"ti", 1099511627776.0},
                                                      {"tib", 1099511627776.0},
                                                      {"p", 1e15},
                                                      {"pb", 1e15},
                                                      {"pi", 1125899906842624.0},
                                                      {"pib", 1125899906842624.0}};
  auto it = units.find(unit);
  if (it == units.end()) throw bad();
  double bytes = std::floor(value * it->second);
  if (bytes >= 1.8e19) throw Error(Errc::invalid_input, "size '" + std::string(text) + "' is too large");
  return static_cast<std::uint64_t>(bytes);
}

double parse_duration_seconds(std::string_view text) {
  double value = 0;
  std::string unit;
  static const std::map<std::string, double> units = {{"", 1},     {"s", 1},     {"m", 60},    {"min", 60},
                                                      {"h", 3600}, {"d", 86400}, {"w", 604800}};
  auto it = units.end();
  if (split_number(text, value, unit)) it = units.find(unit);
  if (it == units.end())
    throw Error(Errc::invalid_input, "invalid duration '" + std::string(text) +
                                         "': expected a number with s, m, h, d or w, e.g. 1h, 30m, 2d");
  return value * it->second;
}

GcReport Cache::gc(std::uint64_t max_bytes, bool dry_run) {
  GcReport report;
  report.dry_run = dry_run;
  report.max_bytes = max_bytes;
  std::vector<CachedRepo> repos = index_->reconciled_listing();

  // What each snapshot uses, and how many snapshots of its repo use each blob.
  std::unordered_map<std::string, std::size_t> slot;  // folder -> repo index
  for (std::size_t i = 0; i < repos.size(); ++i) slot.emplace(repos[i].repo.folder_name(), i);
  // (repo, commit) -> [(key, size)]
  std::map<std::pair<std::size_t, std::string>, std::vector<std::pair<std::string, std::uint64_t>>> uses;
  std::map<std::pair<std::size_t, std::string>, std::size_t> users;  // (repo, key) -> snapshots
  for (auto& u : index_->snapshot_uses()) {
    auto it = slot.find(u.folder);
    if (it == slot.end()) continue;
    users[{it->second, u.key}] += 1;
    uses[{it->second, u.commit}].emplace_back(std::move(u.key), u.size);
  }

  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < repos.size(); ++i) {
    report.size_before += repos[i].size;
    for (std::size_t j = 0; j < repos[i].revisions.size(); ++j) {
      const auto& rev = repos[i].revisions[j];
      if (rev.pinned) {
        ++report.pinned_kept;
        continue;
      }
      candidates.push_back({i, j, rev.last_used > 0 ? rev.last_used : rev.last_modified});
    }
  }
  std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    if (a.key != b.key) return a.key < b.key;
    const auto& fa = repos[a.repo].path;
    const auto& fb = repos[b.repo].path;
    if (fa != fb) return fa < fb;
    return repos[a.repo].revisions[a.rev].commit < repos[b.repo].revisions[b.rev].commit;
  });

  // The plan: LRU first until the total fits. A snapshot frees the blobs no other remaining
  // snapshot of its repo uses (blobs are per repo in the Hugging Face layout).
  std::uint64_t total = report.size_before;
  for (const auto& c : candidates) {
    if (total <= max_bytes) break;
    const CachedRepo& repo = repos[c.repo];
    const CachedRevision& rev = repo.revisions[c.rev];
    GcRemoval r;
    r.repo = repo.repo;
    r.commit = rev.commit;
    r.refs = rev.refs;
    r.last_used = c.key;
    auto it = uses.find({c.repo, rev.commit});
    if (it != uses.end()) {
      for (const auto& [key, size] : it->second) {
        auto& n = users[{c.repo, key}];
        if (n > 0 && --n == 0) {
          r.bytes_freed += size;
          ++r.blobs_removed;
        }
      }
    }
    total -= std::min(total, r.bytes_freed);
    report.removed.push_back(std::move(r));
  }

  if (dry_run) {
    for (const auto& r : report.removed) {
      report.bytes_freed += r.bytes_freed;
      report.blobs_removed += r.blobs_removed;
    }
    report.size_after = total;
    report.budget_met = total <= max_bytes;
    return report;
  }

  // Carry it out, checking the disk again for each snapshot: another process may have removed
  // or pinned it since the plan.
  std::vector<GcRemoval> done;
  std::set<std::string> emptied;  // repo folders that lost their last snapshot
  for (auto& r : report.removed) {
    std::error_code ec;
    if (!std::filesystem::is_directory(cache::snapshot_dir(root_, r.repo, r.commit), ec)) continue;
    if (index_->is_pinned(r.repo, r.commit)) continue;
    cache::BlobDeletion d = cache::drop_snapshots(root_, *index_, r.repo, {r.commit});
    r.bytes_freed = d.bytes_freed;
    r.blobs_removed = d.blobs_removed;
    for (const auto& name : d.in_use) report.blobs_in_use.push_back(r.repo.display() + ": " + name);
    report.bytes_freed += d.bytes_freed;
    report.blobs_removed += d.blobs_removed;
    emptied.insert(r.repo.folder_name());
    done.push_back(std::move(r));
  }
  report.removed = std::move(done);
  // A repo with no snapshot left loses its empty folders (blobs it still holds stay for prune).
  for (const auto& folder : emptied) {
    std::filesystem::path dir = root_ / folder;
    std::error_code ec;
    bool none_left = std::filesystem::is_empty(dir / "snapshots", ec) || ec;
    if (!none_left) continue;
    cache::remove_empty_dirs(dir, {});
    if (!std::filesystem::exists(dir, ec)) {
      if (auto repo = RepoId::from_folder_name(folder)) index_->forget_repo(*repo);
    }
  }

  report.size_after = 0;
  for (const auto& r : index_->reconciled_listing()) report.size_after += r.size;
  report.budget_met = report.size_after <= max_bytes;
  return report;
}

namespace {

std::string pin_target(Cache& cache, cache::Index& index, const RepoId& repo, std::string_view revision) {
  std::error_code ec;
  if (!std::filesystem::is_directory(cache::repo_dir(cache.root(), repo), ec))
    throw Error(Errc::not_cached, repo.display() + " is not in the cache");
  std::optional<std::string> commit = cache.resolve_revision(repo, revision);
  if (!commit)
    throw Error(Errc::not_cached, "revision '" + std::string(revision) + "' of " + repo.display() +
                                      " is not in the cache (no ref of that name)");
  if (!std::filesystem::is_directory(cache::snapshot_dir(cache.root(), repo, *commit), ec))
    throw Error(Errc::not_cached,
                "revision '" + std::string(revision) + "' of " + repo.display() + " is not in the cache" +
                    (is_commit_hash(revision) ? "" : " (it points to " + *commit + ", which has no snapshot)"));
  index.reconcile();  // so that the snapshot has its row
  return *commit;
}

}  // namespace

std::string Cache::pin(const RepoId& repo, std::string_view revision) {
  std::string commit = pin_target(*this, *index_, repo, revision);
  if (!index_->set_pinned(repo, commit, true))
    throw Error(Errc::not_cached, "snapshot " + commit + " of " + repo.display() + " is not indexed");
  return commit;
}

std::string Cache::unpin(const RepoId& repo, std::string_view revision) {
  std::string commit = pin_target(*this, *index_, repo, revision);
  index_->set_pinned(repo, commit, false);
  return commit;
}

}  // namespace hub
