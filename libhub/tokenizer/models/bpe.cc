// BPE: symbols from chars (with prefix/suffix, byte fallback and unk handling), then the
// lowest-rank merge, leftmost first, until none applies (tokenizer-json.md §7.1).
#include <array>
#include <cstdio>
#include <mutex>
#include <queue>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "hub/error.h"
#include "tokenizer/models/models.h"

namespace hub::tokenizer::models {
namespace {

struct MergeValue {
  std::uint32_t rank;
  std::uint32_t new_id;
};

std::uint64_t pair_key(std::uint32_t a, std::uint32_t b) { return (static_cast<std::uint64_t>(a) << 32) | b; }

struct Symbol {
  std::uint32_t id;
  std::ptrdiff_t prev, next;
  std::size_t len;  // bytes of the word it covers; 0 once merged into its left neighbour
};

// The pieces of words already tokenized. Words repeat (a few thousand make up most of any text),
// so, like the tokenizers crate (10,000 words), BPE keeps each recent word's pieces: (id, bytes)
// pairs. encode_batch's threads share it. It is split into shards by the word's hash, each with
// its own lock on its own cache line, so that threads looking up different words do not bounce
// one lock between cores (a shared lock is still an atomic write); an insert that would have to
// wait for its shard is skipped rather than waited for (the crate's try_write), so the cache never
// serializes the workers. Once full it stops growing; it only ever holds exact results.
class WordCache {
 public:
  using Pieces = std::vector<std::pair<std::uint32_t, std::uint32_t>>;
  static constexpr std::size_t kCapacity = 10000;
  static constexpr std::size_t kLongestWord = 256;  // bytes; longer words are rare and not kept

  // Calls `emit(pieces)` under the shard's lock when the word is cached; false otherwise (also
  // when the shard is being written: the caller tokenizes the word itself).
  template <typename Emit>
  bool find(std::string_view word, Emit&& emit) const {
    const std::size_t h = hash(word);
    const Shard& shard = shards_[h % kShards];
    std::shared_lock lock(shard.mutex, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    auto it = shard.map.find(Key{word, h});
    if (it == shard.map.end()) return false;
    emit(it->second);
    return true;
  }

  void insert(std::string_view word, const Pieces& pieces) {
    if (word.size() > kLongestWord) return;
    const std::size_t h = hash(word);
    Shard& shard = shards_[h % kShards];
    std::unique_lock lock(shard.mutex, std::try_to_lock);
    if (!lock.owns_lock() || shard.map.size() >= kCapacity / kShards) return;
    shard.map.emplace(std::string(word), pieces);
  }

 private:
  static constexpr std::size_t kShards = 64;
  static std::size_t hash(std::string_view s) noexcept { return std::hash<std::string_view>{}(s); }
  // A lookup key with its hash computed once (the shard index and the map use the same hash).
  struct Key {
    std::string_view word;
    std::size_t hash;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return WordCache::hash(s); }
    std::size_t operator()(const Key& k) const noexcept { return k.hash; }
  };
  struct Equal {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
    bool operator()(const Key& a, std::string_view b) const noexcept { return a.word == b; }
    bool operator()(std::string_view a, const Key& b) const noexcept { return a == b.word; }
  };
  struct alignas(64) Shard {
    mutable std::shared_mutex mutex;
    std::unordered_map<std::string, Pieces, Hash, Equal> map;
  };
  std::array<Shard, kShards> shards_;
};

class Bpe final : public Model {
 public:
  Vocab vocab_;
  absl::flat_hash_map<std::uint64_t, MergeValue> merges_;
  std::optional<std::string> unk_token_;
  std::string prefix_, suffix_;
  bool fuse_unk_ = false, byte_fallback_ = false, ignore_merges_ = false;
  std::array<std::optional<std::uint32_t>, 256> byte_ids_{};
  mutable WordCache cache_;

