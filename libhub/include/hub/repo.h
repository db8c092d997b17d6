// hub/repo.h: repo types, repo ids and revisions, validated the way the Hub validates them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hub {

enum class RepoType { model, dataset, space };

// "model", "dataset", "space".
std::string_view to_string(RepoType type) noexcept;
// "models", "datasets", "spaces": the API path segment and cache folder prefix.
std::string_view plural(RepoType type) noexcept;
// Accepts the singular or plural name, case-insensitively. Throws Errc::invalid_input.
RepoType parse_repo_type(std::string_view text);

// A repo: its type and its id ("namespace/name", or a legacy one-segment "name").
struct RepoId {
  RepoType type = RepoType::model;
  std::string name;

  // Validates `text` (at most one '/', parts of [A-Za-z0-9_.-], 1..96 chars, no leading or
  // trailing '-' or '.', no "--" or "..", no ".git" suffix). A "datasets/" or "spaces/" prefix
  // in `text` sets the type. Throws Errc::invalid_input naming the rule that failed.
  static RepoId parse(std::string_view text, RepoType type = RepoType::model);

  // Cache folder name: "models--org--name".
  std::string folder_name() const;
  // Inverse of folder_name(); nullopt when `folder` is not a valid repo folder name.
  static std::optional<RepoId> from_folder_name(std::string_view folder);
  // Web path prefix: "" for models, "datasets/" or "spaces/" otherwise.
  std::string url_prefix() const;
  // "org/name" for models, "datasets/org/name" otherwise (how users and logs name a repo).
  std::string display() const;

  friend bool operator==(const RepoId&, const RepoId&) = default;
};

// True for exactly 40 lowercase hex characters.
bool is_commit_hash(std::string_view revision) noexcept;
// True for exactly 64 lowercase hex characters.
bool is_sha256(std::string_view text) noexcept;

// Validates a revision: a branch or tag name under git's ref-name rules, a 40-hex commit, or
// "refs/pr/<N>" / "refs/convert/<name>". Throws Errc::invalid_input.
void validate_revision(std::string_view revision);

// Validates a repo-relative file path from a server or a user: '/'-separated, not empty, not
// absolute, no empty, "." or ".." segment, no backslash, no control character. Throws
// Errc::invalid_input with `what` naming where the path came from.
void validate_repo_path(std::string_view path, std::string_view what);

}  // namespace hub
