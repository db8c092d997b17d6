#include "cache/listing_snapshot.h"

#include <cstring>
#include <limits>
#include <type_traits>

namespace hub::cache {
namespace {

// Format tag, written in the machine's byte order: a blob from a machine of the other order (a
// cache on a shared disk) reads as another format and is rebuilt.
constexpr std::uint32_t kMagic = 0x31534C48;  // "HLS1" on little-endian machines

class Writer {
 public:
  template <class T>
  requires std::is_arithmetic_v<T>
  void put(T value) {
    const auto at = out_.size();
    out_.resize(at + sizeof value);
    std::memcpy(out_.data() + at, &value, sizeof value);
  }
  void put_count(std::size_t n) { put(static_cast<std::uint32_t>(n)); }
  void put_text(std::string_view text) {
    put_count(text.size());
    out_ += text;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Bounds-checked reads; any overrun marks the reader failed and yields zeros, so decoding runs to
// the end and the caller checks ok() once.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  template <class T>
  requires std::is_arithmetic_v<T> T get() {
    T value{};
    if (in_.size() < sizeof value) return fail<T>();
    std::memcpy(&value, in_.data(), sizeof value);
    in_.remove_prefix(sizeof value);
    return value;
  }
  // A count of items that each take at least `min_bytes`: a corrupt count cannot make the caller
  // reserve more than the blob could hold.
  std::size_t get_count(std::size_t min_bytes) {
    const auto n = get<std::uint32_t>();
    if (n > in_.size() / min_bytes) return fail<std::size_t>();
    return n;
  }
  std::string_view get_text() {
    const auto n = get<std::uint32_t>();
    if (n > in_.size()) return fail<std::string_view>();
    std::string_view text = in_.substr(0, n);
    in_.remove_prefix(n);
    return text;
  }
  bool ok() const { return ok_; }
  std::string_view rest() const { return in_; }

 private:
  template <class T>
  T fail() {
    ok_ = false;
    in_ = {};
    return T{};
  }
  std::string_view in_;
  bool ok_ = true;
};

std::uint8_t type_code(RepoType type) {
  switch (type) {
    case RepoType::model: return 0;
    case RepoType::dataset: return 1;
    case RepoType::space: return 2;
  }
  return 0;
}

std::optional<RepoType> type_of_code(std::uint8_t code) {
  switch (code) {
    case 0: return RepoType::model;
    case 1: return RepoType::dataset;
    case 2: return RepoType::space;
    default: return std::nullopt;
  }
}

}  // namespace

std::string encode_listing_snapshot(std::string_view token, std::int64_t root_mtime_ns,
                                    std::span<const std::string> root_warnings, std::span<const SnapshotStamps> repos,
                                    std::span<const CachedRepo> listing) {
  Writer w;
  w.put(kMagic);
  w.put_text(token);
  w.put(root_mtime_ns);
  w.put_count(root_warnings.size());
  for (const auto& text : root_warnings) w.put_text(text);
  w.put_count(repos.size());
  for (const auto& r : repos) {
    w.put_text(r.folder);
    w.put_text(r.stamps);
    w.put(static_cast<std::uint8_t>(r.dirty));
  }
  for (const auto& r : listing) {
    w.put(type_code(r.repo.type));
    w.put_text(r.repo.name);
    w.put(r.size);
    w.put(static_cast<std::uint64_t>(r.blobs));
    w.put(r.last_used);
    w.put(r.last_modified);
    w.put(r.last_accessed);
    w.put_count(r.revisions.size());
    for (const auto& rev : r.revisions) {
      w.put_text(rev.commit);
      w.put_count(rev.refs.size());
      for (const auto& ref : rev.refs) w.put_text(ref);
      w.put(rev.size);
      w.put(static_cast<std::uint64_t>(rev.files));
      w.put(rev.last_modified);
      w.put(rev.last_used);
      w.put(static_cast<std::uint8_t>(rev.pinned));
    }
    w.put_count(r.incomplete.size());
    for (const auto& p : r.incomplete) {
      w.put_text(p.name);
      w.put(p.size);
      w.put(p.last_modified);
    }
    w.put_count(r.warnings.size());
    for (const auto& text : r.warnings) w.put_text(text);
  }
  return w.take();
}

std::optional<ListingSnapshot> decode_listing_snapshot(std::string_view blob) {
  Reader in(blob);
  if (in.get<std::uint32_t>() != kMagic) return std::nullopt;
  ListingSnapshot out;
  out.token = in.get_text();
  out.root_mtime_ns = in.get<std::int64_t>();
  const std::size_t warnings = in.get_count(4);
  out.root_warnings.reserve(warnings);
  for (std::size_t i = 0; i < warnings && in.ok(); ++i) out.root_warnings.emplace_back(in.get_text());
  const std::size_t repos = in.get_count(9);
  out.repos.reserve(repos);
  for (std::size_t i = 0; i < repos && in.ok(); ++i) {
    SnapshotStamps r;
    r.folder = in.get_text();
    r.stamps = in.get_text();
    const auto dirty = in.get<std::uint8_t>();
    if (dirty > 1) return std::nullopt;
    r.dirty = dirty != 0;
    out.repos.push_back(r);
  }
  if (!in.ok()) return std::nullopt;
  out.listing = in.rest();
  return out;
}

std::optional<std::vector<CachedRepo>> decode_listing(const ListingSnapshot& snapshot,
                                                      const std::filesystem::path& root) {
  Reader in(snapshot.listing);
  std::vector<CachedRepo> out(snapshot.repos.size());
  std::string path = root.string() + "/";
  const std::size_t prefix = path.size();
  for (std::size_t i = 0; i < out.size() && in.ok(); ++i) {
    CachedRepo& r = out[i];
    const auto type = type_of_code(in.get<std::uint8_t>());
    if (!type) return std::nullopt;
    r.repo.type = *type;
    r.repo.name = in.get_text();
    path.resize(prefix);
    path += snapshot.repos[i].folder;
    r.path = path;
    r.size = in.get<std::uint64_t>();
    r.blobs = static_cast<std::size_t>(in.get<std::uint64_t>());
    r.last_used = in.get<double>();
    r.last_modified = in.get<double>();
    r.last_accessed = in.get<double>();
    r.revisions.resize(in.get_count(4 + 4 + 8 + 8 + 8 + 8 + 1));
    for (auto& rev : r.revisions) {
      rev.commit = in.get_text();
      rev.refs.resize(in.get_count(4));
      for (auto& ref : rev.refs) ref = in.get_text();
      rev.size = in.get<std::uint64_t>();
      rev.files = static_cast<std::size_t>(in.get<std::uint64_t>());
      rev.last_modified = in.get<double>();
      rev.last_used = in.get<double>();
      const auto pinned = in.get<std::uint8_t>();
      if (pinned > 1) return std::nullopt;
      rev.pinned = pinned != 0;
    }
    r.incomplete.resize(in.get_count(4 + 8 + 8));
    for (auto& p : r.incomplete) {
      p.name = in.get_text();
      p.size = in.get<std::uint64_t>();
      p.last_modified = in.get<double>();
    }
    r.warnings.resize(in.get_count(4));
    for (auto& text : r.warnings) text = in.get_text();
  }
  if (!in.ok() || !in.rest().empty()) return std::nullopt;
  return out;
}

}  // namespace hub::cache
