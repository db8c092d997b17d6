#include "models/generate.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "hub/error.h"
#include "models/model_impl.h"

namespace hub::models {
namespace {

using Json = nlohmann::json;

template <typename T>
void read_field(const Json& j, const char* name, std::optional<T>& out, const std::string& file) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const Json::exception&) {
    throw Error(Errc::invalid_input, file + ": field '" + name + "' has the wrong type");
  }
}

void softmax(std::span<float> x) {
  float max = -INFINITY;
  for (float v : x) max = std::max(max, v);
  double sum = 0;
  for (auto& v : x) {
    v = v == -INFINITY ? 0.0f : std::exp(v - max);
    sum += v;
  }
  for (auto& v : x) v = static_cast<float>(v / sum);
}

}  // namespace

GenerationOptions read_generation_defaults(const std::filesystem::path& folder, const ModelConfig& config) {
  GenerationOptions d;
  for (auto id : config.eos_token_ids) d.eos_token_ids.push_back(id);
  d.pad_token_id = config.pad_token_id;
  const auto path = folder / "generation_config.json";
  if (!std::filesystem::exists(path)) return d;
  std::ifstream in(path, std::ios::binary);
  Json j;
  try {
    j = Json::parse(in);
  } catch (const Json::exception& e) {
    throw Error(Errc::invalid_input, path.string() + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw Error(Errc::invalid_input, path.string() + ": expected a JSON object");
  const std::string file = path.string();
  read_field(j, "max_new_tokens", d.max_new_tokens, file);
  read_field(j, "do_sample", d.do_sample, file);
  read_field(j, "temperature", d.temperature, file);
  read_field(j, "top_k", d.top_k, file);
  read_field(j, "top_p", d.top_p, file);
  read_field(j, "min_p", d.min_p, file);
  read_field(j, "repetition_penalty", d.repetition_penalty, file);
  read_field(j, "pad_token_id", d.pad_token_id, file);
  if (auto it = j.find("eos_token_id"); it != j.end() && !it->is_null()) {
    d.eos_token_ids.clear();
    if (it->is_number_integer()) {
      d.eos_token_ids.push_back(it->get<std::int64_t>());
    } else if (it->is_array()) {
      for (const auto& v : *it) {
        if (!v.is_number_integer())
          throw Error(Errc::invalid_input, file + ": field 'eos_token_id' must hold integers");
        d.eos_token_ids.push_back(v.get<std::int64_t>());
      }
    } else {
      throw Error(Errc::invalid_input, file + ": field 'eos_token_id' must be an id or a list of ids");
    }
  }
  return d;
}

GenerationOptions resolve_generation(const GenerationOptions& o, const GenerationOptions& d) {
  GenerationOptions r;
  r.max_new_tokens = o.max_new_tokens ? o.max_new_tokens : d.max_new_tokens ? d.max_new_tokens : 20;
  r.do_sample = o.do_sample ? o.do_sample : d.do_sample ? d.do_sample : false;
  r.temperature = o.temperature ? o.temperature : d.temperature ? d.temperature : 1.0f;
  r.top_k = o.top_k ? o.top_k : d.top_k ? d.top_k : 50;
  r.top_p = o.top_p ? o.top_p : d.top_p ? d.top_p : 1.0f;
  r.min_p = o.min_p ? o.min_p : d.min_p;
  r.repetition_penalty = o.repetition_penalty   ? o.repetition_penalty
                         : d.repetition_penalty ? d.repetition_penalty
                                                : 1.0f;
  r.seed = o.seed;
  r.eos_token_ids = o.eos_token_ids.empty() ? d.eos_token_ids : o.eos_token_ids;
  r.pad_token_id = o.pad_token_id ? o.pad_token_id : d.pad_token_id;
  if (*r.temperature <= 0 && *r.do_sample)
    throw Error(Errc::invalid_input, "temperature must be positive when sampling");
  if (*r.top_p <= 0 || *r.top_p > 1) throw Error(Errc::invalid_input, "top_p must be in (0, 1]");
  if (*r.repetition_penalty <= 0) throw Error(Errc::invalid_input, "repetition_penalty must be positive");
  return r;
}

std::int32_t choose_token(std::span<float> logits, std::span<const std::int32_t> history, const GenerationOptions& r,
                          std::mt19937_64& rng) {
  const std::size_t v = logits.size();
  if (*r.repetition_penalty != 1.0f) {
    std::vector<bool> seen(v, false);
    for (auto id : history) {
      if (id >= 0 && static_cast<std::size_t>(id) < v && !seen[static_cast<std::size_t>(id)]) {
        seen[static_cast<std::size_t>(id)] = true;
        float& s = logits[static_cast<std::size_t>(id)];
        s = s < 0 ? s * *r.repetition_penalty : s / *r.repetition_penalty;
      }
    }
  }
  if (!*r.do_sample) {
    return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  }
  if (*r.temperature != 1.0f) {
    for (auto& s : logits) s /= *r.temperature;
  }
  if (*r.top_k > 0 && *r.top_k < v) {
    std::vector<float> sorted(logits.begin(), logits.end());
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(*r.top_k - 1), sorted.end(),
                     std::greater<float>());
    const float kth = sorted[*r.top_k - 1];
    for (auto& s : logits) {
      if (s < kth) s = -INFINITY;
    }
  }
  if (*r.top_p < 1.0f) {
    // Drop the smallest tokens whose cumulative probability stays within 1 - top_p (the largest
    // token always stays).
    std::vector<std::size_t> order(v);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return logits[a] < logits[b]; });
    std::vector<float> probs(logits.begin(), logits.end());
    softmax(probs);
    double cumulative = 0;
    for (std::size_t i = 0; i + 1 < v; ++i) {
      cumulative += probs[order[i]];
      if (cumulative <= 1.0 - *r.top_p) logits[order[i]] = -INFINITY;
    }
  }
  if (r.min_p && *r.min_p > 0) {
    std::vector<float> probs(logits.begin(), logits.end());
    softmax(probs);
    const float threshold = *r.min_p * *std::max_element(probs.begin(), probs.end());
    for (std::size_t i = 0; i < v; ++i) {
      if (probs[i] < threshold) logits[i] = -INFINITY;
    }
  }
  std::vector<float> probs(logits.begin(), logits.end());
  softmax(probs);
  std::discrete_distribution<std::size_t> pick(probs.begin(), probs.end());
  return static_cast<std::int32_t>(pick(rng));
}

