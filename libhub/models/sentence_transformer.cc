// SentenceTransformer: modules.json (Transformer -> Pooling -> Normalize) over an encoder.
//
// Both naming generations are read: the classic module types
// ("sentence_transformers.models.Pooling", pooling_mode_mean_tokens: true, ...) and the
// version-6 ones ("sentence_transformers.sentence_transformer.modules.pooling.Pooling",
// pooling_mode: "mean", embedding_dimension). A module of any other kind (Dense, ...) is refused
// by name rather than skipped, since skipping it would silently change the embeddings.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hub/auto_tokenizer.h"
#include "hub/error.h"
#include "hub/model.h"
#include "hub/tokenizer.h"

namespace hub {
namespace {

using Json = nlohmann::json;

Json read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Errc::io, "cannot read " + path.string());
  try {
    return Json::parse(in);
  } catch (const Json::exception& e) {
    throw Error(Errc::invalid_input, path.string() + ": not valid JSON (" + e.what() + ")");
  }
}

// "sentence_transformers.models.Pooling" -> "Pooling".
std::string module_kind(const std::string& type) {
  auto dot = type.rfind('.');
  return dot == std::string::npos ? type : type.substr(dot + 1);
}

enum class PoolMode { cls, max, mean, mean_sqrt_len, weighted_mean, last_token };

PoolMode parse_pool_mode(const std::string& name, const std::string& where) {
  if (name == "cls") return PoolMode::cls;
  if (name == "max") return PoolMode::max;
  if (name == "mean") return PoolMode::mean;
  if (name == "mean_sqrt_len_tokens") return PoolMode::mean_sqrt_len;
  if (name == "weightedmean") return PoolMode::weighted_mean;
  if (name == "lasttoken") return PoolMode::last_token;
  throw Error(Errc::unsupported, where + ": pooling mode '" + name + "' is not supported");
}

// The pooling modes of a Pooling config, in sentence-transformers' concatenation order.
std::vector<PoolMode> read_pooling(const std::filesystem::path& path) {
  Json j = read_json(path);
  std::vector<PoolMode> modes;
  const std::string where = path.string();
  if (auto it = j.find("pooling_mode"); it != j.end() && !it->is_null()) {
    if (it->is_string()) {
      modes.push_back(parse_pool_mode(it->get<std::string>(), where));
    } else if (it->is_array()) {
      for (const auto& m : *it) {
        if (!m.is_string()) throw Error(Errc::invalid_input, where + ": pooling_mode entries must be strings");
        modes.push_back(parse_pool_mode(m.get<std::string>(), where));
      }
    } else {
      throw Error(Errc::invalid_input, where + ": pooling_mode must be a string or a list");
    }
  } else {
    const std::pair<const char*, PoolMode> flags[] = {{"pooling_mode_cls_token", PoolMode::cls},
                                                      {"pooling_mode_max_tokens", PoolMode::max},
                                                      {"pooling_mode_mean_tokens", PoolMode::mean},
                                                      {"pooling_mode_mean_sqrt_len_tokens", PoolMode::mean_sqrt_len},
                                                      {"pooling_mode_weightedmean_tokens", PoolMode::weighted_mean},
                                                      {"pooling_mode_lasttoken", PoolMode::last_token}};
    for (const auto& [key, mode] : flags) {
      if (j.value(key, false)) modes.push_back(mode);
    }
  }
  if (modes.empty()) throw Error(Errc::invalid_input, where + ": no pooling mode is enabled");
  if (!j.value("include_prompt", true)) {
    throw Error(Errc::unsupported, where + ": include_prompt false is not supported");
  }
  return modes;
}

}  // namespace

class SentenceTransformer::Impl {
 public:
  Impl(Model m, Tokenizer t) : model(std::move(m)), tokenizer(std::move(t)) {}
  Model model;
  Tokenizer tokenizer;
  std::vector<PoolMode> pooling;
  bool normalize = false;
  std::size_t max_seq_length = 0;
};

