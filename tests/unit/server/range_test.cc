// Range and If-None-Match semantics (hub-protocol.md §2.5, C13-C16, C27).
#include "server/range.h"

#include <catch2/catch.hpp>

using hub::server::etag_matches;
using hub::server::evaluate_range;
using hub::server::RangeDecision;

TEST_CASE("server: single byte ranges", "[server][range]") {
  auto r = evaluate_range("bytes=0-0", 819);
  CHECK(r.kind == RangeDecision::partial);
  CHECK(r.first == 0);
  CHECK(r.length == 1);

  r = evaluate_range("bytes=10-", 819);
  CHECK(r.kind == RangeDecision::partial);
  CHECK(r.first == 10);
  CHECK(r.length == 809);

  r = evaluate_range("bytes=-5", 819);
  CHECK(r.kind == RangeDecision::partial);
  CHECK(r.first == 814);
  CHECK(r.length == 5);

  r = evaluate_range(" Bytes = 2 - 4 ", 10);
  CHECK(r.kind == RangeDecision::partial);
  CHECK(r.first == 2);
  CHECK(r.length == 3);
}

TEST_CASE("server: clamping and unsatisfiable ranges", "[server][range]") {
  auto r = evaluate_range("bytes=0-824", 819);  // one past EOF and more: clamp
  CHECK(r.kind == RangeDecision::partial);
  CHECK(r.length == 819);
  r = evaluate_range("bytes=-9999", 819);
  CHECK(r.kind == RangeDecision::partial);
  CHECK(r.first == 0);
  CHECK(r.length == 819);
  CHECK(evaluate_range("bytes=819-", 819).kind == RangeDecision::unsatisfiable);
  CHECK(evaluate_range("bytes=900-1000", 819).kind == RangeDecision::unsatisfiable);
  CHECK(evaluate_range("bytes=-0", 819).kind == RangeDecision::unsatisfiable);
  CHECK(evaluate_range("bytes=0-0", 0).kind == RangeDecision::unsatisfiable);  // caller special-cases empty files
  // Values beyond 64 bits saturate instead of wrapping.
  CHECK(evaluate_range("bytes=99999999999999999999999-", 819).kind == RangeDecision::unsatisfiable);
  r = evaluate_range("bytes=5-99999999999999999999999", 819);
  CHECK(r.kind == RangeDecision::partial);
  CHECK(r.length == 814);
}

TEST_CASE("server: ignored Range headers give the full body", "[server][range]") {
  for (const char* h : {"bytes=5-2", "bytes=0-1,4-5", "items=0-1", "bytes=a-b", "bytes=", "bytes", "bytes=--1", ""}) {
    INFO(h);
    auto r = evaluate_range(h, 100);
    CHECK(r.kind == RangeDecision::full);
    CHECK(r.length == 100);
  }
  CHECK(evaluate_range(std::nullopt, 7).kind == RangeDecision::full);
}

TEST_CASE("server: If-None-Match", "[server][range]") {
  const char* etag = "e6a089ec472b79fdb47a7246792bad37718e13b4";
  CHECK(etag_matches("\"e6a089ec472b79fdb47a7246792bad37718e13b4\"", etag));
  CHECK(etag_matches("W/\"e6a089ec472b79fdb47a7246792bad37718e13b4\"", etag));
  CHECK(etag_matches("\"x\", \"e6a089ec472b79fdb47a7246792bad37718e13b4\"", etag));
  CHECK(etag_matches("*", etag));
  CHECK_FALSE(etag_matches("\"other\"", etag));
  CHECK_FALSE(etag_matches("", etag));
}
