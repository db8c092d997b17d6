// The few model-card fields repo info reports (internal): the YAML front matter of README.md,
// read with a deliberately small parser (top-level `key: value` scalars and `tags:` lists).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hub::server {

struct CardMeta {
  std::optional<std::string> pipeline_tag;
  std::optional<std::string> library_name;
  std::optional<std::string> license;
  std::optional<std::string> sdk;  // spaces
  std::vector<std::string> tags;
};

// Parses the front matter of a model card's text; empty when there is none.
CardMeta parse_card(std::string_view text);
// Reads at most the first 64 KiB of `readme`; empty on any error.
CardMeta read_card(const std::filesystem::path& readme);

}  // namespace hub::server
