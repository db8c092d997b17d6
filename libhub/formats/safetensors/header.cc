// The safetensors header rules, in the order the reference applies them (tensor.rs,
// read_metadata and Metadata::validate), each failure with its own message.
#include <algorithm>
#include <cstring>

#include "formats/safetensors/parse.h"
#include "formats/safetensors/strict_json.h"
#include "hub/error.h"

namespace hub::safetensors::detail {
namespace {

// The top-level object, a tensor's object, and its shape / data_offsets arrays.
constexpr int kHeaderDepth = 3;

[[noreturn]] void fail(std::string_view label, const std::string& why) {
  throw Error(Errc::invalid_input, std::string(label) + ": " + why, ErrorContext{.path = std::string(label)});
}

std::string tensor_label(const std::string& name) { return "tensor " + quote_name(name); }

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string offsets_text(const Entry& e) {
  return "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
}

std::uint64_t read_le64(const std::byte* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint64_t>(p[i]);
  return v;
}

// A JSON non-negative integer (the reference's usize): not negative, not fractional, not past
// 64 bits (which nlohmann parses as a float).
bool as_u64(const nlohmann::json& j, std::uint64_t& out) {
  if (!j.is_number_unsigned()) return false;
  out = j.get<std::uint64_t>();
  return true;
}

Entry parse_entry(std::string_view label, const std::string& name, const nlohmann::json& info) {
  std::string who = tensor_label(name);
  if (!info.is_object())
    fail(label, who + ": expected an object with dtype, shape and data_offsets, found " + info.type_name());
  Entry e;
  e.name = name;

  auto dtype = info.find("dtype");
  if (dtype == info.end()) fail(label, who + ": missing \"dtype\"");
  if (!dtype->is_string()) fail(label, who + ": \"dtype\" must be a string, found " + dtype->type_name());
  const auto& dname = dtype->get_ref<const std::string&>();
  auto parsed = parse_dtype(dname);
  if (!parsed) {
    fail(label, who + ": unknown dtype " + quote_name(dname) +
                    " (expected one of BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64, C64, "
                    "F8_E4M3, F8_E5M2, F8_E8M0, F6_E2M3, F6_E3M2, F4)");
  }
  e.dtype = *parsed;

  auto shape = info.find("shape");
  if (shape == info.end()) fail(label, who + ": missing \"shape\"");
  if (!shape->is_array()) fail(label, who + ": \"shape\" must be an array, found " + shape->type_name());
  e.shape.reserve(shape->size());
  for (const auto& d : *shape) {
    std::uint64_t v = 0;
    if (!as_u64(d, v)) fail(label, who + ": shape " + shape->dump() + " must hold non-negative integers");
    e.shape.push_back(v);
  }

  auto offsets = info.find("data_offsets");
  if (offsets == info.end()) fail(label, who + ": missing \"data_offsets\"");
  if (!offsets->is_array() || offsets->size() != 2 || !as_u64((*offsets)[0], e.begin) || !as_u64((*offsets)[1], e.end))
    fail(label, who + ": \"data_offsets\" must be [begin, end] with non-negative integers, found " + offsets->dump());
  return e;
}

void parse_metadata(std::string_view label, const nlohmann::json& j, Header& h) {
  if (j.is_null()) return;  // the reference's Option: null is "no metadata"
  if (!j.is_object()) fail(label, "\"__metadata__\" must be an object of strings, found " + std::string(j.type_name()));
  for (const auto& [key, value] : j.items()) {
    if (!value.is_string())
      fail(label, "\"__metadata__\" value for " + quote_name(key) + " must be a string, found " + value.type_name());
    h.metadata.emplace(key, value.get<std::string>());
  }
}

// Element count, then bytes, of `e`'s shape; every step checked for overflow.
std::uint64_t needed_bytes(std::string_view label, const Entry& e) {
  std::string who = tensor_label(e.name);
  std::uint64_t n = 1;
  for (std::uint64_t d : e.shape)
    if (__builtin_mul_overflow(n, d, &n)) fail(label, who + ": shape " + shape_text(e.shape) + " overflows 64 bits");
  std::uint64_t bits = 0;
  if (__builtin_mul_overflow(n, std::uint64_t{bit_size(e.dtype)}, &bits))
    fail(label,
         who + ": shape " + shape_text(e.shape) + " of " + std::string(to_string(e.dtype)) + " overflows 64 bits");
  if (bits % 8 != 0)
    fail(label, who + ": shape " + shape_text(e.shape) + " of " + std::string(to_string(e.dtype)) +
                    " does not fill whole bytes");
  return bits / 8;
}

// Offsets sorted, contiguous from 0 without gap or overlap; sizes as the shapes say. Returns
// where the last tensor ends.
std::uint64_t validate(std::string_view label, const std::vector<Entry>& entries) {
  std::uint64_t start = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    std::string who = tensor_label(e.name);
    if (e.end < e.begin) fail(label, who + ": " + offsets_text(e) + " end before they begin");
    if (e.begin != start) {
      if (i == 0)
        fail(label, who + ": " + offsets_text(e) + " must start at 0 (the first tensor's data starts the buffer)");
      const std::string prev =
          "tensor " + quote_name(entries[i - 1].name) + " (which ends at " + std::to_string(start) + ")";
      if (e.begin > start)
        fail(label, who + ": " + offsets_text(e) + " leave a gap of " + std::to_string(e.begin - start) +
                        " bytes after " + prev);
      fail(label, who + ": " + offsets_text(e) + " overlap " + prev);
    }
    start = e.end;
    std::uint64_t need = needed_bytes(label, e);
    if (e.end - e.begin != need)
      fail(label, who + ": " + offsets_text(e) + " span " + std::to_string(e.end - e.begin) + " bytes, but shape " +
                      shape_text(e.shape) + " of " + std::string(to_string(e.dtype)) + " needs " +
                      std::to_string(need));
  }
  return start;
}

}  // namespace

