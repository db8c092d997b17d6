// The protocol handler without sockets: status codes, error headers, ranges, pagination links.
#include "server/handler.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/hashing.h"
#include "server/folder_source.h"
#include "temp_tree.h"

using namespace hub::server;
using test::TempTree;

namespace {

const std::string kToken = "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH";

struct Fixture {
  TempTree t;
  std::unique_ptr<Handler> handler;

  Fixture() {
    t.put("acme/tiny/config.json", "0123456789abcdef");
    t.put("acme/tiny/model.safetensors", std::string(1000, 'm'));
    t.put("acme/tiny/empty.txt", "");
    t.put("acme/tiny/sub/a.txt", "a");
    t.put("acme/tiny/sub/b.txt", "b");
    auto source = std::make_shared<FolderSource>(FolderSourceOptions{.root = t.path()});
    handler = std::make_unique<Handler>(
        HandlerOptions{.tokens = {}, .public_url = "http://mirror.example/", .fallback_url = {}, .page_size = 2},
        std::vector<std::shared_ptr<RepoSource>>{source});
  }

  Reply get(std::string target, std::optional<std::string> range = {}, std::string method = "GET") {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.range = std::move(range);
    return handler->handle(r);
  }
};

std::string header(const Reply& r, std::string_view name) {
  const std::string* v = r.find_header(name);
  return v ? *v : std::string("<none>");
}

std::string read_body(const Reply& r) {
  if (!r.file.valid()) return r.body;
  std::string out(r.file_length, '\0');
  REQUIRE(pread(r.file.get(), out.data(), out.size(), static_cast<off_t>(r.file_offset)) ==
          static_cast<ssize_t>(out.size()));
  return out;
}

}  // namespace

TEST_CASE("server: repo info and revision errors", "[server][handler]") {
  Fixture f;
  Reply info = f.get("/api/models/acme/tiny?blobs=true");
  REQUIRE(info.status == 200);
  auto j = nlohmann::json::parse(info.body);
  CHECK(j["id"] == "acme/tiny");
  CHECK(j["sha"].get<std::string>().size() == 40);
  CHECK(j["siblings"].size() == 5);

  Reply nope = f.get("/api/models/acme/tiny/revision/nope");
  CHECK(nope.status == 404);
  CHECK(header(nope, "X-Error-Code") == "RevisionNotFound");
  CHECK(nlohmann::json::parse(nope.body).contains("error"));
}

TEST_CASE("server: auth: anonymous, valid and invalid tokens", "[server][handler]") {
  Fixture f;
  Request r;
  r.method = "GET";
  r.target = "/api/models/acme/missing";
  Reply anon = f.handler->handle(r);
  CHECK(anon.status == 401);
  CHECK(header(anon, "X-Error-Code") == "RepoNotFound");
  r.authorization = "Bearer " + kToken;
  Reply authed = f.handler->handle(r);
  CHECK(authed.status == 404);
  CHECK(header(authed, "X-Error-Code") == "RepoNotFound");
  r.target = "/api/models/acme/tiny";
  r.authorization = "Bearer nope";
  Reply bad = f.handler->handle(r);
  CHECK(bad.status == 401);
  CHECK(header(bad, "X-Error-Message") == "Invalid credentials in Authorization header");
  r.authorization = "Basic dXNlcjpwYXNz";
  CHECK(f.handler->handle(r).status == 401);
}

TEST_CASE("server: resolve: headers, ranges and HEAD", "[server][handler]") {
  Fixture f;
  const std::string content = "0123456789abcdef";
  Reply full = f.get("/acme/tiny/resolve/main/config.json");
  REQUIRE(full.status == 200);
  CHECK(read_body(full) == content);
  CHECK(header(full, "ETag") == "\"" + hub::git_blob_sha1_hex(content) + "\"");
  CHECK(header(full, "X-Repo-Commit").size() == 40);
  CHECK(header(full, "Accept-Ranges") == "bytes");

  Reply part = f.get("/acme/tiny/resolve/main/config.json", "bytes=3-5");
  CHECK(part.status == 206);
  CHECK(header(part, "Content-Range") == "bytes 3-5/16");
  CHECK(read_body(part) == "345");

  Reply clamp = f.get("/acme/tiny/resolve/main/config.json", "bytes=10-100");
  CHECK(header(clamp, "Content-Range") == "bytes 10-15/16");

  Reply none = f.get("/acme/tiny/resolve/main/config.json", "bytes=16-");
  CHECK(none.status == 416);
  CHECK(header(none, "Content-Range") == "bytes */16");
  CHECK_FALSE(none.file.valid());

  Reply head = f.get("/acme/tiny/resolve/main/model.safetensors", {}, "HEAD");
  CHECK(head.status == 200);
  CHECK_FALSE(head.file.valid());
  CHECK(head.head_length == 1000u);
  CHECK(header(head, "X-Linked-Size") == "1000");
  CHECK(header(head, "X-Linked-Etag") == "\"" + hub::sha256_hex(std::string(1000, 'm')) + "\"");

  Reply empty = f.get("/acme/tiny/resolve/main/empty.txt", "bytes=0-0");
  CHECK(empty.status == 200);
  CHECK(empty.content_length() == 0);
  CHECK(header(empty, "Content-Range") == "bytes */0");

  Reply raw = f.get("/acme/tiny/raw/main/model.safetensors");
  CHECK(raw.status == 200);
  CHECK(raw.body.rfind("version https://git-lfs.github.com/spec/v1\n", 0) == 0);

  Reply missing = f.get("/acme/tiny/resolve/main/nope.txt", {}, "HEAD");
  CHECK(missing.status == 404);
  CHECK(header(missing, "X-Error-Code") == "EntryNotFound");
  CHECK(header(missing, "X-Repo-Commit") == header(full, "X-Repo-Commit"));

  Reply dir = f.get("/acme/tiny/resolve/main/sub");
  CHECK(dir.status == 404);

  CHECK(f.get("/acme/tiny/resolve/main/sub%2F..%2Fconfig.json").status == 400);

  Request cond;
  cond.method = "GET";
  cond.target = "/acme/tiny/resolve/main/config.json";
  cond.if_none_match = header(full, "ETag");
  Reply not_modified = f.handler->handle(cond);
  CHECK(not_modified.status == 304);
  CHECK_FALSE(not_modified.file.valid());
}

