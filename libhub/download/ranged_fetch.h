// Parallel byte ranges within one file (internal): several connections fill a PartialFile in
// place while the hash advances over the contiguous prefix, from memory, in order.
#pragma once

#include <atomic>
#include <cstdint>

#include "download/fetch.h"
#include "download/partial_file.h"

namespace hub::download {

struct RangedOptions {
  int connections = 8;  // concurrent ranges for this file
  // Completed chunks kept in memory ahead of the hash, per connection (bounds memory to about
  // connections * window_per_connection * chunk size).
  int window_per_connection = 2;
};

// Fills `file` (chunks already marked done by an earlier run are kept and re-read once for the
// hash) with the verified content, then leaves it ready for commit(). A server that ignores
// Range (answers 200) is read as one stream instead. Errors as fetch_verified(); on
// Errc::integrity the file has been discarded, on other errors it is kept for a later resume.
void fetch_ranged(http::Client& client, const FetchTarget& target, PartialFile& file, const RangedOptions& options,
                  const FetchProgress& progress, const std::atomic<bool>& cancel);

}  // namespace hub::download
