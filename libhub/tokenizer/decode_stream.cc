// DecodeStream: the text each new id completes, by decoding a sliding window of ids and
// emitting what grew past the window's previous text (the algorithm of tokenizers'
// DecodeStream, so streamed text equals the full decode for every decoder: byte fallback,
// byte-level, Metaspace, WordPiece's "##" joins).
#include "hub/tokenizer.h"

namespace hub {

namespace {
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD: an incomplete UTF-8 sequence
}

DecodeStream::DecodeStream(const Tokenizer& tokenizer, bool skip_special_tokens)
    : tokenizer_(tokenizer), skip_special_(skip_special_tokens) {}

std::optional<std::string> DecodeStream::step(std::uint32_t id) {
  ids_.push_back(id);
  std::string text = tokenizer_.decode(ids_, skip_special_);
  if (text.size() <= prefix_.size() || text.ends_with(kReplacement) || !text.starts_with(prefix_)) {
    return std::nullopt;
  }
  std::string fresh = text.substr(prefix_.size());
  // Keep only the ids from the previous prefix start: enough context for the decoder's
  // joins, without re-decoding the whole generation at every step.
  const std::size_t new_prefix_index = ids_.size() - prefix_index_;
  ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(prefix_index_));
  prefix_ = tokenizer_.decode(ids_, skip_special_);
  prefix_index_ = new_prefix_index;
  return fresh;
}

std::string DecodeStream::flush() {
  std::string text = tokenizer_.decode(ids_, skip_special_);
  std::string rest = text.size() > prefix_.size() && text.starts_with(prefix_) ? text.substr(prefix_.size()) : "";
  prefix_ = text;
  return rest;
}

}  // namespace hub
