#include "http/client.h"

#include <catch2/catch.hpp>
#include <ctime>

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

TEST_CASE("Retry-After is read as seconds or as an HTTP date", "[http]") {
  using hub::http::parse_retry_after;
  const std::time_t at = 1445412480;  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(parse_retry_after("120", at) == 120u);
  CHECK(parse_retry_after(" 7 ", at) == 7u);
  CHECK(parse_retry_after("0", at) == 0u);
  // IMF-fixdate, then the obsolete RFC 850 and asctime forms a recipient must also accept.
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", at) == 30u);
  CHECK(parse_retry_after("Wednesday, 21-Oct-15 07:28:30 GMT", at) == 30u);
  CHECK(parse_retry_after("Wed Oct 21 07:28:30 2015", at) == 30u);
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", at) == 120u);
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", at) == 0u);  // already past: no wait
  CHECK_FALSE(parse_retry_after("", at));
  CHECK_FALSE(parse_retry_after("soon", at));
  CHECK_FALSE(parse_retry_after("-5", at));
  CHECK_FALSE(parse_retry_after("1.5", at));
  CHECK_FALSE(parse_retry_after("999999999999999999999999", at));

  // From response headers, relative to the clock: a date 5 s ahead asks for 4 or 5 s.
  char date[64];
  std::time_t soon = std::time(nullptr) + 5;
  std::tm tm{};
  gmtime_r(&soon, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  hub::http::Headers h;
  h.items.emplace_back("retry-after", date);
  auto wait = hub::http::retry_after(h);
  REQUIRE(wait);
  CHECK((*wait >= 4 && *wait <= 5));
  CHECK_FALSE(hub::http::retry_after(hub::http::Headers{}));
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
