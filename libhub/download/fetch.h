// One verified file transfer (internal): streams a URL into a temporary file, hashing every byte
// as it is written (no second pass), resuming with Range after transport errors, and checking
// size and hash at the end.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/fs.h"
#include "core/hashing.h"
#include "http/client.h"

namespace hub::download {

struct FetchTarget {
  std::string url;
  std::string what;           // "config.json of org/name", for messages
  std::string expected_hash;  // sha256 (LFS) or git blob sha1
  HashKind kind = HashKind::git_sha1;
  std::uint64_t size = 0;
};

// The first byte position of a 206's `Content-Range: bytes a-b/total`; nullopt when absent or
// malformed.
std::optional<std::uint64_t> content_range_start(const http::Headers& headers);

// Called with the number of new bytes written.
using FetchProgress = std::function<void(std::uint64_t new_bytes)>;

// Fills `tmp` (which must be empty) with the verified content. Throws Errc::integrity on a size
// or hash mismatch (the temporary file is left for the caller's RAII to remove), the api errors
// for HTTP error statuses, Errc::network/timeout after the retries, Errc::cancelled when
// `cancel` becomes true.
void fetch_verified(http::Client& client, const FetchTarget& target, fs::TempFile& tmp, const FetchProgress& progress,
                    const std::atomic<bool>& cancel);

}  // namespace hub::download
