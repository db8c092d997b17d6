// JSON text as Python's json.dumps writes it (internal): ", " and ": " separators, non-ASCII
// escaped as \uXXXX (surrogate pairs beyond the BMP), floats in their shortest round-trip form.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace hub::pipelines {

// Keys keep insertion order (ordered_json), as the dicts transformers builds do.
std::string python_dumps(const nlohmann::ordered_json& value);

}  // namespace hub::pipelines
