// Fuzz target for the cache's listing snapshot decoder (.libhub/listing.bin, cache/listing_snapshot.h).
// The file is libhub's own, but it lives in a shared cache folder: a torn write, a disk error or
// another program may leave anything there. Arbitrary bytes must decode or be refused (nullopt),
// never crash or throw; a snapshot that decodes must encode back to the very same bytes (the
// format has one encoding per listing), so nothing is silently dropped or altered.
//
// Built two ways (tests/fuzz/CMakeLists.txt): with libFuzzer under clang (-DHUB_FUZZ=ON), and
// with replay_main.cc as a plain program that feeds it the seed corpus in every build.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cache/listing_snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto snapshot = hub::cache::decode_listing_snapshot(bytes);
  if (!snapshot) return 0;
  auto listing = hub::cache::decode_listing(*snapshot, "/fuzz/cache");
  if (!listing) return 0;
  const std::string again = hub::cache::encode_listing_snapshot(snapshot->token, snapshot->root_mtime_ns,
                                                                snapshot->root_warnings, snapshot->repos, *listing);
  if (again != bytes) std::abort();
  return 0;
}
