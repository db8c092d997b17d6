#include "download/partial_file.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/strings.h"

namespace stdfs = std::filesystem;
using hub::download::PartialFile;

namespace {
stdfs::path temp_path() { return stdfs::temp_directory_path() / ("libhub_partial_" + hub::random_hex(8)); }
}  // namespace

TEST_CASE("a partial file keeps its chunk map across reopen and commits to the exact bytes", "[download]") {
  auto path = temp_path();
  const std::uint64_t size = 10 * 1000 + 7;
  {
    auto f = PartialFile::create(path, size, 1000);
    CHECK(f->chunks() == 11);
    CHECK(f->chunk_end(10) == size);
    std::string chunk(1000, 'a');
    f->write_at(3000, chunk);
    f->mark_done(3);
    CHECK(f->bytes_done() == 1000);
  }  // kept on disk: the process "died"
  auto g = PartialFile::open_existing(path, size);
  REQUIRE(g);
  CHECK(g->done(3));
  CHECK_FALSE(g->done(2));
  std::string back(1000, '\0');
  g->read_at(3000, back);
  CHECK(back == std::string(1000, 'a'));
  // The wrong expected size or a foreign file is never adopted.
  CHECK_FALSE(PartialFile::open_existing(path, size + 1));
  auto target = temp_path();
  g->commit(target);
  CHECK(stdfs::file_size(target) == size);
  CHECK_FALSE(stdfs::exists(path));
  stdfs::remove(target);
}

TEST_CASE("foreign or damaged temporary files are not resumed", "[download]") {
  auto path = temp_path();
  std::ofstream(path) << "a plain old .incomplete file from another client";
  CHECK_FALSE(PartialFile::open_existing(path, 49));
  stdfs::remove(path);
  CHECK_FALSE(PartialFile::open_existing(temp_path(), 10));  // missing
}

TEST_CASE("discarded partial files are removed; others stay for a resume", "[download]") {
  auto kept = temp_path(), dropped = temp_path();
  { PartialFile::create(kept, 100, 64); }
  {
    auto f = PartialFile::create(dropped, 100, 64);
    f->discard();
  }
  CHECK(stdfs::exists(kept));
  CHECK_FALSE(stdfs::exists(dropped));
  stdfs::remove(kept);
  CHECK(hub::download::chunk_count(0, 64) == 1);
  CHECK(hub::download::chunk_count(128, 64) == 2);
  CHECK(hub::download::chunk_count(129, 64) == 3);
}
