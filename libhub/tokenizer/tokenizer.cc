// hub::Tokenizer: loading tokenizer.json and running the pipeline (tokenizer-json.md §1, §2, §9-§11).
#include "hub/tokenizer.h"

#include <algorithm>
#include <exception>
#include <fstream>
#include <sstream>

#include "hub/error.h"
#include "tokenizer/added_vocabulary.h"
#include "tokenizer/assembler.h"
#include "tokenizer/decoder.h"
#include "tokenizer/encoding_ops.h"
#include "tokenizer/model.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/processor.h"

namespace hub {

using namespace tokenizer;

class Tokenizer::Impl {
 public:
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<PreTokenizer> pre_tokenizer;
  std::unique_ptr<Model> model;
  std::unique_ptr<PostProcessor> post_processor;
  std::unique_ptr<Decoder> decoder;
  AddedVocabulary added;
  std::optional<TruncationParams> truncation;
  std::optional<PaddingParams> padding;
  TokenizerConfig config;

  // The truncation one call uses: EncodeOptions::max_length overrides the file's section.
  std::optional<TruncationParams> truncation_for(const EncodeOptions& options) const {
    if (!options.max_length) return truncation;
    TruncationParams p;
    p.max_length = *options.max_length;
    p.direction = config.truncation_side == "left" ? Direction::left : Direction::right;
    return p;
  }

  // Steps 1.1-1.4 of §2 for one sequence: code-point offsets relative to `text`. With `cap`
  // (truncation's early exit, §10.1), splits are tokenized only until cap->max_length tokens
  // exist, from the end for Left truncation; the splits after that are dropped.
  Encoding encode_sequence(std::string_view text, std::uint32_t type_id, const TruncationParams* cap) const {
    PreTokenizedString pre = added.extract_and_normalize(text, normalizer.get());
    if (pre_tokenizer) pre_tokenizer->pre_tokenize(pre);
    auto& all = pre.splits();
    std::vector<bool> dropped(all.size(), false);
    std::size_t produced = 0;
    for (std::size_t k = 0; k < all.size(); ++k) {
      std::size_t idx = cap && cap->direction == Direction::left ? all.size() - 1 - k : k;
      auto& split = all[idx];
      if (cap && produced >= cap->max_length) {
        dropped[idx] = true;
        continue;
      }
      if (!split.tokens) {
        std::vector<Token> toks;
        model->tokenize(split.normalized.get(), toks);
        split.tokens = std::move(toks);
      }
      produced += split.tokens->size();
    }
    // Byte -> code point index of the input, for the bindings' offset units (§9).
    std::vector<std::uint32_t> char_of(text.size());
    std::uint32_t ci = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && i > 0) ++ci;
      char_of[i] = ci;
    }
    auto to_chars = [&](Offsets o) -> Offsets {
      if (o.first >= text.size()) return o;
      std::size_t s = char_of[o.first];
      if (o.second < text.size()) return {s, char_of[o.second]};
      if (o.second >= 1 && o.second - 1 < text.size()) return {s, char_of[o.second - 1] + 1};
      return o;
    };
    Encoding e;
    const auto& splits = pre.splits();
    for (std::size_t idx = 0; idx < splits.size(); ++idx) {
      if (dropped[idx]) continue;
      const NormalizedString& n = splits[idx].normalized;
      for (const Token& t : *splits[idx].tokens) {
        auto mapped = n.to_original(t.offsets);
        Offsets o =
            mapped ? Offsets{n.original_shift() + mapped->first, n.original_shift() + mapped->second} : t.offsets;
        e.ids.push_back(t.id);
        e.tokens.push_back(t.value);
        e.offsets.push_back(to_chars(o));
        e.word_ids.emplace_back(static_cast<std::uint32_t>(idx));
        e.type_ids.push_back(type_id);
        e.special_tokens_mask.push_back(0);
        e.attention_mask.push_back(1);
      }
    }
    return e;
  }

  // Truncation, post-processing and padding (§10).
  Encoding post_process(Encoding a, std::optional<Encoding> b, const EncodeOptions& options) const {
    const bool add_special_tokens = options.add_special_tokens;
    if (auto limits = truncation_for(options)) {
      TruncationParams p = *limits;
      std::size_t n_added = post_processor ? post_processor->added_tokens(b.has_value()) : 0;
      if (add_special_tokens && n_added > 0) {
        if (n_added > p.max_length)
          throw Error(Errc::invalid_input, "tokenizer: truncation max_length is smaller than the special tokens added");
        p.max_length -= n_added;
      }
      truncate_encodings(a, b ? &*b : nullptr, p);
    }
    std::vector<Encoding> encs;
    encs.push_back(std::move(a));
    if (b) encs.push_back(std::move(*b));
    Encoding out;
    if (post_processor) {
      for (std::size_t i = 0; i < encs.size(); ++i)
        std::fill(encs[i].type_ids.begin(), encs[i].type_ids.end(), static_cast<std::uint32_t>(i));
      // Overflowing windows are processed as sequences of their own.
      for (auto& e : encs) {
        for (auto& o : e.overflowing) {
          std::vector<Encoding> one{std::move(o)};
          post_processor->process(one, add_special_tokens);
          Encoding merged;
          for (auto& x : one) merge_with(merged, std::move(x));
          o = std::move(merged);
        }
      }
      post_processor->process(encs, add_special_tokens);
    }
    for (auto& e : encs) merge_with(out, std::move(e));
    if (padding) {
      std::vector<Encoding*> one{&out};
      pad_encodings(one, *padding);
    }
    return out;
  }

  Encoding encode(std::string_view a, std::optional<std::string_view> b, const EncodeOptions& options) const {
    std::string fixed_a, fixed_b;
    if (!unicode::is_valid_utf8(a)) a = fixed_a = unicode::utf8_lossy(a);
    if (b && !unicode::is_valid_utf8(*b)) b = fixed_b = unicode::utf8_lossy(*b);
    auto limits = truncation_for(options);
    const TruncationParams* cap = limits ? &*limits : nullptr;
    // The early exit does not apply to the first sequence with OnlySecond.
    Encoding ea = encode_sequence(a, 0, cap && cap->strategy != TruncationStrategy::only_second ? cap : nullptr);
    std::optional<Encoding> eb;
    if (b) eb = encode_sequence(*b, 1, cap);
    return post_process(std::move(ea), std::move(eb), options);
  }
};

