// Crafting safetensors bytes by hand for the format tests (no Python needed).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

#include "hub/error.h"
#include "hub/safetensors.h"

namespace hub::safetensors::test {

namespace stdfs = std::filesystem;

// 8-byte little-endian length, `header` verbatim, then `data_size` bytes (0, 1, 2, ...).
inline std::string craft(std::string_view header, std::size_t data_size = 0) {
  std::string out;
  std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += header;
  for (std::size_t i = 0; i < data_size; ++i) out.push_back(static_cast<char>(i & 0xff));
  return out;
}

inline std::span<const std::byte> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// The hub::Error that parsing `file` raises; fails the test when it parses.
struct Failure {
  Errc code = Errc::internal;
  std::string message;
};

inline Failure parse_failure(const std::string& file, std::string label = "crafted.safetensors") {
  try {
    File::from_buffer(bytes_of(file), std::move(label));
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {Errc::internal, "<parsed without error>"};
}

// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = stdfs::temp_directory_path() / ("hub-formats-test-" + std::to_string(rd()) + std::to_string(rd()));
    stdfs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    stdfs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const stdfs::path& path() const { return path_; }
  stdfs::path put(const std::string& rel, std::string_view content) const {
    stdfs::path p = path_ / rel;
    stdfs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  stdfs::path path_;
};

// The whole file (sized read: istreambuf_iterator trips GCC's -Wnull-dereference).
inline std::string slurp(const stdfs::path& p) {
  std::string out(static_cast<std::size_t>(stdfs::file_size(p)), '\0');
  std::ifstream(p, std::ios::binary).read(out.data(), static_cast<std::streamsize>(out.size()));
  return out;
}

inline stdfs::path fixture_repos() { return stdfs::path(HUB_SOURCE_DIR) / "tests/fixtures/repos/libhub"; }

}  // namespace hub::safetensors::test
