// hub::pipeline: AutoTokenizer + AutoModel (or SentenceTransformer) + the task's post-processing.
#include "hub/pipeline.h"

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "core/fs.h"
#include "hub/error.h"
#include "pipelines/postprocess.h"
#include "pipelines/text_generation.h"
#include "pipelines/token_words.h"

namespace hub {
namespace {

using pipelines::TokenWords;

ModelHead head_for(Task task) {
  switch (task) {
    case Task::text_classification: return ModelHead::sequence_classification;
    case Task::token_classification: return ModelHead::token_classification;
    case Task::fill_mask: return ModelHead::masked_lm;
    case Task::text_generation: return ModelHead::causal_lm;
    case Task::text2text_generation: return ModelHead::seq2seq_lm;
    default: return ModelHead::base;
  }
}

bool generates(Task task) { return task == Task::text_generation || task == Task::text2text_generation; }

// Refuses options that the task does not take (transformers raises on unknown kwargs).
void check_options(Task task, const PipelineOptions& o) {
  auto refuse = [&](const char* option) {
    throw Error(Errc::invalid_input,
                std::string(option) + " does not apply to the " + std::string(to_string(task)) + " pipeline");
  };
  if (o.top_k && task != Task::text_classification && task != Task::fill_mask) refuse("top_k");
  if (o.top_k && task == Task::fill_mask && *o.top_k < 1)
    throw Error(Errc::invalid_input, "fill-mask: top_k must be a count of at least 1");
  if (o.top_k && *o.top_k < 0 && *o.top_k != top_k_all)
    throw Error(Errc::invalid_input, "top_k must be >= 0 or all, got " + std::to_string(*o.top_k));
  if (o.aggregation_strategy && task != Task::token_classification) refuse("aggregation_strategy");
  if (o.function_to_apply && task != Task::text_classification) refuse("function_to_apply");
  if (o.batch_size == 0) throw Error(Errc::invalid_input, "batch_size must be at least 1");
  if (!generates(task)) {
    const GenerationOptions& g = o.generation;
    if (g.max_new_tokens || g.do_sample || g.temperature || g.top_k || g.top_p || g.min_p || g.repetition_penalty ||
        g.seed || !g.eos_token_ids.empty() || g.pad_token_id)
      refuse("generation");
    if (!o.stop_strings.empty()) refuse("stop_strings");
    if (o.on_text) refuse("on_text");
  }
  if (!o.return_full_text && task != Task::text_generation) refuse("return_full_text");
}

}  // namespace

class Pipeline::Impl {
 public:
  Task task;
  PipelineOptions options;
  std::optional<Tokenizer> tokenizer;
  std::optional<Model> model;
  std::optional<SentenceTransformer> sentence_model;
  TokenWords words;  // token-classification
  std::size_t max_length = 0;
  std::uint32_t pad_id = 0;
  std::optional<std::uint32_t> mask_id;
  ClassificationFunction function = ClassificationFunction::softmax;
  mutable std::mutex mutex;  // one forward at a time