  void tokenize(std::string_view word, std::vector<Token>& out) const override {
    if (word.empty()) return;
    if (ignore_merges_) {
      if (auto id = vocab_.find(word)) {
        out.push_back({*id, std::string(word), {0, word.size()}});
        return;
      }
    }
    auto emit = [&](const WordCache::Pieces& pieces) {
      std::size_t pos = 0;
      for (const auto& [id, len] : pieces) {
        const std::string* t = vocab_.token(id);
        out.push_back({id, t ? *t : std::string(), {pos, pos + len}});
        pos += len;
      }
    };
    if (cache_.find(word, emit)) return;
    std::vector<Symbol> symbols = initial_symbols(word);
    merge_all(symbols);
    WordCache::Pieces pieces;
    for (const auto& s : symbols)
      if (s.len != 0) pieces.emplace_back(s.id, static_cast<std::uint32_t>(s.len));
    cache_.insert(word, pieces);
    emit(pieces);
  }

  std::optional<std::uint32_t> token_to_id(std::string_view token) const override { return vocab_.find(token); }
  const std::string* id_to_token(std::uint32_t id) const override { return vocab_.token(id); }
  std::size_t vocab_size() const override { return vocab_.size(); }

 private:
  std::uint32_t unk_id() const {
    auto id = vocab_.find(*unk_token_);
    if (!id) throw Error(Errc::invalid_input, "tokenizer: unk token `" + *unk_token_ + "` is not in the vocabulary");
    return *id;
  }

  std::vector<Symbol> initial_symbols(std::string_view w) const {
    std::vector<Symbol> syms;
    syms.reserve(w.size());
    auto add = [&](std::uint32_t id, std::size_t len) {
      auto n = static_cast<std::ptrdiff_t>(syms.size());
      syms.push_back({id, n - 1, n + 1, len});
    };
    bool have_unk = false;
    std::uint32_t unk = 0;
    std::size_t unk_len = 0;
    std::string buf;
    for (std::size_t i = 0; i < w.size();) {
      std::size_t start = i;
      unicode::next_char(w, i);
      std::size_t byte_len = i - start;
      std::string_view c = w.substr(start, byte_len);
      std::string_view s = c;
      if (!prefix_.empty() || !suffix_.empty()) {
        buf.clear();
        if (start > 0) buf += prefix_;
        buf += c;
        if (i >= w.size()) buf += suffix_;
        s = buf;
      }
      if (auto id = vocab_.find(s)) {
        if (have_unk) {
          add(unk, unk_len);
          have_unk = false;
        }
        add(*id, byte_len);
        continue;
      }
      if (byte_fallback_) {
        bool all = true;
        for (char b : s) all = all && byte_ids_[static_cast<unsigned char>(b)].has_value();
        if (all) {
          // Byte tokens do not flush a pending unk (quirk: the order can swap).
          for (char b : s) add(*byte_ids_[static_cast<unsigned char>(b)], 1);
          continue;
        }
      }
      if (unk_token_) {
        if (have_unk && fuse_unk_) {
          unk_len += byte_len;
        } else {
          if (have_unk) add(unk, unk_len);
          unk = unk_id();
          unk_len = byte_len;
          have_unk = true;
        }
      }
      // No unk token: the char is dropped silently (quirk).
    }
    if (have_unk) add(unk, unk_len);
    if (!syms.empty()) syms.back().next = -1;
    return syms;
  }

  struct Candidate {
    std::uint32_t rank;
    std::size_t pos;
    std::uint32_t new_id;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };

  const MergeValue* find_merge(std::uint32_t a, std::uint32_t b) const {
    auto it = merges_.find(pair_key(a, b));
    return it == merges_.end() ? nullptr : &it->second;
  }

