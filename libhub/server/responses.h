// Response bodies and error replies in the Hub's wire format (internal): tree entries, repo info,
// refs, and errors with X-Error-Code / X-Error-Message headers plus a JSON {"error": ...} body.
#pragma once

#include <string>
#include <string_view>

#include "server/http_types.h"
#include "server/served_repo.h"

namespace hub::server {

// Hub error classes (§4.1).
inline constexpr std::string_view kRepoNotFound = "RepoNotFound";
inline constexpr std::string_view kRevisionNotFound = "RevisionNotFound";
inline constexpr std::string_view kEntryNotFound = "EntryNotFound";
inline constexpr const char* kInvalidCredentials = "Invalid credentials in Authorization header";

// A JSON error reply; `code` goes to X-Error-Code (omitted when empty), `message` to
// X-Error-Message (control characters replaced) and to the body's "error".
Reply error_reply(int status, std::string_view code, std::string_view message);
// A 200 JSON reply.
Reply json_reply(std::string body, int status = 200);

// One tree / paths-info entry; `expand` adds lastCommit (the snapshot's commit).
std::string entry_json(const Entry& e, const Snapshot& snap, bool expand);

// Repo info (§2.1) at `snap`; `blobs` adds size, blobId and lfs to siblings.
std::string repo_info_json(const RepoView& repo, const Snapshot& snap, bool blobs);

// Refs (§2.2); pullRequests only when asked for.
std::string refs_json(const RepoView& repo, bool include_prs);

// A value safe to put in an HTTP header: no CR, LF or other control characters.
std::string header_safe(std::string_view value);

// Content-Type for a served file, by extension.
std::string_view content_type_for(std::string_view path);

}  // namespace hub::server