RowsState::RowsState(std::vector<std::vector<std::int32_t>> history, const GenerationOptions& resolved,
                     std::mt19937_64& rng, std::int32_t pad)
    : generated(history.size()),
      history_(std::move(history)),
      done_(history_.size(), false),
      options_(resolved),
      rng_(rng),
      pad_(pad) {}

RowsState::Outcome RowsState::advance(std::span<float> logits, std::size_t vocab, std::vector<std::int32_t>& next,
                                      const std::function<bool(std::size_t, std::int32_t)>& on_token) {
  bool all_done = true;
  for (std::size_t b = 0; b < history_.size(); ++b) {
    if (done_[b]) {
      next[b] = pad_;
      continue;
    }
    next[b] = choose_token(logits.subspan(b * vocab, vocab), history_[b], options_, rng_);
    history_[b].push_back(next[b]);
    generated[b].push_back(next[b]);
    const auto& eos = options_.eos_token_ids;
    if (std::find(eos.begin(), eos.end(), next[b]) != eos.end()) done_[b] = true;
    // The caller ends a row (a stop string, a cancelled stream) as an eos would.
    if (on_token && !on_token(b, next[b])) done_[b] = true;
    all_done = all_done && done_[b];
  }
  return all_done ? Outcome::all_done : Outcome::more;
}

}  // namespace hub::models