namespace {

// Python's str.replace: every non-overlapping occurrence, left to right.
void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(s, pos, hit - pos);
    out.append(to);
  }
  out.append(s, pos, std::string::npos);
  s = std::move(out);
}

// transformers' PreTrainedTokenizerBase.clean_up_tokenization, in its order.
std::string clean_up_tokenization(std::string s) {
  static constexpr std::pair<std::string_view, std::string_view> kRules[] = {
      {" .", "."},     {" ?", "?"},   {" !", "!"},   {" ,", ","},     {" ' ", "'"},
      {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kRules) replace_all(s, from, to);
  return s;
}

TruncationParams parse_truncation(const JsonView& j) {
  TruncationParams p;
  p.max_length = j.at("max_length").as_u64();
  p.stride = j.at("stride").as_u64();
  std::string s = j.str("strategy");
  if (s == "LongestFirst")
    p.strategy = TruncationStrategy::longest_first;
  else if (s == "OnlyFirst")
    p.strategy = TruncationStrategy::only_first;
  else if (s == "OnlySecond")
    p.strategy = TruncationStrategy::only_second;
  else
    j.at("strategy").fail("unknown truncation strategy `" + s + "`");
  if (auto d = j.opt("direction")) {
    std::string v = d->as_string();
    if (v == "Left")
      p.direction = Direction::left;
    else if (v != "Right")
      d->fail("expected \"Left\" or \"Right\"");
  }
  return p;
}

PaddingParams parse_padding(const JsonView& j) {
  PaddingParams p;
  JsonView s = j.at("strategy");
  if (s.is_string()) {
    if (s.as_string() != "BatchLongest") s.fail("expected \"BatchLongest\" or {\"Fixed\": n}");
  } else if (s.is_object() && s.contains("Fixed")) {
    p.fixed = s.at("Fixed").as_u64();
  } else {
    s.fail("expected \"BatchLongest\" or {\"Fixed\": n}");
  }
  std::string d = j.str("direction");
  if (d == "Left")
    p.direction = Direction::left;
  else if (d != "Right")
    j.at("direction").fail("expected \"Left\" or \"Right\"");
  if (auto m = j.opt("pad_to_multiple_of"))
    p.pad_to_multiple_of = m->as_u64();
  else
    j.at("pad_to_multiple_of");  // required, may be null
  p.pad_id = j.u32("pad_id");
  p.pad_type_id = j.u32("pad_type_id");
  p.pad_token = j.str("pad_token");
  return p;
}

std::vector<AddedToken> parse_added_tokens(const JsonView& list) {
  std::vector<AddedToken> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    JsonView t = list[i];
    t.at("id").as_u32();  // required, but ids are recomputed (§1.3)
    out.push_back({t.str("content"), t.boolean("single_word"), t.boolean("lstrip"), t.boolean("rstrip"),
                   t.boolean("normalized"), t.boolean("special")});
  }
  return out;
}

}  // namespace

