// Libraries opened on first use (core/shared_library.h): the first candidate that loads wins,
// and a missing library or symbol is a clear hub::Error, never a crash.
#include "core/shared_library.h"

#include <catch2/catch.hpp>
#include <cstring>

#include "hub/error.h"

using hub::core::SharedLibrary;

TEST_CASE("a shared library is the first candidate that loads", "[core]") {
  SharedLibrary libc({"libhub-no-such-library.so.9", "libc.so.6"}, "libc", "reinstall it");
  decltype(&std::strlen) strlen_fn = nullptr;
  libc.resolve("strlen", strlen_fn);
  REQUIRE(strlen_fn != nullptr);
  CHECK(strlen_fn("four") == 4);
}

TEST_CASE("a library that loads nowhere names every attempt and the fix", "[core]") {
  try {
    SharedLibrary({"libhub-no-such-library.so.9", nullptr, ""}, "libfoo", "install it: apt-get install libfoo1");
    FAIL("expected hub::Error");
  } catch (const hub::Error& e) {
    CHECK(e.code() == hub::Errc::unsupported);
    std::string what = e.what();
    CHECK(what.find("libfoo could not be loaded") != std::string::npos);
    CHECK(what.find("libhub-no-such-library.so.9") != std::string::npos);
    CHECK(what.find("apt-get install libfoo1") != std::string::npos);
  }
}

TEST_CASE("a missing symbol names the library and the symbol", "[core]") {
  SharedLibrary libc({"libc.so.6"}, "libc", "reinstall it");
  void (*fn)() = nullptr;
  try {
    libc.resolve("hub_no_such_symbol", fn);
    FAIL("expected hub::Error");
  } catch (const hub::Error& e) {
    CHECK(e.code() == hub::Errc::unsupported);
    CHECK(std::string(e.what()).find("libc has no symbol hub_no_such_symbol") != std::string::npos);
  }
  CHECK(fn == nullptr);
}
