// Streaming content hashes (internal): SHA-256 for LFS objects and the git blob SHA-1
// ("blob <size>\0" + content) for regular files, both on OpenSSL's EVP interface.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace hub {

enum class HashKind { sha256, git_sha1 };

// The hash kind that names a blob: 64 hex chars are sha256, 40 are git sha1.
HashKind hash_kind_for_etag(std::string_view etag);

class Hasher {
 public:
  // For git_sha1 the content size must be known up front (it is part of the hashed header).
  Hasher(HashKind kind, std::uint64_t content_size);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(std::span<const unsigned char> data);
  void update(std::string_view data);
  // Lowercase hex digest; the hasher cannot be updated afterwards.
  std::string finish();
  HashKind kind() const noexcept { return kind_; }

 private:
  struct Ctx;
  HashKind kind_;
  std::unique_ptr<Ctx> ctx_;
};

std::string sha256_hex(std::string_view data);
std::string git_blob_sha1_hex(std::string_view data);
// Hashes a file from disk, in 1 MiB reads. Throws Errc::io.
std::string hash_file(const std::filesystem::path& path, HashKind kind);

}  // namespace hub