  void merge_all(std::vector<Symbol>& syms) const {
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
    for (std::size_t i = 0; i + 1 < syms.size(); ++i)
      if (const MergeValue* m = find_merge(syms[i].id, syms[i + 1].id)) queue.push({m->rank, i, m->new_id});
    while (!queue.empty()) {
      Candidate top = queue.top();
      queue.pop();
      Symbol& left = syms[top.pos];
      if (left.len == 0 || left.next < 0) continue;
      auto next_pos = static_cast<std::size_t>(left.next);
      Symbol right = syms[next_pos];
      const MergeValue* m = find_merge(left.id, right.id);
      if (!m || m->new_id != top.new_id) continue;  // stale entry
      left.id = top.new_id;
      left.len += right.len;
      left.next = right.next;
      syms[next_pos].len = 0;
      if (right.next >= 0 && static_cast<std::size_t>(right.next) < syms.size())
        syms[static_cast<std::size_t>(right.next)].prev = static_cast<std::ptrdiff_t>(top.pos);
      if (left.prev >= 0) {
        const Symbol& p = syms[static_cast<std::size_t>(left.prev)];
        if (const MergeValue* pm = find_merge(p.id, left.id))
          queue.push({pm->rank, static_cast<std::size_t>(left.prev), pm->new_id});
      }
      if (left.next >= 0 && static_cast<std::size_t>(left.next) < syms.size()) {
        const Symbol& n = syms[static_cast<std::size_t>(left.next)];
        if (const MergeValue* nm = find_merge(left.id, n.id)) queue.push({nm->rank, top.pos, nm->new_id});
      }
    }
  }
};

}  // namespace

std::unique_ptr<Model> make_bpe(const JsonView& j) {
  auto m = std::make_unique<Bpe>();
  m->vocab_ = Vocab::from_object(j.at("vocab"));
  if (auto d = j.opt("dropout")) {
    double p = d->as_double();
    if (p < 0.0 || p > 1.0) d->fail("dropout must be between 0 and 1");
    if (p > 0.0) d->unsupported("BPE dropout > 0 gives random output and is not supported");
  }
  m->unk_token_ = j.opt_str("unk_token");
  m->prefix_ = j.opt_str("continuing_subword_prefix").value_or("");
  m->suffix_ = j.opt_str("end_of_word_suffix").value_or("");
  m->fuse_unk_ = j.boolean_or("fuse_unk", false);
  m->byte_fallback_ = j.boolean_or("byte_fallback", false);
  m->ignore_merges_ = j.boolean_or("ignore_merges", false);
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    m->byte_ids_[static_cast<std::size_t>(b)] = m->vocab_.find(name);
  }

  JsonView merges = j.at("merges");
  std::size_t n = merges.size();
  m->merges_.reserve(n);
  std::uint32_t rank = 0;
  std::string a, b, merged;
  // Hot loop over up to a million entries: raw access, a JsonView (with its path) only on error.
  const nlohmann::json& list = merges.raw();
  for (std::size_t i = 0; i < n; ++i) {
    const nlohmann::json& item = list[i];
    auto fail = [&](const std::string& what) { merges[i].fail(what); };
    if (item.is_string()) {
      const std::string& line = item.get_ref<const std::string&>();
      if (line.rfind("#version", 0) == 0) continue;
      auto sp = line.find(' ');
      if (sp == std::string::npos || line.find(' ', sp + 1) != std::string::npos)
        fail("expected two tokens separated by one space, found \"" + line + "\"");
      a.assign(line, 0, sp);
      b.assign(line, sp + 1);
    } else if (item.is_array() && item.size() == 2 && item[0].is_string() && item[1].is_string()) {
      a = item[0].get_ref<const std::string&>();
      b = item[1].get_ref<const std::string&>();
    } else {
      fail("expected a string \"a b\" or a pair [\"a\", \"b\"]");
    }
    auto a_id = m->vocab_.find(a);
    if (!a_id) fail("token \"" + a + "\" is not in model.vocab");
    auto b_id = m->vocab_.find(b);
    if (!b_id) fail("token \"" + b + "\" is not in model.vocab");
    if (b.size() < m->prefix_.size()) fail("token \"" + b + "\" is shorter than continuing_subword_prefix");
    merged.assign(a);
    merged.append(b, m->prefix_.size());
    auto new_id = m->vocab_.find(merged);
    if (!new_id) fail("merged token \"" + merged + "\" is not in model.vocab");
    m->merges_[pair_key(*a_id, *b_id)] = {rank++, *new_id};
  }
  return m;
}

}  // namespace hub::tokenizer::models