TEST_CASE("server: tree pages link to the public URL", "[server][handler]") {
  Fixture f;
  Reply first = f.get("/api/models/acme/tiny/tree/main?recursive=1");
  REQUIRE(first.status == 200);
  CHECK(nlohmann::json::parse(first.body).size() == 2);
  CHECK(header(first, "Link") ==
        "<http://mirror.example/api/models/acme/tiny/tree/main?recursive=1&cursor=2>; rel=\"next\"");

  std::vector<std::string> paths;
  std::string target = "/api/models/acme/tiny/tree/main?recursive=1";
  for (int pages = 0; pages < 10; ++pages) {
    Reply r = f.get(target);
    REQUIRE(r.status == 200);
    for (auto& e : nlohmann::json::parse(r.body)) paths.push_back(e["path"]);
    const std::string* link = r.find_header("Link");
    if (!link) break;
    auto start = link->find("/api/");
    target = link->substr(start, link->find('>') - start);
  }
  CHECK(paths ==
        std::vector<std::string>{"config.json", "empty.txt", "model.safetensors", "sub", "sub/a.txt", "sub/b.txt"});

  Reply sub = f.get("/api/models/acme/tiny/tree/main/sub?limit=10");
  CHECK(sub.find_header("Link") == nullptr);
  CHECK(nlohmann::json::parse(sub.body).size() == 2);
}

TEST_CASE("server: paths-info accepts form and JSON bodies", "[server][handler]") {
  Fixture f;
  Request r;
  r.method = "POST";
  r.target = "/api/models/acme/tiny/paths-info/main";
  r.content_type = "application/x-www-form-urlencoded";
  r.body = "paths=config.json&paths=nope&paths=sub&expand=true";
  Reply form = f.handler->handle(r);
  REQUIRE(form.status == 200);
  auto j = nlohmann::json::parse(form.body);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["path"] == "config.json");
  CHECK(j[0].contains("lastCommit"));
  CHECK(j[1]["type"] == "directory");

  r.content_type = "application/json";
  r.body = R"({"paths": ["config.json", "nope"]})";
  Reply json = f.handler->handle(r);
  REQUIRE(json.status == 200);
  CHECK(nlohmann::json::parse(json.body).size() == 1);

  r.body = "[1, 2";
  CHECK(f.handler->handle(r).status == 400);
}

TEST_CASE("server: malformed and unknown requests", "[server][handler]") {
  Fixture f;
  Reply bad = f.get("/api/models/acme/tiny/tree/%zz");
  CHECK(bad.status == 400);
  CHECK(header(bad, "X-Error-Code") == "BadRequest");
  CHECK(f.get("/api/models/acme/tiny?x=%").status == 400);
  Reply unknown = f.get("/what/ever/this/is");
  CHECK(unknown.status == 404);
  CHECK(header(unknown, "X-Error-Code") == "NotFound");
  CHECK(header(unknown, "Content-Type").rfind("application/json", 0) == 0);
  CHECK(f.get("/acme/tiny/resolve/main/config.json", {}, "DELETE").status == 405);
  CHECK(f.get("http://host.example/api/models/acme/tiny").status == 200);  // absolute-form target
  Reply crlf = f.get("/acme/tiny/resolve/%0D%0AX-Evil:%201/config.json");
  CHECK(crlf.status == 404);
  CHECK(header(crlf, "X-Error-Message").find('\n') == std::string::npos);
}
