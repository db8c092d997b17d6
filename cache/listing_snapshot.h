// The listing snapshot (internal): what `hub cache ls` prints, kept next to the index as one file
// (.libhub/listing.bin) with the stamps that prove it current.
//
// Reading 10,000 repos from the tables row by row (their stamps, then the listing's repos,
// snapshots, refs and partial downloads) cost more than checking the stamps themselves. The
// snapshot holds the same data in one mapped file: a token, the root folder's time, the root
// warnings, each repo's folder, dirty flag and stamps (first, so that checking can start before
// the rest is decoded), then each repo's listing row. The index names the valid snapshot by its
// token, and any write to the tables it was built from drops that row (triggers,
// cache/index_schema.cc): a snapshot whose token the index holds matches the tables, and its
// stamps then say whether the tables still match the disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hub/cache.h"

namespace hub::cache {

// One repo's stamps as the tables hold them (see Index::reconcile).
struct SnapshotStamps {
  std::string_view folder;  // "models--org--name"
  std::string_view stamps;  // encode_stamps() text
  bool dirty = false;       // marked for rescan by a writer
};

// A decoded snapshot: views into the blob it was decoded from, which must outlive it.
struct ListingSnapshot {
  std::string_view token;          // which snapshot this is (the index holds the valid one's)
  std::int64_t root_mtime_ns = 0;  // the cache root's time when it was last read (0 = untrusted)
  std::vector<std::string> root_warnings;
  std::vector<SnapshotStamps> repos;  // sorted by folder, as the listing
  std::string_view listing;           // the encoded listing rows, for decode_listing()
};

// Encodes a snapshot. `repos` and `listing` are parallel (the same repos in the same order).
std::string encode_listing_snapshot(std::string_view token, std::int64_t root_mtime_ns,
                                    std::span<const std::string> root_warnings, std::span<const SnapshotStamps> repos,
                                    std::span<const CachedRepo> listing);

// Decodes the header and the stamps; nullopt when the blob is malformed or from another format.
std::optional<ListingSnapshot> decode_listing_snapshot(std::string_view blob);

// The listing rows of a decoded snapshot, with paths under `root`; nullopt when malformed.
std::optional<std::vector<CachedRepo>> decode_listing(const ListingSnapshot& snapshot,
                                                      const std::filesystem::path& root);

}  // namespace hub::cache