  PipelineResult run(const std::vector<std::string>& texts, bool batched) const;
  void run_batch(const std::vector<std::string>& texts, std::size_t first, std::size_t count,
                 std::vector<TextResult>& out) const;
};

void Pipeline::Impl::run_batch(const std::vector<std::string>& texts, std::size_t first, std::size_t count,
                               std::vector<TextResult>& out) const {
  std::vector<std::string> chunk(texts.begin() + first, texts.begin() + first + count);
  EncodeOptions eo;
  eo.add_special_tokens = true;
  eo.max_length = max_length;
  const std::vector<Encoding> encs = tokenizer->encode_batch(chunk, eo);
  const ModelOutput mo = model->forward(ModelInput::from_encodings(encs, pad_id));
  const auto& config = model->config();
  for (std::size_t b = 0; b < encs.size(); ++b) {
    const Encoding& enc = encs[b];
    std::size_t length = 0;  // real tokens (file padding, if any, is on the right)
    for (auto m : enc.attention_mask) length += m ? 1 : 0;
    if (enc.attention_mask.empty()) length = enc.size();
    TextResult r;
    switch (task) {
      case Task::text_classification:
        r.labels = pipelines::classify(mo.logits.row(b), config.id2label, function, options.top_k);
        break;
      case Task::token_classification: {
        const std::size_t seq = mo.logits.shape.at(1), n = mo.logits.shape.at(2);
        std::span<const float> all(mo.logits.values);
        r.entities =
            pipelines::classify_tokens(all.subspan(b * seq * n, seq * n), n, enc, chunk[b], config.id2label, words,
                                       options.aggregation_strategy.value_or(AggregationStrategy::none));
        break;
      }
      case Task::fill_mask: {
        const std::size_t seq = mo.logits.shape.at(1), vocab = mo.logits.shape.at(2);
        std::span<const float> all(mo.logits.values);
        const Tokenizer& tok = *tokenizer;
        std::vector<std::uint32_t> ids(enc.ids.begin(), enc.ids.begin() + static_cast<std::ptrdiff_t>(length));
        r.masks = pipelines::fill_mask(
            all.subspan(b * seq * vocab, seq * vocab), vocab, ids, *mask_id, tokenizer->pad_token_id(),
            static_cast<std::size_t>(options.top_k.value_or(5)),
            [&tok](const std::vector<std::uint32_t>& v, bool skip) { return tok.decode(v, skip, std::nullopt); });
        break;
      }
      case Task::feature_extraction: r.features = pipelines::sequence_features(mo.hidden, b, length); break;
      case Task::sentence_embeddings:
      case Task::text_generation:
      case Task::text2text_generation: break;
    }
    out.push_back(std::move(r));
  }
}

PipelineResult Pipeline::Impl::run(const std::vector<std::string>& texts, bool batched) const {
  PipelineResult result;
  result.task = task;
  result.batched = batched;
  result.top_k_given = options.top_k.has_value();
  std::lock_guard lock(mutex);
  if (task == Task::sentence_embeddings) {
    for (auto& e : sentence_model->encode(texts, options.batch_size)) {
      TextResult r;
      r.embedding = std::move(e);
      result.texts.push_back(std::move(r));
    }
    return result;
  }
  for (std::size_t first = 0; first < texts.size(); first += options.batch_size) {
    const std::size_t count = std::min(options.batch_size, texts.size() - first);
    if (generates(task))
      pipelines::generate_texts(*model, *tokenizer, std::span(texts).subspan(first, count), first, options, pad_id,
                                result.texts);
    else
      run_batch(texts, first, count, result.texts);
  }
  return result;
}

Pipeline::Pipeline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pipeline::Pipeline(Pipeline&&) noexcept = default;
Pipeline& Pipeline::operator=(Pipeline&&) noexcept = default;
Pipeline::~Pipeline() = default;

Task Pipeline::task() const noexcept { return impl_->task; }
std::size_t Pipeline::max_length() const noexcept { return impl_->max_length; }

PipelineResult Pipeline::operator()(std::string_view text) const { return impl_->run({std::string(text)}, false); }

PipelineResult Pipeline::operator()(const std::vector<std::string>& texts) const { return impl_->run(texts, true); }

Pipeline pipeline(std::string_view task_name, std::string_view model_name, const PipelineOptions& options) {
  auto impl = std::make_unique<Pipeline::Impl>();
  impl->task = parse_task(task_name);
  impl->options = options;
  check_options(impl->task, options);
  const ResolvedPretrained resolved = resolve_pretrained(model_name, options.model.pretrained);
  const std::string folder = resolved.folder.string();
  if (impl->task == Task::sentence_embeddings) {
    impl->sentence_model = SentenceTransformer::from_pretrained(folder, options.model);
    return Pipeline(std::move(impl));
  }
  ModelOptions mo = options.model;
  if (impl->task == Task::feature_extraction) mo.head = ModelHead::base;
  impl->model = AutoModel::from_pretrained(folder, mo);
  const ModelHead want = head_for(impl->task);
  if (impl->model->head() != want)
    throw Error(Errc::unsupported, std::string(model_name) + " is a " + impl->model->architecture() + " (" +
                                       std::string(to_string(impl->model->head())) + " head), which cannot run " +
                                       std::string(to_string(impl->task)) + " (needs a " +
                                       std::string(to_string(want)) + " head)");
  impl->tokenizer = AutoTokenizer::from_pretrained(folder, options.model.pretrained);
  const ModelConfig& config = impl->model->config();
  const Tokenizer& tok = *impl->tokenizer;
  if (generates(impl->task)) {
    // Padding ids are masked out; any id of the vocabulary will do, the repo's own first.
    const GenerationOptions& g = impl->model->generation_defaults();
    std::optional<std::uint32_t> pad = tok.pad_token_id();
    if (!pad && g.pad_token_id) pad = static_cast<std::uint32_t>(*g.pad_token_id);
    if (!pad && !g.eos_token_ids.empty()) pad = static_cast<std::uint32_t>(g.eos_token_ids.front());
    impl->pad_id = pad.value_or(0);
    impl->max_length = config.max_position_embeddings;
    return Pipeline(std::move(impl));
  }

  // Truncate at what both the tokenizer and the position embeddings allow.
  std::size_t max_len = config.max_position_embeddings;
  const auto& mt = config.model_type;
  if ((mt == "roberta" || mt == "xlm-roberta" || mt == "camembert") && config.pad_token_id && max_len > 0)
    max_len -= static_cast<std::size_t>(*config.pad_token_id) + 1;  // positions start after padding_idx
  if (auto m = tok.config().model_max_length; m && (max_len == 0 || *m < max_len)) max_len = *m;
  if (max_len == 0) throw Error(Errc::invalid_input, "cannot tell the maximum sequence length of " + folder);
  impl->max_length = max_len;
  impl->pad_id =
      tok.pad_token_id().value_or(config.pad_token_id ? static_cast<std::uint32_t>(*config.pad_token_id) : 0);

  switch (impl->task) {
    case Task::text_classification:
      impl->function = options.function_to_apply.value_or(
          pipelines::default_classification_function(config.problem_type, config.num_labels()));
      break;
    case Task::fill_mask:
      impl->mask_id = tok.mask_token_id();
      if (!impl->mask_id)
        throw Error(Errc::invalid_input, "fill-mask: the tokenizer of " + folder + " has no mask token");
      break;
    case Task::token_classification: {
      const auto json = fs::read_file(resolved.folder / "tokenizer.json");
      if (!json)
        throw Error(Errc::unsupported, "token-classification needs a tokenizer.json (fast tokenizer) in " + folder);
      impl->words = pipelines::token_words_from_json(*json, tok);
      if (auto unk = tok.config().unk_token) impl->words.unk_id = tok.token_to_id(*unk);
      break;
    }
    default: break;
  }
  return Pipeline(std::move(impl));
}

}  // namespace hub
