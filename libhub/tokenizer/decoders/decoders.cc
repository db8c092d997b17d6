// The decoders (tokenizer-json.md §11) and their registry by `type` tag. Each is a few lines,
// so they share this file; every one maps a list of token strings to a list of strings.
#include <algorithm>

#include "tokenizer/byte_level.h"
#include "tokenizer/decoder.h"
#include "tokenizer/metaspace.h"
#include "tokenizer/pattern_json.h"
#include "tokenizer/unicode.h"

namespace hub::tokenizer {
namespace {

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  if (from.empty()) return s;
  std::string out;
  std::size_t pos = 0;
  for (std::size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(s, pos, hit - pos);
    out.append(to);
  }
  out.append(s, pos);
  return out;
}

// WordPiece's cleanup of tokenization spaces (also used by CTC).
std::string cleanup(std::string s) {
  static const std::pair<std::string_view, std::string_view> kRules[] = {
      {" .", "."},   {" ?", "?"},           {" !", "!"},   {" ,", ","},     {" ' ", "'"},   {" n't", "n't"},
      {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kRules) s = replace_all(std::move(s), from, to);
  return s;
}

class ByteLevelDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const auto& t : tokens) {
      std::size_t mark = bytes.size();
      bool all = true;
      for (std::size_t i = 0; i < t.size();) {
        int b = byte_level::byte_of(unicode::next_char(t, i));
        if (b < 0) {
          all = false;
          break;
        }
        bytes.push_back(static_cast<char>(b));
      }
      if (!all) {
        bytes.resize(mark);
        bytes += t;  // not byte-level text (e.g. an added token): its own UTF-8
      }
    }
    tokens.assign(1, unicode::utf8_lossy(bytes));
  }
};

class WordPieceDecoder final : public Decoder {
 public:
  WordPieceDecoder(std::string prefix, bool cleanup) : prefix_(std::move(prefix)), cleanup_(cleanup) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::string& t = tokens[i];
      if (i != 0) {
        if (t.rfind(prefix_, 0) == 0) {
          // replacen(prefix, "", 1) removes the first occurrence, which is the prefix itself.
          t.erase(0, prefix_.size());
        } else {
          t = " " + t;
        }
      }
      if (cleanup_) t = cleanup(std::move(t));
    }
  }

 private:
  std::string prefix_;
  bool cleanup_;
};

class MetaspaceDecoder final : public Decoder {
 public:
  explicit MetaspaceDecoder(MetaspaceConfig c) : c_(std::move(c)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::string out;
      const std::string& t = tokens[i];
      for (std::size_t k = 0; k < t.size();) {
        char32_t c = unicode::next_char(t, k);
        if (c == c_.replacement) {
          if (!(i == 0 && c_.prepend != PrependScheme::never)) out.push_back(' ');
        } else {
          unicode::append_utf8(out, c);
        }
      }
      tokens[i] = std::move(out);
    }
  }

 private:
  MetaspaceConfig c_;
};

class BpeDecoder final : public Decoder {
 public:
  explicit BpeDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i)
      tokens[i] = replace_all(std::move(tokens[i]), suffix_, i + 1 == tokens.size() ? "" : " ");
  }

 private:
  std::string suffix_;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class ByteFallbackDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    std::string pending;
    auto flush = [&] {
      if (pending.empty()) return;
      if (unicode::is_valid_utf8(pending))
        out.push_back(pending);
      else
        for (std::size_t k = 0; k < pending.size(); ++k) out.emplace_back("\xEF\xBF\xBD");
      pending.clear();
    };
    for (auto& t : tokens) {
      int byte = -1;
      if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') {
        // u8::from_str_radix also accepts a leading '+'.
        int hi = hex_digit(t[3]), lo = hex_digit(t[4]);
        if (hi >= 0 && lo >= 0)
          byte = hi * 16 + lo;
        else if (t[3] == '+' && lo >= 0)
          byte = lo;
      }
      if (byte >= 0) {
        pending.push_back(static_cast<char>(byte));
        continue;
      }
      flush();
      out.push_back(std::move(t));
    }
    flush();
    tokens = std::move(out);
  }
};

class FuseDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string all;
    for (const auto& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

class StripDecoder final : public Decoder {
 public:
  StripDecoder(char32_t content, std::size_t start, std::size_t stop) : content_(content), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (auto& t : tokens) {
      std::u32string chars = unicode::to_u32(t);
      std::size_t start_cut = 0;
      for (std::size_t i = 0; i < start_ && i < chars.size() && chars[i] == content_; ++i) start_cut = i + 1;
      std::size_t stop_cut = chars.size();
      for (std::size_t i = 0; i < stop_ && i < chars.size() && chars[chars.size() - 1 - i] == content_; ++i)
        stop_cut = chars.size() - 1 - i;
      std::string out;
      for (std::size_t i = start_cut; i < stop_cut; ++i) unicode::append_utf8(out, chars[i]);
      t = std::move(out);
    }
  }

 private:
  char32_t content_;
  std::size_t start_, stop_;
};

class ReplaceDecoder final : public Decoder {
 public:
  ReplaceDecoder(Pattern p, std::string content) : pattern_(std::move(p)), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (auto& t : tokens) {
      std::string out;
      for (const auto& [r, is_match] : pattern_.find_matches(t)) {
        if (is_match)
          out += content_;
        else
          out.append(t, r.first, r.second - r.first);
      }
      t = std::move(out);
    }
  }

 private:
  Pattern pattern_;
  std::string content_;
};

class CtcDecoder final : public Decoder {
 public:
  CtcDecoder(std::string pad, std::string delim, bool cleanup)
      : pad_(std::move(pad)), delim_(std::move(delim)), cleanup_(cleanup) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0 && tokens[i] == tokens[i - 1]) continue;  // consecutive duplicates
      std::string r = replace_all(tokens[i], pad_, "");
      if (cleanup_) r = replace_all(cleanup(std::move(r)), delim_, " ");
      if (!r.empty()) out.push_back(std::move(r));
    }
    tokens = std::move(out);
  }

 private:
  std::string pad_, delim_;
  bool cleanup_;
};

class SequenceDecoder final : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> items) : items_(std::move(items)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& d : items_) d->decode_chain(tokens);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> items_;
};

}  // namespace

std::unique_ptr<Decoder> make_decoder(const JsonView& j) {
  if (j.is_null()) return nullptr;
  if (!j.is_object()) j.fail("expected a decoder object");
  std::string type = j.str("type");
  if (type == "ByteLevel") {
    j.boolean("add_prefix_space");
    j.boolean("trim_offsets");
    return std::make_unique<ByteLevelDecoder>();
  }
  if (type == "WordPiece") return std::make_unique<WordPieceDecoder>(j.str("prefix"), j.boolean("cleanup"));
  if (type == "Metaspace") return std::make_unique<MetaspaceDecoder>(metaspace_config(j));
  if (type == "BPEDecoder") return std::make_unique<BpeDecoder>(j.str("suffix"));
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip")
    return std::make_unique<StripDecoder>(j.at("content").as_char(), j.at("start").as_u64(), j.at("stop").as_u64());
  if (type == "Replace") return std::make_unique<ReplaceDecoder>(pattern_from_json(j.at("pattern")), j.str("content"));
  if (type == "CTC")
    return std::make_unique<CtcDecoder>(j.str("pad_token"), j.str("word_delimiter_token"), j.boolean("cleanup"));
  if (type == "Sequence") {
    JsonView list = j.at("decoders");
    std::vector<std::unique_ptr<Decoder>> items;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i].is_null()) list[i].fail("expected a decoder object");
      items.push_back(make_decoder(list[i]));
    }
    return std::make_unique<SequenceDecoder>(std::move(items));
  }
  j.at("type").fail("unknown decoder type `" + type + "`");
}

}  // namespace hub::tokenizer
