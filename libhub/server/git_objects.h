// Git object ids for served snapshots, computed with libgit2 in memory (internal).
//
// Trees and commits are written to an in-memory object database (mempack), never to disk. Blob
// contents are not loaded at all: the caller already hashed them, and a small "known blobs" ODB
// backend vouches for their ids so libgit2's tree builder accepts them. The served folder is
// only ever read.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace hub::server {

struct GitBlobRef {
  std::string path;      // repo-relative, '/'-separated
  std::string blob_oid;  // 40 hex
};

struct GitTrees {
  std::string root;                                   // root tree id
  std::unordered_map<std::string, std::string> dirs;  // directory path -> tree id
  std::string commit;                                 // empty unless requested
};

// The message of every commit hub serve creates for a folder; its first line is the title.
inline constexpr const char* kFolderCommitMessage = "libhub: folder snapshot\n";
inline constexpr const char* kFolderCommitTitle = "libhub: folder snapshot";

// Builds the tree of `files` (mode 100644 for every blob, as the Hub does) and, when
// `make_commit` is set, a parentless commit with author and committer
// "libhub <libhub@localhost>" at time 0 +0000 and kFolderCommitMessage.
// Throws Errc::invalid_input for a name git cannot store, Errc::internal for other failures.
GitTrees build_git_trees(const std::vector<GitBlobRef>& files, bool make_commit);

}  // namespace hub::server
