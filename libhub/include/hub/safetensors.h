// hub/safetensors.h: reading and writing safetensors checkpoints.
//
// A safetensors file is an 8-byte little-endian header length N, N bytes of UTF-8 JSON (an object
// mapping tensor names to {dtype, shape, data_offsets}, plus an optional "__metadata__" object of
// strings), then the data buffer. Files come from the network, so everything is validated before
// any tensor is handed out, with the rules of the reference implementation (safetensors 0.8):
// header at most 100 MB and inside the file, valid UTF-8 JSON, known dtypes, non-negative shapes,
// offsets sorted, contiguous from 0 with no gap or overlap and ending exactly at the end of the
// file, each tensor's byte size equal to product(shape) x dtype size, computed without overflow.
// Any violation throws hub::Error(Errc::invalid_input) naming the file and the tensor or field.
//
// Files are memory-mapped: tensor views point into the mapping (zero copy) and stay valid as long
// as the File (or Checkpoint) that produced them. The format carries no checksum: corruption
// inside the data region is caught by the download's sha256, not here. As with any mapping, a
// file truncated by another process while mapped makes later reads fault; the cache never
// rewrites blobs in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hub::safetensors {

// Element types of the format. Sub-byte types (f4, f6_*) pack elements into bytes; a tensor of
// them must fill whole bytes.
enum class Dtype : std::uint8_t {
  boolean,  // "BOOL", one byte per element
  f4,       // "F4" (e2m1), 4 bits
  f6_e2m3,  // "F6_E2M3", 6 bits
  f6_e3m2,  // "F6_E3M2", 6 bits
  u8,
  i8,
  f8_e5m2,
  f8_e4m3,  // "F8_E4M3": the e4m3fn variant (no infinities), as torch.float8_e4m3fn
  f8_e8m0,  // "F8_E8M0": exponent only (MX scales)
  i16,
  u16,
  f16,
  bf16,
  i32,
  u32,
  f32,
  c64,  // complex, two f32
  f64,
  i64,
  u64,
};

// The name used in headers ("F32", "BF16", "BOOL", ...).
std::string_view to_string(Dtype dtype) noexcept;
// The dtype for a header name; nullopt for an unknown one (names are case-sensitive).
std::optional<Dtype> parse_dtype(std::string_view name) noexcept;
// Bits per element: 4, 6, 8, 16, 32 or 64.
unsigned bit_size(Dtype dtype) noexcept;

// One tensor of a mapped file: borrowed name, shape and bytes (little-endian, C order).
struct TensorView {
  std::string_view name;
  Dtype dtype = Dtype::f32;
  std::span<const std::uint64_t> shape;
  std::span<const std::byte> data;

  // Product of the shape (1 for a scalar, 0 when a dimension is 0); cannot overflow, since the
  // header was validated.
  std::uint64_t element_count() const noexcept;
};

// A validated, memory-mapped safetensors file. Move-only; views stay valid across moves.
// Thread-safety: all const members may be called concurrently.
class File {
 public:
  // Maps and validates `path`. Throws Errc::io when it cannot be opened or mapped,
  // Errc::invalid_input when it is not a valid safetensors file.
  static File open(const std::filesystem::path& path);
  // Validates a file already in memory; `bytes` is borrowed and must outlive the File. `label`
  // names it in error messages. Throws Errc::invalid_input.
  static File from_buffer(std::span<const std::byte> bytes, std::string label);

  File(File&&) noexcept;
  File& operator=(File&&) noexcept;
  ~File();

  // Where it came from: the path, or the label given to from_buffer.
  const std::string& label() const noexcept;
  // Tensors in file (offset) order.
  std::vector<TensorView> tensors() const;
  std::size_t size() const noexcept;
  // The tensor called `name`, or nullopt.
  std::optional<TensorView> find(std::string_view name) const;
  // The tensor called `name`; throws Errc::invalid_input naming the file when it is missing
  // (a checkpoint without a weight its model needs is a malformed checkpoint).
  TensorView get(std::string_view name) const;
  // The "__metadata__" object (empty when absent).
  const std::map<std::string, std::string, std::less<>>& metadata() const noexcept;
  // Length of the JSON header, padding included, and of the whole file.
  std::uint64_t header_size() const noexcept;
  std::uint64_t file_size() const noexcept;

 private:
  struct Impl;
  explicit File(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A checkpoint: one safetensors file, or the shards named by a `*.safetensors.index.json`
// (`weight_map`: tensor name -> shard file, relative to the index's folder). Each shard is
// mapped once; lookups go through the weight map. Move-only; views stay valid across moves.
class Checkpoint {
 public:
  // `path` is a .safetensors file or an index JSON. For an index: shard names must be relative
  // paths without "." / ".." segments, every shard must be a valid safetensors file and hold
  // every tensor the map assigns to it. Throws Errc::io (missing or unreadable file) or
  // Errc::invalid_input (malformed index or shard).
  static Checkpoint open(const std::filesystem::path& path);

  Checkpoint(Checkpoint&&) noexcept;
  Checkpoint& operator=(Checkpoint&&) noexcept;
  ~Checkpoint();

  std::optional<TensorView> find(std::string_view name) const;
  // Throws Errc::invalid_input naming the checkpoint when `name` is missing.
  TensorView get(std::string_view name) const;
  // Every tensor name, sorted.
  std::vector<std::string_view> names() const;
  // The mapped files, one per shard (one for a single-file checkpoint).
  const std::vector<File>& shards() const noexcept;
  // The index's "metadata" values as strings (numbers printed); empty for a single file.
  const std::map<std::string, std::string, std::less<>>& index_metadata() const noexcept;

 private:
  struct Impl;
  explicit Checkpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A tensor to write: the bytes are borrowed for the duration of the call.
struct TensorData {
  std::string name;
  Dtype dtype = Dtype::f32;
  std::vector<std::uint64_t> shape;
  std::span<const std::byte> data;
};

// The file the reference writer produces for the same input: tensors sorted by decreasing
// element size, then name (so every tensor stays aligned to its element size), JSON header
// padded with spaces to a multiple of 8 bytes. Throws Errc::invalid_input for an empty,
// duplicate or "__metadata__" name, a name or metadata string that is not UTF-8, or data whose
// size does not match shape x dtype.
std::string serialize(std::span<const TensorData> tensors, const std::map<std::string, std::string>& metadata = {});
// serialize() streamed to `path` through a temporary file and a rename (readers never see a
// partial file). Throws as serialize(), plus Errc::io.
void write(const std::filesystem::path& path, std::span<const TensorData> tensors,
           const std::map<std::string, std::string>& metadata = {});

// Element conversions to f32, for loaders that compute in f32.
float f16_to_f32(std::uint16_t bits) noexcept;
float bf16_to_f32(std::uint16_t bits) noexcept;
float f8_e4m3_to_f32(std::uint8_t bits) noexcept;  // e4m3fn: 0x7f / 0xff are NaN, no infinities
float f8_e5m2_to_f32(std::uint8_t bits) noexcept;
// Converts a floating-point tensor (F64, F32, F16, BF16, F8_E4M3, F8_E5M2) into `out`, which
// must hold element_count() floats. Throws Errc::unsupported for other dtypes, Errc::invalid_input
// when `out` has the wrong size.
void to_f32(const TensorView& tensor, std::span<float> out);

}  // namespace hub::safetensors
