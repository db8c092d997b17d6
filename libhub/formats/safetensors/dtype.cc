// Dtype names and sizes, in the reference's order (increasing alignment; the writer relies on it).
#include <array>

#include "hub/safetensors.h"

namespace hub::safetensors {
namespace {

struct DtypeInfo {
  std::string_view name;
  unsigned bits;
};

constexpr std::array<DtypeInfo, 20> kDtypes = {{
    {"BOOL", 8},    {"F4", 4},      {"F6_E2M3", 6}, {"F6_E3M2", 6}, {"U8", 8},   {"I8", 8},    {"F8_E5M2", 8},
    {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"I16", 16},    {"U16", 16},    {"F16", 16}, {"BF16", 16}, {"I32", 32},
    {"U32", 32},    {"F32", 32},    {"C64", 64},    {"F64", 64},    {"I64", 64}, {"U64", 64},
}};
static_assert(static_cast<std::size_t>(Dtype::u64) + 1 == kDtypes.size());

}  // namespace

std::string_view to_string(Dtype dtype) noexcept { return kDtypes[static_cast<std::size_t>(dtype)].name; }

unsigned bit_size(Dtype dtype) noexcept { return kDtypes[static_cast<std::size_t>(dtype)].bits; }

std::optional<Dtype> parse_dtype(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kDtypes.size(); ++i)
    if (kDtypes[i].name == name) return static_cast<Dtype>(i);
  return std::nullopt;
}

std::uint64_t TensorView::element_count() const noexcept {
  std::uint64_t n = 1;
  for (std::uint64_t d : shape) n *= d;
  return n;
}

}  // namespace hub::safetensors
