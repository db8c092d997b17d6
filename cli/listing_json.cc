#include "cli/listing_json.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <string_view>

namespace hub::cli {
namespace {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  // A key of an object at `level` (its members are one level deeper).
  void key(int level, bool first, std::string_view name) {
    if (!first) out_ += ',';
    newline(level + 1);
    out_ += '"';
    out_ += name;  // the keys below are plain
    out_ += "\": ";
  }
  void newline(int level) {
    out_ += '\n';
    out_.append(static_cast<std::size_t>(level) * 2, ' ');
  }

  // Printable ASCII without quote or backslash is written as is; anything else as nlohmann
  // escapes it (control characters, bytes that are not UTF-8 replaced by U+FFFD).
  void string(std::string_view s) {
    bool plain = true;
    for (unsigned char c : s) plain = plain && c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    if (plain) {
      out_ += '"';
      out_ += s;
      out_ += '"';
    } else {
      out_ += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  void number(std::uint64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, end);
  }
  // nlohmann's own shortest form ("0.0", "1764200000.123456").
  void number(double v) { out_ += nlohmann::json(v).dump(); }
  void boolean(bool v) { out_ += v ? "true" : "false"; }

  // An object at `level`: `members(level)` writes its keys (key(level, ...)) and values.
  template <class Members>
  void object(int level, Members members) {
    out_ += '{';
    members(level);
    newline(level);
    out_ += '}';
  }
  // An array at `level`: "[]" when empty, else one item per line, `write(item, level + 1)`.
  template <class Items, class Write>
  void array(int level, const Items& items, Write write) {
    if (items.empty()) {
      out_ += "[]";
      return;
    }
    out_ += '[';
    bool first = true;
    for (const auto& item : items) {
      if (!first) out_ += ',';
      first = false;
      newline(level + 1);
      write(item, level + 1);
    }
    newline(level);
    out_ += ']';
  }
  void strings(int level, const std::vector<std::string>& items) {
    array(level, items, [&](const std::string& s, int) { string(s); });
  }

 private:
  std::string& out_;
};

void revision(JsonWriter& w, const CachedRevision& rev, int level) {
  w.object(level, [&](int l) {
    w.key(l, true, "commit");
    w.string(rev.commit);
    w.key(l, false, "files");
    w.number(static_cast<std::uint64_t>(rev.files));
    w.key(l, false, "last_modified");
    w.number(rev.last_modified);
    w.key(l, false, "last_used");
    w.number(rev.last_used);
    w.key(l, false, "pinned");
    w.boolean(rev.pinned);
    w.key(l, false, "refs");
    w.strings(l + 1, rev.refs);
    w.key(l, false, "size");
    w.number(rev.size);
  });
}

void partial(JsonWriter& w, const PartialDownload& p, int level) {
  w.object(level, [&](int l) {
    w.key(l, true, "last_modified");
    w.number(p.last_modified);
    w.key(l, false, "name");
    w.string(p.name);
    w.key(l, false, "size");
    w.number(p.size);
  });
}

void repo(JsonWriter& w, const CachedRepo& r, int level) {
  w.object(level, [&](int l) {
    w.key(l, true, "blobs");
    w.number(static_cast<std::uint64_t>(r.blobs));
    w.key(l, false, "incomplete");
    w.array(l + 1, r.incomplete, [&](const PartialDownload& p, int at) { partial(w, p, at); });
    w.key(l, false, "last_accessed");
    w.number(r.last_accessed);
    w.key(l, false, "last_modified");
    w.number(r.last_modified);
    w.key(l, false, "last_used");
    w.number(r.last_used);
    w.key(l, false, "path");
    w.string(r.path.native());
    w.key(l, false, "repo");
    w.string(r.repo.name);
    w.key(l, false, "revisions");
    w.array(l + 1, r.revisions, [&](const CachedRevision& rev, int at) { revision(w, rev, at); });
    w.key(l, false, "size");
    w.number(r.size);
    w.key(l, false, "type");
    w.string(to_string(r.repo.type));
    w.key(l, false, "warnings");
    w.strings(l + 1, r.warnings);
  });
}

}  // namespace

std::string listing_json(const std::vector<CachedRepo>& repos) {
  std::string out;
  out.reserve(repos.size() * 700);
  JsonWriter w(out);
  w.array(0, repos, [&](const CachedRepo& r, int level) { repo(w, r, level); });
  out += '\n';
  return out;
}

}  // namespace hub::cli