Header parse_header(std::span<const std::byte> file, std::string_view label) {
  if (file.size() < 8)
    fail(label, "the file has " + std::to_string(file.size()) + " bytes, too few for the 8-byte header length");
  Header h;
  h.header_size = read_le64(file.data());
  if (h.header_size > kMaxHeaderSize)
    fail(label, "header length " + std::to_string(h.header_size) + " is over the limit of " +
                    std::to_string(kMaxHeaderSize) + " bytes (not a safetensors file?)");
  if (h.header_size > file.size() - 8)
    fail(label, "header length " + std::to_string(h.header_size) + " runs past the end of the file (" +
                    std::to_string(file.size()) + " bytes)");

  std::string_view text(reinterpret_cast<const char*>(file.data() + 8), h.header_size);
  nlohmann::json j = parse_strict(text, kHeaderDepth, label, "header");
  if (!j.is_object()) fail(label, "the header must be a JSON object, found " + std::string(j.type_name()));

  h.entries.reserve(j.size());
  for (const auto& [key, value] : j.items()) {
    if (key == "__metadata__")
      parse_metadata(label, value, h);
    else
      h.entries.push_back(parse_entry(label, key, value));
  }
  // Writers may list tensors in any order (older ones by name): the data order is the offsets'.
  std::sort(h.entries.begin(), h.entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end != b.end ? a.end < b.end : a.name < b.name;
  });
  std::uint64_t data_end = validate(label, h.entries);
  std::uint64_t data_size = file.size() - 8 - h.header_size;
  if (data_end < data_size)
    fail(label, "the data buffer has " + std::to_string(data_size) + " bytes but the tensors cover only " +
                    std::to_string(data_end) + ": " + std::to_string(data_size - data_end) +
                    " trailing bytes belong to no tensor");
  if (data_end > data_size)
    fail(label, "the tensors need " + std::to_string(data_end) + " bytes of data but the file holds only " +
                    std::to_string(data_size) + " after the header (truncated file?)");
  return h;
}

}  // namespace hub::safetensors::detail
