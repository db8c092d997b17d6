// The shard index of a sharded checkpoint (`model.safetensors.index.json`, as transformers
// writes it): {"metadata": {...}, "weight_map": {"tensor": "shard file", ...}}.
#include "formats/safetensors/parse.h"
#include "formats/safetensors/strict_json.h"
#include "hub/error.h"

namespace hub::safetensors::detail {
namespace {

// metadata values may be small objects in some writers; nothing legitimate nests deeper.
constexpr int kIndexDepth = 8;

[[noreturn]] void fail(std::string_view label, const std::string& why) {
  throw Error(Errc::invalid_input, std::string(label) + ": " + why, ErrorContext{.path = std::string(label)});
}

// Shard paths are joined to the index's folder: only plain relative paths may stay inside it.
void check_shard_path(std::string_view label, const std::string& tensor, const std::string& shard) {
  auto bad = [&](const char* why) {
    fail(label, "weight_map entry " + quote_name(tensor) + " names the shard " + quote_name(shard) + ", which " + why +
                    " (shards must be files beside the index)");
  };
  if (shard.empty()) bad("is empty");
  if (shard.find('\0') != std::string::npos) bad("contains a NUL byte");
  if (shard.find('\\') != std::string::npos) bad("contains a backslash");
  if (shard.front() == '/') bad("is an absolute path");
  std::size_t start = 0;
  while (start <= shard.size()) {
    std::size_t slash = shard.find('/', start);
    if (slash == std::string::npos) slash = shard.size();
    std::string_view seg(shard.data() + start, slash - start);
    if (seg.empty()) bad("has an empty path segment");
    if (seg == "." || seg == "..") bad("has a '.' or '..' segment");
    start = slash + 1;
  }
}

}  // namespace

Index parse_index(std::string_view text, std::string_view label) {
  nlohmann::json j = parse_strict(text, kIndexDepth, label, "shard index");
  if (!j.is_object()) fail(label, "the shard index must be a JSON object, found " + std::string(j.type_name()));
  Index index;
  auto map = j.find("weight_map");
  if (map == j.end()) fail(label, "missing \"weight_map\" (tensor name -> shard file)");
  if (!map->is_object()) fail(label, "\"weight_map\" must be an object, found " + std::string(map->type_name()));
  for (const auto& [tensor, shard] : map->items()) {
    if (!shard.is_string())
      fail(label, "weight_map entry " + quote_name(tensor) + " must name a shard file, found " + shard.type_name());
    const auto& file = shard.get_ref<const std::string&>();
    check_shard_path(label, tensor, file);
    index.weight_map.emplace(tensor, file);
  }
  if (auto meta = j.find("metadata"); meta != j.end() && !meta->is_null()) {
    if (!meta->is_object()) fail(label, "\"metadata\" must be an object, found " + std::string(meta->type_name()));
    for (const auto& [key, value] : meta->items())
      index.metadata.emplace(key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return index;
}

}  // namespace hub::safetensors::detail