Tokenizer Tokenizer::from_json(std::string_view text) { return from_json(text, TokenizerConfig{}); }

namespace {

// Builds the pipeline of a parsed document; `model` and `decoder`, when given, replace the
// document's sections.
void build(const nlohmann::json& doc, std::unique_ptr<Model> model, std::unique_ptr<Decoder> decoder,
           TokenizerConfig config, std::unique_ptr<Tokenizer::Impl>& impl) {
  JsonView root(doc, "");
  if (!root.is_object()) root.fail("expected a JSON object");
  if (auto v = root.opt("version"); v && v->as_string() != "1.0")
    v->unsupported("version \"" + v->as_string() + "\" is not supported (expected \"1.0\")");
  impl = std::make_unique<Tokenizer::Impl>();
  try {
    static const nlohmann::json kNull;
    auto opt_node = [&](const char* key) { return root.contains(key) ? root.at(key) : JsonView(kNull, key); };
    impl->normalizer = make_normalizer(opt_node("normalizer"));
    impl->pre_tokenizer = make_pre_tokenizer(opt_node("pre_tokenizer"));
    impl->model = model ? std::move(model) : make_model(root.at("model"));
    impl->post_processor = make_post_processor(opt_node("post_processor"));
    impl->decoder = decoder ? std::move(decoder) : make_decoder(opt_node("decoder"));
    if (auto t = root.opt("truncation")) impl->truncation = parse_truncation(*t);
    if (auto p = root.opt("padding")) impl->padding = parse_padding(*p);
    if (auto a = root.opt("added_tokens"))
      impl->added.add_tokens(parse_added_tokens(*a), *impl->model, impl->normalizer.get());
  } catch (const nlohmann::json::exception& e) {
    throw Error(Errc::invalid_input, std::string("tokenizer.json: ") + e.what());
  }
  impl->config = std::move(config);
}

}  // namespace

Tokenizer Tokenizer::from_json(std::string_view text, TokenizerConfig config) {
  std::unique_ptr<Impl> impl;
  build(parse_document(text), nullptr, nullptr, std::move(config), impl);
  return Tokenizer(std::move(impl));
}

Tokenizer tokenizer::Assembler::assemble(const nlohmann::json& doc, std::unique_ptr<Model> model,
                                         std::unique_ptr<Decoder> decoder, TokenizerConfig config) {
  std::unique_ptr<Tokenizer::Impl> impl;
  build(doc, std::move(model), std::move(decoder), std::move(config), impl);
  return Tokenizer(std::move(impl));
}

Tokenizer Tokenizer::from_file(const std::filesystem::path& path) { return from_file(path, TokenizerConfig{}); }

Tokenizer Tokenizer::from_file(const std::filesystem::path& path, TokenizerConfig config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Errc::io, "cannot open " + path.string(), {.path = path.string()});
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error(Errc::io, "cannot read " + path.string(), {.path = path.string()});
  try {
    return from_json(ss.str(), std::move(config));
  } catch (const Error& e) {
    ErrorContext c = e.context();
    c.path = path.string();
    std::string msg = e.what();
    // Name the actual file instead of the generic "tokenizer.json".
    if (msg.rfind("tokenizer.json: ", 0) == 0) msg = path.string() + ": " + msg.substr(16);
    throw Error(e.code(), msg, c);
  }
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Encoding Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  return encode(text, EncodeOptions{.add_special_tokens = add_special_tokens});
}

