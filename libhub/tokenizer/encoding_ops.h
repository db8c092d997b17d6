// Operations on hub::Encoding used after tokenization (internal): merging sequences,
// truncation into overflowing windows, padding (tokenizer-json.md §10).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/tokenizer.h"

namespace hub::tokenizer {

enum class Direction { left, right };
enum class TruncationStrategy { longest_first, only_first, only_second };

struct TruncationParams {
  std::size_t max_length = 0;
  TruncationStrategy strategy = TruncationStrategy::longest_first;
  std::size_t stride = 0;
  Direction direction = Direction::right;
};

struct PaddingParams {
  std::optional<std::size_t> fixed;  // none = BatchLongest
  Direction direction = Direction::right;
  std::size_t pad_to_multiple_of = 0;
  std::uint32_t pad_id = 0, pad_type_id = 0;
  std::string pad_token;
};

// Appends `pair` to `e` (offsets are not shifted), combining overflowing windows as tokenizers does.
void merge_with(Encoding& e, const Encoding& pair);
// The same, taking `pair`'s vectors instead of copying them where it can.
void merge_with(Encoding& e, Encoding&& pair);
// Keeps the first window of `max_len` tokens; the others (step max_len - stride) go to
// e.overflowing. Throws invalid_input when stride >= max_len (tokenizers panics there).
void truncate(Encoding& e, std::size_t max_len, std::size_t stride, Direction dir);
// Truncates one sequence or a pair to params.max_length tokens in total.
void truncate_encodings(Encoding& a, Encoding* b, const TruncationParams& params);
// Pads every encoding (and its overflowing windows) to the padding target of the batch.
void pad_encodings(std::vector<Encoding*>& encs, const PaddingParams& params);

}  // namespace hub::tokenizer
