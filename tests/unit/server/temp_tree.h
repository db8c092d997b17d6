// Temporary folders for server unit tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

namespace hub::server::test {

namespace stdfs = std::filesystem;

// A fresh folder under the system temp dir, removed with everything in it.
class TempTree {
 public:
  TempTree() {
    std::random_device rd;
    path_ = stdfs::temp_directory_path() / ("hub-server-test-" + std::to_string(rd()) + std::to_string(rd()));
    stdfs::create_directories(path_);
  }
  ~TempTree() {
    std::error_code ec;
    stdfs::remove_all(path_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const stdfs::path& path() const { return path_; }
  // Writes `content` at `rel`, creating folders.
  stdfs::path put(const std::string& rel, std::string_view content) const {
    stdfs::path p = path_ / rel;
    stdfs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  stdfs::path path_;
};

}  // namespace hub::server::test
