// The writer: the same bytes the reference's serialize() produces for the same tensors.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "core/fs.h"
#include "core/strings.h"
#include "formats/safetensors/parse.h"
#include "formats/safetensors/strict_json.h"
#include "hub/error.h"

namespace hub::safetensors {
namespace {

[[noreturn]] void invalid(const std::string& why) { throw Error(Errc::invalid_input, "safetensors writer: " + why); }

std::uint64_t byte_size(const TensorData& t) {
  std::uint64_t n = 1;
  for (std::uint64_t d : t.shape)
    if (__builtin_mul_overflow(n, d, &n)) invalid("tensor " + detail::quote_name(t.name) + ": shape overflows 64 bits");
  std::uint64_t bits = 0;
  if (__builtin_mul_overflow(n, std::uint64_t{bit_size(t.dtype)}, &bits))
    invalid("tensor " + detail::quote_name(t.name) + ": shape overflows 64 bits");
  if (bits % 8 != 0)
    invalid("tensor " + detail::quote_name(t.name) + ": " + std::to_string(n) + " elements of " +
            std::string(to_string(t.dtype)) + " do not fill whole bytes");
  return bits / 8;
}

// The tensors in file order, and the length-prefixed, padded header.
struct Prepared {
  std::vector<const TensorData*> order;
  std::string head;
};

Prepared prepare(std::span<const TensorData> tensors, const std::map<std::string, std::string>& metadata) {
  Prepared p;
  std::set<std::string_view> names;
  for (const TensorData& t : tensors) {
    if (t.name.empty()) invalid("a tensor has an empty name");
    if (t.name == "__metadata__") invalid("\"__metadata__\" is reserved and cannot name a tensor");
    if (!detail::is_utf8(t.name)) invalid("tensor name " + detail::quote_name(t.name) + " is not valid UTF-8");
    if (!names.insert(t.name).second) invalid("two tensors are named " + detail::quote_name(t.name));
    std::uint64_t need = byte_size(t);
    if (t.data.size() != need)
      invalid("tensor " + detail::quote_name(t.name) + ": " + std::to_string(t.data.size()) + " bytes given, shape x " +
              std::string(to_string(t.dtype)) + " needs " + std::to_string(need));
    p.order.push_back(&t);
  }
  for (const auto& [k, v] : metadata)
    if (!detail::is_utf8(k) || !detail::is_utf8(v))
      invalid("metadata entry " + detail::quote_name(k) + " is not valid UTF-8");

  // Larger elements first, then by name: every tensor starts aligned to its element size (the
  // Dtype enum is in the reference's increasing-alignment order).
  std::sort(p.order.begin(), p.order.end(), [](const TensorData* a, const TensorData* b) {
    return a->dtype != b->dtype ? a->dtype > b->dtype : a->name < b->name;
  });

  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (const TensorData* t : p.order) {
    std::uint64_t end = offset + t->data.size();
    header[t->name] = {{"dtype", to_string(t->dtype)}, {"shape", t->shape}, {"data_offsets", {offset, end}}};
    offset = end;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  if (text.size() > detail::kMaxHeaderSize)
    invalid("the header would have " + std::to_string(text.size()) + " bytes, over the format's limit of " +
            std::to_string(detail::kMaxHeaderSize));
  std::uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) p.head.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  p.head += text;
  return p;
}

}  // namespace

std::string serialize(std::span<const TensorData> tensors, const std::map<std::string, std::string>& metadata) {
  Prepared p = prepare(tensors, metadata);
  std::string out = std::move(p.head);
  for (const TensorData* t : p.order) out.append(reinterpret_cast<const char*>(t->data.data()), t->data.size());
  return out;
}

void write(const std::filesystem::path& path, std::span<const TensorData> tensors,
           const std::map<std::string, std::string>& metadata) {
  Prepared p = prepare(tensors, metadata);
  std::filesystem::path dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw Error(Errc::io, dir.string() + ": cannot create folder: " + ec.message(), ErrorContext{.path = dir.string()});
  fs::TempFile tmp(dir / ("." + path.filename().string() + ".tmp-" + random_hex(12)));
  tmp.write(p.head.data(), p.head.size());
  for (const TensorData* t : p.order) tmp.write(t->data.data(), t->data.size());
  tmp.commit(path);
}

}  // namespace hub::safetensors