namespace hub {

std::vector<std::vector<std::int32_t>> Model::Impl::generate(
    const ModelInput& prompts, const GenerationOptions& options,
    const std::function<bool(std::size_t, std::int32_t)>& on_token) const {
  if (t5) return generate_seq2seq(prompts, options, on_token);
  if (!decoder || architecture.head.head != ModelHead::causal_lm) {
    throw Error(Errc::unsupported, architecture.name + " does not generate text (a causal LM is needed)");
  }
  const auto r = models::resolve_generation(options, generation);
  const std::size_t batch = prompts.batch, seq = prompts.seq_len, max_new = *r.max_new_tokens;
  if (batch == 0 || seq == 0) throw Error(Errc::invalid_input, "generate: empty prompt batch");
  if (prompts.input_ids.size() != batch * seq || prompts.attention_mask.size() != batch * seq) {
    throw Error(Errc::invalid_input, "generate: input_ids and attention_mask must hold batch x seq_len values");
  }
  for (std::size_t b = 0; b < batch; ++b) {
    if (prompts.attention_mask[b * seq + seq - 1] == 0) {
      throw Error(Errc::invalid_input,
                  "generate: prompts must be left-padded (row " + std::to_string(b) + " ends with padding)");
    }
  }
  std::mt19937_64 rng(r.seed ? *r.seed : std::random_device{}());
  std::lock_guard lock(mutex);
  auto cache = decoder->make_cache(batch, seq + max_new);
  std::vector<std::vector<std::int32_t>> history(batch);
  for (std::size_t b = 0; b < batch; ++b) {
    history[b].assign(prompts.input_ids.begin() + static_cast<std::ptrdiff_t>(b * seq),
                      prompts.input_ids.begin() + static_cast<std::ptrdiff_t>((b + 1) * seq));
  }
  const std::size_t vocab = decoder->vocab_size();
  std::vector<float> logits(batch * vocab);
  auto hidden = decoder->step(*backend, decoder_workspace, cache, prompts.input_ids, prompts.attention_mask, seq);
  std::size_t step_tokens = seq;
  const std::int32_t pad =
      static_cast<std::int32_t>(r.pad_token_id.value_or(r.eos_token_ids.empty() ? 0 : r.eos_token_ids.front()));
  models::RowsState rows(std::move(history), r, rng, pad);
  std::vector<std::int32_t> next(batch), ones(batch, 1);
  for (std::size_t t = 0; t < max_new; ++t) {
    // The last position of every row predicts its next token.
    std::vector<float> last(batch * hidden.cols);
    for (std::size_t b = 0; b < batch; ++b) {
      std::copy_n(hidden.row(b * step_tokens + step_tokens - 1), hidden.cols, last.data() + b * hidden.cols);
    }
    decoder->logits(*backend, engine::ConstMatrixView(last.data(), batch, hidden.cols, hidden.cols),
                    engine::dense(logits.data(), batch, vocab));
    const auto outcome = rows.advance(logits, vocab, next, on_token);
    if (outcome == models::RowsState::Outcome::all_done || t + 1 == max_new) break;
    hidden = decoder->step(*backend, decoder_workspace, cache, next, ones, 1);
    step_tokens = 1;
  }
  return rows.generated;
}

}  // namespace hub

namespace hub {

std::vector<std::vector<std::int32_t>> Model::Impl::generate_seq2seq(
    const ModelInput& inputs, const GenerationOptions& options,
    const std::function<bool(std::size_t, std::int32_t)>& on_token) const {
  const auto r = models::resolve_generation(options, generation);
  const std::size_t batch = inputs.batch, max_new = *r.max_new_tokens;
  std::mt19937_64 rng(r.seed ? *r.seed : std::random_device{}());
  std::lock_guard lock(mutex);
  auto encoded = t5->encode(*backend, decoder_workspace, inputs);
  std::vector<float> encoder_out(encoded.data, encoded.data + encoded.rows * encoded.cols);
  engine::ConstMatrixView enc(encoder_out.data(), encoded.rows, encoded.cols, encoded.cols);
  auto state = t5->start(*backend, decoder_workspace, enc, inputs.attention_mask, batch, max_new + 1);
  const std::size_t vocab = t5->vocab_size();
  std::vector<float> logits(batch * vocab);
  std::vector<std::int32_t> next(batch, t5->decoder_start());
  models::RowsState rows(std::vector<std::vector<std::int32_t>>(batch, {t5->decoder_start()}), r, rng,
                         static_cast<std::int32_t>(r.pad_token_id.value_or(0)));
  for (std::size_t t = 0; t < max_new; ++t) {
    auto hidden = t5->decode(*backend, decoder_workspace, state, next);
    t5->logits(*backend, hidden, engine::dense(logits.data(), batch, vocab));
    const auto outcome = rows.advance(logits, vocab, next, on_token);
    if (outcome != models::RowsState::Outcome::more) break;
  }
  return rows.generated;
}

}  // namespace hub
