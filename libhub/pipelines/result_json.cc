// PipelineResult::to_json: the value transformers' pipeline returns, as json.dumps writes it.
#include "hub/error.h"
#include "hub/pipeline.h"
#include "pipelines/python_json.h"

namespace hub {
namespace {

using Json = nlohmann::ordered_json;

// Python floats of float32 scores: the float32 value, widened exactly.
Json number(float v) { return Json(static_cast<double>(v)); }

Json label_json(const ClassLabel& l) { return Json{{"label", l.label}, {"score", number(l.score)}}; }

Json candidate_json(const FillMaskCandidate& c) {
  return Json{{"score", number(c.score)}, {"token", c.token}, {"token_str", c.token_str}, {"sequence", c.sequence}};
}

Json entity_json(const Entity& e) {
  Json j;
  if (e.index) {  // AggregationStrategy::none
    j["entity"] = e.entity;
    j["score"] = number(e.score);
    j["index"] = *e.index;
  } else {
    j["entity_group"] = e.entity;
    j["score"] = number(e.score);
  }
  j["word"] = e.word;
  j["start"] = e.start;
  j["end"] = e.end;
  return j;
}

Json floats_json(const float* v, std::size_t n) {
  Json a = Json::array();
  for (std::size_t i = 0; i < n; ++i) a.push_back(number(v[i]));
  return a;
}

// What transformers returns for one text passed alone (as a string).
Json text_json(const PipelineResult& r, const TextResult& t) {
  switch (r.task) {
    case Task::text_classification: {
      Json a = Json::array();
      for (const auto& l : t.labels) a.push_back(label_json(l));
      return a;
    }
    case Task::fill_mask: {
      Json masks = Json::array();
      for (const auto& m : t.masks) {
        Json a = Json::array();
        for (const auto& c : m) a.push_back(candidate_json(c));
        masks.push_back(std::move(a));
      }
      // One mask: its candidates; several: a list per mask.
      return masks.size() == 1 ? masks[0] : masks;
    }
    case Task::token_classification: {
      Json a = Json::array();
      for (const auto& e : t.entities) a.push_back(entity_json(e));
      return a;
    }
    case Task::feature_extraction: {
      const auto& f = t.features;
      Json outer = Json::array();
      if (f.shape.size() != 3) return outer;
      for (std::size_t b = 0; b < f.shape[0]; ++b) {
        Json rows = Json::array();
        for (std::size_t s = 0; s < f.shape[1]; ++s)
          rows.push_back(floats_json(f.values.data() + (b * f.shape[1] + s) * f.shape[2], f.shape[2]));
        outer.push_back(std::move(rows));
      }
      return outer;
    }
    case Task::sentence_embeddings: return floats_json(t.embedding.data(), t.embedding.size());
    case Task::text_generation:
    case Task::text2text_generation: return Json::array({Json{{"generated_text", t.generated_text}}});
  }
  return Json();
}

}  // namespace

std::string PipelineResult::to_json(std::size_t i) const {
  if (i >= texts.size())
    throw Error(Errc::invalid_input,
                "pipeline result: no text " + std::to_string(i) + " of " + std::to_string(texts.size()));
  return pipelines::python_dumps(text_json(*this, texts[i]));
}

std::string PipelineResult::to_json() const {
  if (!batched) {
    if (texts.size() != 1)
      throw Error(Errc::invalid_input,
                  "pipeline result: a single-text result holds " + std::to_string(texts.size()) + " texts");
    return to_json(0);
  }
  Json a = Json::array();
  for (const auto& t : texts) {
    // text-classification without top_k: one {label, score} per text, not a list.
    if (task == Task::text_classification && !top_k_given && t.labels.size() == 1) a.push_back(label_json(t.labels[0]));
    // text2text-generation given a list returns one {generated_text} per text, not a list.
    else if (task == Task::text2text_generation)
      a.push_back(Json{{"generated_text", t.generated_text}});
    else
      a.push_back(text_json(*this, t));
  }
  // fill-mask given a one-text list returns that text's result.
  if (task == Task::fill_mask && a.size() == 1) return pipelines::python_dumps(a[0]);
  return pipelines::python_dumps(a);
}

}  // namespace hub
