// Fuzz target for the safetensors parsers (header and shard index). Arbitrary bytes must either
// parse or raise hub::Error; anything else (a crash, a sanitizer report, another exception)
// is a bug. Parsed files are also written back and re-read, which must give the same tensors.
//
// Built two ways (tests/fuzz/CMakeLists.txt): with libFuzzer under clang (-DHUB_FUZZ=ON), and
// with replay_main.cc as a plain program that feeds it the seed corpus in every build.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "formats/safetensors/parse.h"
#include "hub/error.h"
#include "hub/safetensors.h"

namespace {

using namespace hub::safetensors;

// touch() lands here so the optimizer keeps the reads (a namespace-scope volatile: GCC 12 flags a
// function-local one as set but not used).
volatile unsigned g_sink;

void require(bool ok) {
  if (!ok) std::abort();
}

bool is_float(Dtype d) {
  return d == Dtype::f64 || d == Dtype::f32 || d == Dtype::f16 || d == Dtype::bf16 || d == Dtype::f8_e4m3 ||
         d == Dtype::f8_e5m2;
}

// Every view lies inside the input, and every byte of it is readable (ASan checks the reads).
unsigned touch(const File& f, const std::uint8_t* data, std::size_t size) {
  unsigned sum = 0;
  for (const TensorView& t : f.tensors()) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(t.data.data());
    require(t.data.empty() || (p >= data && p + t.data.size() <= data + size));
    for (std::byte b : t.data) sum += std::to_integer<unsigned>(b);
    require(f.find(t.name).has_value());
    if (is_float(t.dtype)) {
      std::vector<float> out(t.element_count());
      to_f32(t, out);
    }
  }
  return sum;
}

// write(read(x)) reads back as the same tensors and metadata.
void round_trip(const File& f) {
  std::vector<TensorData> tensors;
  for (const TensorView& t : f.tensors()) {
    if (t.name.empty()) return;  // legal to read, refused by the writer
    tensors.push_back({std::string(t.name), t.dtype, {t.shape.begin(), t.shape.end()}, t.data});
  }
  std::map<std::string, std::string> meta(f.metadata().begin(), f.metadata().end());
  std::string bytes = serialize(tensors, meta);
  File again = File::from_buffer({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()}, "round-trip");
  require(again.size() == f.size());
  require(again.metadata() == f.metadata());
  for (const TensorView& t : f.tensors()) {
    auto u = again.find(t.name);
    require(u.has_value() && u->dtype == t.dtype && u->data.size() == t.data.size());
    require(std::equal(t.shape.begin(), t.shape.end(), u->shape.begin(), u->shape.end()));
    require(t.data.empty() || std::memcmp(t.data.data(), u->data.data(), t.data.size()) == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    detail::parse_index({reinterpret_cast<const char*>(data), size}, "fuzz.index.json");
  } catch (const hub::Error&) {
  }
  try {
    File f = File::from_buffer({reinterpret_cast<const std::byte*>(data), size}, "fuzz.safetensors");
    g_sink = touch(f, data, size);
    round_trip(f);
  } catch (const hub::Error&) {
  }
  return 0;
}
