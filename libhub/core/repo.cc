// Repo ids, revisions and repo paths: the validation rules of huggingface_hub and git.
#include "hub/repo.h"

#include <algorithm>
#include <cctype>

#include "hub/error.h"

namespace hub {
namespace {

bool is_hex_lower(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

[[noreturn]] void bad_repo_id(std::string_view id, std::string_view why) {
  throw Error(Errc::invalid_input, "invalid repo id '" + std::string(id) + "': " + std::string(why));
}

void validate_repo_id_part(std::string_view id, std::string_view part) {
  if (part.empty()) bad_repo_id(id, "empty namespace or name");
  if (part.size() > 96) bad_repo_id(id, "each part must be at most 96 characters");
  for (char c : part) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
      bad_repo_id(id, "only letters, digits, '_', '.' and '-' are allowed");
  }
  if (part.front() == '-' || part.front() == '.' || part.back() == '-' || part.back() == '.')
    bad_repo_id(id, "a part must not start or end with '-' or '.'");
  if (part.find("--") != std::string_view::npos || part.find("..") != std::string_view::npos)
    bad_repo_id(id, "'--' and '..' are not allowed");
}

}  // namespace

std::string_view to_string(RepoType type) noexcept {
  switch (type) {
    case RepoType::model: return "model";
    case RepoType::dataset: return "dataset";
    case RepoType::space: return "space";
  }
  return "model";
}

std::string_view plural(RepoType type) noexcept {
  switch (type) {
    case RepoType::model: return "models";
    case RepoType::dataset: return "datasets";
    case RepoType::space: return "spaces";
  }
  return "models";
}

RepoType parse_repo_type(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "model" || lower == "models") return RepoType::model;
  if (lower == "dataset" || lower == "datasets") return RepoType::dataset;
  if (lower == "space" || lower == "spaces") return RepoType::space;
  throw Error(Errc::invalid_input, "invalid repo type '" + std::string(text) + "': expected model, dataset or space");
}

RepoId RepoId::parse(std::string_view text, RepoType type) {
  std::string_view id = text;
  for (RepoType t : {RepoType::dataset, RepoType::space, RepoType::model}) {
    std::string prefix = std::string(plural(t)) + "/";
    // "datasets/org/name" names a dataset; "models/x" stays a one-segment model named "models/x"
    // only if it has a second slash, which validation then rejects.
    if (t != RepoType::model && starts_with_ci(id, prefix) && std::count(id.begin(), id.end(), '/') >= 1 &&
        id.size() > prefix.size()) {
      std::string_view rest = id.substr(prefix.size());
      if (std::count(rest.begin(), rest.end(), '/') <= 1) {
        type = t;
        id = rest;
        break;
      }
    }
  }
  if (id.empty()) bad_repo_id(text, "it is empty");
  if (id.size() > 4 && id.substr(id.size() - 4) == ".git") bad_repo_id(text, "it must not end with '.git'");
  auto slash = id.find('/');
  if (slash == std::string_view::npos) {
    validate_repo_id_part(text, id);
  } else {
    if (id.find('/', slash + 1) != std::string_view::npos)
      bad_repo_id(text, "expected 'namespace/name' (at most one '/')");
    validate_repo_id_part(text, id.substr(0, slash));
    validate_repo_id_part(text, id.substr(slash + 1));
  }
  return RepoId{type, std::string(id)};
}

std::string RepoId::folder_name() const {
  std::string out(plural(type));
  out += "--";
  for (char c : name) {
    if (c == '/')
      out += "--";
    else
      out += c;
  }
  return out;
}

std::optional<RepoId> RepoId::from_folder_name(std::string_view folder) {
  auto sep = folder.find("--");
  if (sep == std::string_view::npos) return std::nullopt;
  std::string_view kind = folder.substr(0, sep);
  RepoType type;
  if (kind == "models")
    type = RepoType::model;
  else if (kind == "datasets")
    type = RepoType::dataset;
  else if (kind == "spaces")
    type = RepoType::space;
  else
    return std::nullopt;
  std::string name;
  std::string_view rest = folder.substr(sep + 2);
  size_t pos = 0;
  while (true) {
    auto next = rest.find("--", pos);
    if (next == std::string_view::npos) {
      name.append(rest.substr(pos));
      break;
    }
    name.append(rest.substr(pos, next - pos));
    name += '/';
    pos = next + 2;
  }
  try {
    return RepoId::parse(name, type);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string RepoId::url_prefix() const {
  if (type == RepoType::model) return {};
  return std::string(plural(type)) + "/";
}

std::string RepoId::display() const { return url_prefix() + name; }

bool is_commit_hash(std::string_view revision) noexcept { return revision.size() == 40 && is_hex_lower(revision); }

bool is_sha256(std::string_view text) noexcept { return text.size() == 64 && is_hex_lower(text); }

void validate_revision(std::string_view revision) {
  auto bad = [&](std::string_view why) {
    throw Error(Errc::invalid_input, "invalid revision '" + std::string(revision) + "': " + std::string(why));
  };
  if (revision.empty()) bad("it is empty");
  if (revision.size() > 255) bad("it is longer than 255 characters");
  if (revision.rfind("refs/pr/", 0) == 0) {
    std::string_view n = revision.substr(8);
    if (n.empty() || !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }))
      bad("a pull-request ref is 'refs/pr/<number>'");
    return;
  }
  // git check-ref-format rules for the name part.
  if (revision.front() == '/' || revision.back() == '/') bad("it must not start or end with '/'");
  if (revision.front() == '-') bad("it must not start with '-'");
  if (revision.back() == '.') bad("it must not end with '.'");
  if (revision.find("//") != std::string_view::npos) bad("it must not contain '//'");
  if (revision.find("..") != std::string_view::npos) bad("it must not contain '..'");
  if (revision.find("@{") != std::string_view::npos) bad("it must not contain '@{'");
  if (revision == "@") bad("'@' alone is not a revision");
  for (char c : revision) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' || c == '*' || c == '[' ||
        c == '\\')
      bad("it contains a character git does not allow in ref names");
  }
  size_t start = 0;
  while (start <= revision.size()) {
    auto end = revision.find('/', start);
    std::string_view part =
        revision.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!part.empty() && part.front() == '.') bad("a component must not start with '.'");
    if (part.size() >= 5 && part.substr(part.size() - 5) == ".lock") bad("a component must not end with '.lock'");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

void validate_repo_path(std::string_view path, std::string_view what) {
  auto bad = [&](std::string_view why) {
    throw Error(Errc::invalid_input,
                "unsafe path '" + std::string(path) + "' in " + std::string(what) + ": " + std::string(why));
  };
  if (path.empty()) bad("it is empty");
  if (path.size() > 4096) bad("it is longer than 4096 bytes");
  if (path.front() == '/') bad("absolute paths are not allowed");
  if (path.size() >= 2 && path[1] == ':') bad("drive-letter paths are not allowed");
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) bad("control characters are not allowed");
    if (c == '\\') bad("backslashes are not allowed");
  }
  size_t start = 0;
  while (true) {
    auto end = path.find('/', start);
    std::string_view part = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (part.empty()) bad("empty path segments are not allowed");
    if (part == "." || part == "..") bad("'.' and '..' segments are not allowed");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

}  // namespace hub
