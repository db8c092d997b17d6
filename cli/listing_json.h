// `hub cache ls --json`: the listing as JSON text, written directly.
#pragma once

#include <string>
#include <vector>

#include "hub/cache.h"

namespace hub::cli {

// Exactly what nlohmann::json's dump(2) prints for the array of repo objects (keys sorted, as its
// std::map objects hold them; strings escaped and numbers formatted by nlohmann itself wherever
// they are not plain), plus a final newline. Building one nlohmann tree per repo cost more than
// listing the cache.
std::string listing_json(const std::vector<CachedRepo>& repos);

}  // namespace hub::cli
