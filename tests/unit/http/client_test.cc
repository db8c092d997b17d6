#include "http/client.h"

#include <catch2/catch.hpp>

#include "hub/error.h"

TEST_CASE("origins make default ports explicit", "[http]") {
  CHECK(hub::http::origin_of("https://huggingface.co/api/models/x") == "https://huggingface.co:443");
  CHECK(hub::http::origin_of("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080");
  CHECK(hub::http::origin_of("HTTP://Example.COM/x") == "http://example.com:80");
  CHECK(hub::http::origin_of("not a url").empty());
}

TEST_CASE("Location headers resolve against the request URL", "[http]") {
  using hub::http::resolve_location;
  CHECK(resolve_location("http://h:1/a/b/c", "/x/y") == "http://h:1/x/y");
  CHECK(resolve_location("http://h:1/a/b/c", "https://cdn/z?sig=1") == "https://cdn/z?sig=1");
  CHECK(resolve_location("http://h:1/a/b/c?q=1", "d") == "http://h:1/a/b/d");
}

TEST_CASE("the token is scoped to the endpoint origin", "[http]") {
  hub::Settings s;
  s.endpoint = "http://127.0.0.1:8080";
  hub::http::Client c(s);
  CHECK(c.same_origin_as_endpoint("http://127.0.0.1:8080/api/models/x"));
  CHECK_FALSE(c.same_origin_as_endpoint("http://127.0.0.1:8081/api/models/x"));
  CHECK_FALSE(c.same_origin_as_endpoint("http://127.0.0.2:8080/x"));
  CHECK_FALSE(c.same_origin_as_endpoint("https://127.0.0.1:8080/x"));
}

TEST_CASE("backoff doubles, is capped, jitters and honours Retry-After", "[http]") {
  hub::Settings s;
  s.endpoint = "http://127.0.0.1:1";
  s.retry_base_wait = std::chrono::milliseconds(100);
  s.retry_max_wait = std::chrono::milliseconds(400);
  hub::http::Client c(s);
  for (int i = 0; i < 20; ++i) {
    auto w0 = c.backoff(0, std::nullopt).count();
    CHECK((w0 >= 100 && w0 <= 125));
    auto w1 = c.backoff(1, std::nullopt).count();
    CHECK((w1 >= 200 && w1 <= 250));
    auto w9 = c.backoff(9, std::nullopt).count();
    CHECK((w9 >= 400 && w9 <= 500));
    auto ra = c.backoff(0, 3).count();
    CHECK((ra >= 3000 && ra <= 3250));
  }
  CHECK(c.backoff(0, 1000000).count() <= 300250);  // hostile Retry-After is capped
  CHECK(hub::http::is_retryable_status(429));
  CHECK(hub::http::is_retryable_status(503));
  CHECK_FALSE(hub::http::is_retryable_status(404));
}

TEST_CASE("transport failures are network errors", "[http]") {
  hub::Settings s;
  s.endpoint = "http://127.0.0.1:9";
  hub::http::Client c(s);
  hub::http::Request r;
  r.url = "http://127.0.0.1:9/nothing";
  r.timeout = std::chrono::milliseconds(2000);
  try {
    c.send(r);
    FAIL("no error");
  } catch (const hub::Error& e) {
    CHECK(e.code() == hub::Errc::network);
    CHECK_THAT(e.what(), Catch::Contains("127.0.0.1:9"));
  }
}
