// text-generation and text2text-generation pipelines (see text_generation.h).
#include "pipelines/text_generation.h"

#include <chrono>
#include <optional>

#include "hub/error.h"

namespace hub::pipelines {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

bool contains_any(const std::string& text, const std::vector<std::string>& needles) {
  for (const auto& n : needles) {
    if (!n.empty() && text.find(n) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::string generated_text(const Tokenizer& tokenizer, std::string_view prompt, std::span<const std::int32_t> new_ids,
                           bool return_full_text) {
  const std::vector<std::uint32_t> ids(new_ids.begin(), new_ids.end());
  std::string text = tokenizer.decode(ids, true, std::nullopt);
  return return_full_text ? std::string(prompt) + text : text;
}

void generate_texts(const Model& model, const Tokenizer& tokenizer, std::span<const std::string> texts,
                    std::size_t first, const PipelineOptions& options, std::uint32_t pad_id,
                    std::vector<TextResult>& out) {
  const bool seq2seq = model.head() == ModelHead::seq2seq_lm;
  std::vector<Encoding> encs;
  encs.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    encs.push_back(tokenizer.encode(texts[i], true));
    if (encs.back().size() == 0)
      throw Error(Errc::invalid_input, "text-generation: text " + std::to_string(first + i) +
                                           " encodes to no tokens (the tokenizer adds no BOS to an empty prompt)");
  }
  const ModelInput input =
      ModelInput::from_encodings(encs, pad_id, seq2seq ? ModelInput::Padding::right : ModelInput::Padding::left);

  // One stream per text. A decoder-only model's stream is primed with the prompt, so the first
  // piece carries the space (or join) the tokenizer puts between prompt and continuation.
  std::vector<DecodeStream> streams;
  streams.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    streams.emplace_back(tokenizer, true);
    if (!seq2seq) {
      for (auto id : encs[i].ids) streams.back().step(id);
    }
  }
  const bool need_text = options.on_text || !options.stop_strings.empty();
  std::vector<std::string> continuation(texts.size());
  std::vector<Clock::time_point> last(texts.size());
  const auto start = Clock::now();
  std::optional<Clock::time_point> first_token;
  const auto generated = model.generate(input, options.generation, [&](std::size_t row, std::int32_t id) {
    const auto now = Clock::now();
    if (!first_token) first_token = now;
    last[row] = now;
    if (!need_text) return true;
    if (auto piece = streams[row].step(static_cast<std::uint32_t>(id))) {
      continuation[row] += *piece;
      if (options.on_text) options.on_text(first + row, *piece);
    }
    return !contains_any(continuation[row], options.stop_strings);
  });
  const auto end = Clock::now();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (options.on_text) {
      if (auto rest = streams[i].flush(); !rest.empty()) options.on_text(first + i, rest);
    }
    TextResult r;
    r.generated_ids = generated.at(i);
    r.generated_text = generated_text(tokenizer, texts[i], r.generated_ids, !seq2seq && options.return_full_text);
    r.generation.prompt_tokens = encs[i].size();
    r.generation.new_tokens = r.generated_ids.size();
    r.generation.prefill_seconds = seconds((first_token ? *first_token : end) - start);
    r.generation.decode_seconds = first_token && !r.generated_ids.empty() ? seconds(last[i] - *first_token) : 0.0;
    out.push_back(std::move(r));
  }
}

}  // namespace hub::pipelines