SentenceTransformer SentenceTransformer::from_pretrained(std::string_view name_or_path, const ModelOptions& options) {
  auto resolved = resolve_pretrained(name_or_path, options.pretrained);
  const auto& dir = resolved.folder;
  if (!std::filesystem::exists(dir / "modules.json")) {
    throw Error(Errc::invalid_input,
                std::string(name_or_path) + ": no modules.json (not a sentence-transformers model)");
  }
  Json modules = read_json(dir / "modules.json");
  if (!modules.is_array() || modules.empty())
    throw Error(Errc::invalid_input, (dir / "modules.json").string() + ": expected a list of modules");
  std::optional<std::filesystem::path> transformer_dir;
  std::vector<PoolMode> pooling;
  bool normalize = false;
  for (const auto& m : modules) {
    const std::string type = m.value("type", "");
    const std::string path = m.value("path", "");
    if (path.find("..") != std::string::npos || (!path.empty() && path.front() == '/')) {
      throw Error(Errc::invalid_input, "modules.json: unsafe module path '" + path + "'");
    }
    const std::string kind = module_kind(type);
    if (kind == "Transformer") {
      if (transformer_dir || !pooling.empty())
        throw Error(Errc::unsupported, "modules.json: Transformer must come first, once");
      transformer_dir = path.empty() ? dir : dir / path;
    } else if (kind == "Pooling") {
      pooling = read_pooling(dir / path / "config.json");
    } else if (kind == "Normalize") {
      normalize = true;
    } else {
      throw Error(Errc::unsupported,
                  "modules.json: module '" + type + "' is not supported (Transformer, Pooling, Normalize)");
    }
  }
  if (!transformer_dir) throw Error(Errc::invalid_input, "modules.json: no Transformer module");
  if (pooling.empty())
    throw Error(Errc::unsupported,
                "modules.json: a model without a Pooling module gives token embeddings, not sentence embeddings");
  ModelOptions model_options = options;
  model_options.head = ModelHead::base;
  auto model = AutoModel::from_pretrained(transformer_dir->string(), model_options);
  PretrainedOptions tok_options = options.pretrained;
  auto tokenizer = AutoTokenizer::from_pretrained(transformer_dir->string(), tok_options);
  auto impl = std::make_unique<Impl>(std::move(model), std::move(tokenizer));
  impl->pooling = std::move(pooling);
  impl->normalize = normalize;
  // max_seq_length: sentence_bert_config.json, else the smaller of the tokenizer's and the
  // model's limits (what sentence-transformers does).
  std::size_t limit = impl->model.config().max_position_embeddings;
  if (impl->model.config().model_type != "bert" && impl->model.config().model_type != "distilbert") {
    limit -= std::min<std::size_t>(limit, 2);  // RoBERTa-style positions start after padding_idx
  }
  if (auto tl = impl->tokenizer.config().model_max_length) limit = std::min(limit, *tl);
  if (auto p = *transformer_dir / "sentence_bert_config.json"; std::filesystem::exists(p)) {
    Json st = read_json(p);
    if (auto it = st.find("max_seq_length"); it != st.end() && it->is_number_unsigned()) limit = it->get<std::size_t>();
  }
  impl->max_seq_length = limit;
  return SentenceTransformer(std::move(impl));
}

SentenceTransformer::SentenceTransformer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SentenceTransformer::SentenceTransformer(SentenceTransformer&&) noexcept = default;
SentenceTransformer& SentenceTransformer::operator=(SentenceTransformer&&) noexcept = default;
SentenceTransformer::~SentenceTransformer() = default;

std::size_t SentenceTransformer::dimension() const noexcept {
  return impl_->model.config().hidden_size * impl_->pooling.size();
}
const Tokenizer& SentenceTransformer::tokenizer() const noexcept { return impl_->tokenizer; }

std::vector<std::vector<float>> SentenceTransformer::encode(const std::vector<std::string>& texts,
                                                            std::size_t batch_size) const {
  std::vector<std::vector<float>> out;
  out.reserve(texts.size());
  const std::size_t h = impl_->model.config().hidden_size;
  const std::uint32_t pad = impl_->tokenizer.pad_token_id().value_or(0);
  EncodeOptions eo;
  eo.max_length = impl_->max_seq_length;
  batch_size = std::max<std::size_t>(batch_size, 1);
  for (std::size_t start = 0; start < texts.size(); start += batch_size) {
    std::vector<std::string> chunk(
        texts.begin() + static_cast<std::ptrdiff_t>(start),
        texts.begin() + static_cast<std::ptrdiff_t>(std::min(texts.size(), start + batch_size)));
    auto encodings = impl_->tokenizer.encode_batch(chunk, eo);
    auto input = ModelInput::from_encodings(encodings, pad);
    auto result = impl_->model.forward(input);
    for (std::size_t b = 0; b < input.batch; ++b) {
      std::vector<float> embedding;
      const int* mask = input.attention_mask.data() + b * input.seq_len;
      auto token = [&](std::size_t s) { return result.hidden.row(b * input.seq_len + s); };
      for (PoolMode mode : impl_->pooling) {
        std::vector<float> pooled(h, 0.0f);
        double count = 0;
        switch (mode) {
          case PoolMode::cls: {
            auto t = token(0);
            pooled.assign(t.begin(), t.end());
            break;
          }
          case PoolMode::max: {
            // Padding is set to -1e9 before the max, as sentence-transformers does.
            std::fill(pooled.begin(), pooled.end(), -1e9f);
            for (std::size_t s = 0; s < input.seq_len; ++s) {
              if (!mask[s]) continue;
              auto t = token(s);
              for (std::size_t i = 0; i < h; ++i) pooled[i] = std::max(pooled[i], t[i]);
            }
            break;
          }
          case PoolMode::mean:
          case PoolMode::mean_sqrt_len:
          case PoolMode::weighted_mean: {
            for (std::size_t s = 0; s < input.seq_len; ++s) {
              if (!mask[s]) continue;
              const float w = mode == PoolMode::weighted_mean ? static_cast<float>(s + 1) : 1.0f;
              auto t = token(s);
              for (std::size_t i = 0; i < h; ++i) pooled[i] += w * t[i];
              count += w;
            }
            const double denom = std::max(mode == PoolMode::mean_sqrt_len ? std::sqrt(count) : count, 1e-9);
            for (auto& v : pooled) v = static_cast<float>(v / denom);
            break;
          }
          case PoolMode::last_token: {
            std::size_t last = 0;
            for (std::size_t s = 0; s < input.seq_len; ++s) {
              if (mask[s]) last = s;
            }
            auto t = token(last);
            pooled.assign(t.begin(), t.end());
            break;
          }
        }
        embedding.insert(embedding.end(), pooled.begin(), pooled.end());
      }
      if (impl_->normalize) {
        double norm = 0;
        for (float v : embedding) norm += double(v) * v;
        const double scale = 1.0 / std::max(std::sqrt(norm), 1e-12);
        for (auto& v : embedding) v = static_cast<float>(v * scale);
      }
      out.push_back(std::move(embedding));
    }
  }
  return out;
}

}  // namespace hub
