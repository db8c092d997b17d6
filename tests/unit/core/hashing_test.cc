#include "core/hashing.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

TEST_CASE("SHA-256 and git blob SHA-1 match the reference values", "[core][hashing]") {
  CHECK(hub::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hub::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // `git hash-object` of an empty file and of "hello\n".
  CHECK(hub::git_blob_sha1_hex("") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  CHECK(hub::git_blob_sha1_hex("hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a");
}

TEST_CASE("streaming hashes equal one-shot hashes", "[core][hashing]") {
  std::string data(1 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 % 251);
  hub::Hasher h(hub::HashKind::git_sha1, data.size());
  for (size_t i = 0; i < data.size(); i += 4097) h.update(std::string_view(data).substr(i, 4097));
  CHECK(h.finish() == hub::git_blob_sha1_hex(data));
  auto path = std::filesystem::temp_directory_path() / "libhub_hash_test.bin";
  std::ofstream(path, std::ios::binary) << data;
  CHECK(hub::hash_file(path, hub::HashKind::sha256) == hub::sha256_hex(data));
  std::filesystem::remove(path);
  CHECK(hub::hash_kind_for_etag(std::string(64, 'a')) == hub::HashKind::sha256);
  CHECK(hub::hash_kind_for_etag(std::string(40, 'a')) == hub::HashKind::git_sha1);
}