Encoding Tokenizer::encode_pair(std::string_view first, std::string_view second, bool add_special_tokens) const {
  return encode_pair(first, second, EncodeOptions{.add_special_tokens = add_special_tokens});
}

std::vector<Encoding> Tokenizer::encode_batch(const std::vector<std::string>& texts, bool add_special_tokens) const {
  return encode_batch(texts, EncodeOptions{.add_special_tokens = add_special_tokens});
}

Encoding Tokenizer::encode(std::string_view text, const EncodeOptions& options) const {
  return impl_->encode(text, std::nullopt, options);
}

Encoding Tokenizer::encode_pair(std::string_view first, std::string_view second, const EncodeOptions& options) const {
  return impl_->encode(first, second, options);
}

std::vector<Encoding> Tokenizer::encode_batch(const std::vector<std::string>& texts,
                                              const EncodeOptions& options) const {
  std::vector<Encoding> out(texts.size());
  std::vector<std::exception_ptr> errors(texts.size());
  // OpenMP's thread team (the one the engine uses): it outlives the call, so a batch costs no
  // thread creation, and the calling thread encodes too. Texts are handed out one at a time
  // because their lengths vary widely. Called from inside a parallel region, this runs on the
  // calling thread alone (nested regions are inactive).
  const auto n = static_cast<std::ptrdiff_t>(texts.size());
#pragma omp parallel for schedule(dynamic, 1) if (n > 1)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const auto at = static_cast<std::size_t>(i);
    try {
      out[at] = impl_->encode(texts[at], std::nullopt, options);
    } catch (...) {
      errors[at] = std::current_exception();
    }
  }
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  if (impl_->padding) {
    std::vector<Encoding*> ptrs;
    for (auto& e : out) ptrs.push_back(&e);
    pad_encodings(ptrs, *impl_->padding);
  }
  return out;
}

std::string Tokenizer::decode(const std::vector<std::uint32_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (std::uint32_t id : ids) {
    const std::string* t = impl_->added.id_to_token(id);
    if (!t) t = impl_->model->id_to_token(id);
    if (!t) continue;  // unknown ids are dropped
    if (skip_special_tokens && impl_->added.is_special(*t)) continue;
    tokens.push_back(*t);
  }
  if (impl_->decoder) {
    impl_->decoder->decode_chain(tokens);
    std::string out;
    for (const auto& t : tokens) out += t;
    return out;
  }
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i) out.push_back(' ');
    out += tokens[i];
  }
  return out;
}

std::string Tokenizer::decode(const std::vector<std::uint32_t>& ids, bool skip_special_tokens,
                              std::optional<bool> clean_up) const {
  std::string text = decode(ids, skip_special_tokens);
  return clean_up.value_or(impl_->config.clean_up_tokenization_spaces) ? clean_up_tokenization(text) : text;
}

const TokenizerConfig& Tokenizer::config() const noexcept { return impl_->config; }

std::optional<std::uint32_t> Tokenizer::pad_token_id() const {
  if (impl_->config.pad_token) return token_to_id(*impl_->config.pad_token);
  if (impl_->padding) return impl_->padding->pad_id;
  return std::nullopt;
}

std::optional<std::uint32_t> Tokenizer::mask_token_id() const {
  if (impl_->config.mask_token) return token_to_id(*impl_->config.mask_token);
  return std::nullopt;
}

std::optional<std::uint32_t> Tokenizer::token_to_id(std::string_view token) const {
  if (auto id = impl_->added.token_to_id(token)) return id;
  return impl_->model->token_to_id(token);
}

std::optional<std::string> Tokenizer::id_to_token(std::uint32_t id) const {
  if (const std::string* t = impl_->added.id_to_token(id)) return *t;
  if (const std::string* t = impl_->model->id_to_token(id)) return *t;
  return std::nullopt;
}

std::size_t Tokenizer::vocab_size() const {
  return impl_->model->vocab_size() + impl_->added.count_beyond(impl_->model->vocab_size());
}

}  // namespace hub
