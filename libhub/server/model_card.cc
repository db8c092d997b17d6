#include "server/model_card.h"

#include <fstream>

#include "core/strings.h"

namespace hub::server {
namespace {

std::string unquote(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
  return std::string(v);
}

}  // namespace

CardMeta parse_card(std::string_view text) {
  CardMeta meta;
  if (text.substr(0, 3) != "---") return meta;
  std::vector<std::string> lines = split(text, '\n');
  bool in_tags = false;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line) == "---") break;
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == ' ' || line.front() == '-') {  // continuation of the previous key
      std::string_view item = trim(line);
      if (in_tags && !item.empty() && item.front() == '-') meta.tags.push_back(unquote(item.substr(1)));
      continue;
    }
    in_tags = false;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = trim(line.substr(0, colon));
    std::string value = unquote(line.substr(colon + 1));
    if (key == "tags") {
      in_tags = value.empty();
      if (!value.empty()) {  // inline list: [a, b]
        std::string_view v = value;
        if (v.front() == '[' && v.back() == ']') v = v.substr(1, v.size() - 2);
        for (const std::string& t : split(v, ','))
          if (!trim(t).empty()) meta.tags.push_back(unquote(t));
      }
    } else if (value.empty()) {
      continue;
    } else if (key == "pipeline_tag") {
      meta.pipeline_tag = value;
    } else if (key == "library_name") {
      meta.library_name = value;
    } else if (key == "license") {
      meta.license = value;
    } else if (key == "sdk") {
      meta.sdk = value;
    }
  }
  return meta;
}

CardMeta read_card(const std::filesystem::path& readme) {
  std::ifstream in(readme, std::ios::binary);
  if (!in) return {};
  std::string text(64 * 1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_card(text);
}

}  // namespace hub::server
