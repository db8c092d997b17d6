// Checkpoint: one safetensors file, or the shards of a `*.safetensors.index.json`, each mapped
// once, with lookups by tensor name across them.
#include <fstream>

#include "formats/safetensors/parse.h"
#include "formats/safetensors/strict_json.h"
#include "hub/error.h"

namespace hub::safetensors {
namespace {

[[noreturn]] void invalid(const std::string& label, const std::string& why) {
  throw Error(Errc::invalid_input, label + ": " + why, ErrorContext{.path = label});
}

std::string read_index(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(Errc::io, path.string() + ": cannot read: " + ec.message(), ErrorContext{.path = path.string()});
  if (size > detail::kMaxIndexSize)
    invalid(path.string(), "the shard index has " + std::to_string(size) + " bytes, over the limit of " +
                               std::to_string(detail::kMaxIndexSize));
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size)))
    throw Error(Errc::io, path.string() + ": cannot read", ErrorContext{.path = path.string()});
  return text;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

struct Checkpoint::Impl {
  std::string label;
  std::vector<File> shards;
  // Tensor name -> (shard, tensor); the views point into `shards`' mappings.
  std::map<std::string, TensorView, std::less<>> tensors;
  std::map<std::string, std::string, std::less<>> metadata;
};

Checkpoint::Checkpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Checkpoint::Checkpoint(Checkpoint&&) noexcept = default;
Checkpoint& Checkpoint::operator=(Checkpoint&&) noexcept = default;
Checkpoint::~Checkpoint() = default;

Checkpoint Checkpoint::open(const std::filesystem::path& path) {
  auto impl = std::make_unique<Impl>();
  impl->label = path.string();
  if (!ends_with(path.filename().string(), ".json")) {
    impl->shards.push_back(File::open(path));
    for (const TensorView& t : impl->shards.front().tensors()) impl->tensors.emplace(std::string(t.name), t);
    return Checkpoint(std::move(impl));
  }

  detail::Index index = detail::parse_index(read_index(path), impl->label);
  impl->metadata = std::move(index.metadata);
  // Each shard once, in name order (deterministic errors), then every mapped tensor checked.
  std::map<std::string, std::size_t, std::less<>> shard_of;
  for (const auto& [tensor, shard] : index.weight_map) shard_of.emplace(shard, 0);
  impl->shards.reserve(shard_of.size());
  for (auto& [shard, i] : shard_of) {
    i = impl->shards.size();
    impl->shards.push_back(File::open(path.parent_path() / shard));
  }
  for (const auto& [tensor, shard] : index.weight_map) {
    const File& file = impl->shards[shard_of.at(shard)];
    auto view = file.find(tensor);
    if (!view)
      invalid(impl->label,
              "weight_map puts tensor " + detail::quote_name(tensor) + " in " + shard + ", which has no such tensor");
    impl->tensors.emplace(tensor, *view);
  }
  // Tensors a shard holds but the map does not list are still reachable (transformers loads whole
  // shards), unless two shards hold one: then the name is ambiguous.
  std::map<std::string, std::string, std::less<>> unlisted_in;
  for (const File& file : impl->shards) {
    for (const TensorView& t : file.tensors()) {
      if (index.weight_map.count(t.name)) continue;
      auto [it, fresh] = unlisted_in.emplace(std::string(t.name), file.label());
      if (!fresh)
        invalid(impl->label, "tensor " + detail::quote_name(it->first) + " is in both " + it->second + " and " +
                                 file.label() + " and the weight_map does not say which to use");
      impl->tensors.emplace(std::string(t.name), t);
    }
  }
  return Checkpoint(std::move(impl));
}

std::optional<TensorView> Checkpoint::find(std::string_view name) const {
  auto it = impl_->tensors.find(name);
  if (it == impl_->tensors.end()) return std::nullopt;
  return it->second;
}

TensorView Checkpoint::get(std::string_view name) const {
  if (auto t = find(name)) return *t;
  throw Error(Errc::invalid_input, impl_->label + ": the checkpoint has no tensor named '" + std::string(name) + "'",
              ErrorContext{.path = impl_->label});
}

std::vector<std::string_view> Checkpoint::names() const {
  std::vector<std::string_view> out;
  out.reserve(impl_->tensors.size());
  for (const auto& [name, view] : impl_->tensors) out.push_back(view.name);
  return out;
}

const std::vector<File>& Checkpoint::shards() const noexcept { return impl_->shards; }

const std::map<std::string, std::string, std::less<>>& Checkpoint::index_metadata() const noexcept {
  return impl_->metadata;
}

}  // namespace hub::safetensors
