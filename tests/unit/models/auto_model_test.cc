// AutoModel on variants of the fixtures: dtypes, tied and renamed weights, bad checkpoints,
// pickle refusal, input validation, thread-count independence.
#include <catch2/catch.hpp>

#include "hub/error.h"
#include "hub/model.h"
#include "model_fixture.h"

using Catch::Contains;
using namespace hub::models::test;

namespace {

const std::vector<std::int32_t> kIds = {2, 48, 51, 986, 524, 822, 1444, 860, 312, 318, 5, 3};

hub::Error load_error(const std::filesystem::path& dir) {
  try {
    hub::AutoModel::from_pretrained(dir.string(), local_options());
  } catch (const hub::Error& e) {
    return e;
  }
  return hub::Error(hub::Errc::internal, "<loaded>");
}

}  // namespace

TEST_CASE("AutoModel refuses pickle weights without opening them", "[models]") {
  std::filesystem::remove("/tmp/libhub_pwned");
  auto e = load_error(fixture("evil_bin"));
  CHECK(e.code() == hub::Errc::unsupported);
  CHECK_THAT(e.what(), Contains("pickle") && Contains("safetensors"));
  CHECK_FALSE(std::filesystem::exists("/tmp/libhub_pwned"));
  // Naming the .bin file directly is refused the same way.
  try {
    hub::AutoModel::from_pretrained((fixture("evil_bin") / "pytorch_model.bin").string(), local_options());
    FAIL("loaded a pickle file");
  } catch (const hub::Error& err) {
    CHECK(err.code() == hub::Errc::unsupported);
  }
  CHECK_FALSE(std::filesystem::exists("/tmp/libhub_pwned"));
}

TEST_CASE("BF16 and F16 checkpoints give the F32 results within their precision", "[models]") {
  auto reference = hub::AutoModel::from_pretrained(fixture("bert_mlm").string(), local_options());
  auto expected = reference.forward(input_of(kIds));
  for (auto dtype : {hub::safetensors::Dtype::bf16, hub::safetensors::Dtype::f16}) {
    TempDir dir;
    write_variant(dir, "bert_mlm", [&](TensorEdit& e) {
      e.dtype = dtype;
      return true;
    });
    auto model = hub::AutoModel::from_pretrained(dir.path().string(), local_options());
    auto out = model.forward(input_of(kIds));
    // Rounding the weights to 8 (BF16) or 11 (F16) mantissa bits moves the logits by at most a
    // few hundredths on this model; a wrong conversion moves them by whole units.
    const double tolerance = dtype == hub::safetensors::Dtype::bf16 ? 0.05 : 0.01;
    INFO(hub::safetensors::to_string(dtype));
    CHECK(max_diff(out.logits.values, expected.logits.values) < tolerance);
    CHECK(max_diff(out.logits.values, expected.logits.values) > 0);
  }
}

TEST_CASE("BF16 weights kept as BF16 compute what their f32 conversion computes", "[models]") {
  for (const char* name : {"bert_mlm", "llama_lm"}) {
    TempDir dir;
    write_variant(dir, name, [&](TensorEdit& e) {
      e.dtype = hub::safetensors::Dtype::bf16;
      return true;
    });
    auto converted_options = local_options();
    converted_options.keep_bf16_weights = false;
    auto converted = hub::AutoModel::from_pretrained(dir.path().string(), converted_options);
    auto kept = hub::AutoModel::from_pretrained(dir.path().string(), local_options());
    // A 1-row input takes the dot-product path, a 12-row input the widened-block GEMM path.
    const std::vector<std::int32_t> ids12 = {2, 48, 51, 986, 524, 822, 144, 860, 312, 318, 5, 3};  // < 1000
    for (const auto& ids : {std::vector<std::int32_t>{2}, ids12}) {
      auto a = converted.forward(input_of(ids));
      auto b = kept.forward(input_of(ids));
      INFO(name << " with " << ids.size() << " tokens");
      CHECK(max_diff(a.logits.values, b.logits.values) < 1e-4);
    }
  }
}

TEST_CASE("Older checkpoints: gamma/beta names and an explicit decoder", "[models]") {
  auto reference = hub::AutoModel::from_pretrained(fixture("bert_mlm").string(), local_options());
  auto expected = reference.forward(input_of(kIds));
  std::vector<float> embeddings;
  {
    TempDir dir;
    write_variant(dir, "bert_mlm", [&](TensorEdit& e) {
      if (e.name.ends_with("LayerNorm.weight"))
        e.name.replace(e.name.size() - 6, 6, "gamma");
      else if (e.name.ends_with("LayerNorm.bias"))
        e.name.replace(e.name.size() - 4, 4, "beta");
      return true;
    });
    auto out = hub::AutoModel::from_pretrained(dir.path().string(), local_options()).forward(input_of(kIds));
    CHECK(max_diff(out.logits.values, expected.logits.values) == 0);
  }
  {
    // An untied decoder stored in the file is used instead of the word embeddings: with the
    // negated embeddings as decoder, logits + reference logits = 2 x bias.
    std::vector<float> bias;
    std::vector<std::uint64_t> shape;
    auto file = hub::safetensors::File::open(fixture("bert_mlm") / "model.safetensors");
    auto we = file.get("bert.embeddings.word_embeddings.weight");
    embeddings.resize(we.element_count());
    hub::safetensors::to_f32(we, embeddings);
    for (auto& v : embeddings) v = -v;
    shape.assign(we.shape.begin(), we.shape.end());
    auto b = file.get("cls.predictions.bias");
    bias.resize(b.element_count());
    hub::safetensors::to_f32(b, bias);
    TempDir dir;
    write_variant(dir, "bert_mlm", [](TensorEdit&) { return true; }, {},
                  {TensorEdit{"cls.predictions.decoder.weight", hub::safetensors::Dtype::f32, shape, embeddings}});
    auto out = hub::AutoModel::from_pretrained(dir.path().string(), local_options()).forward(input_of(kIds));
    REQUIRE(out.logits.values.size() == expected.logits.values.size());
    double worst = 0;
    for (std::size_t i = 0; i < out.logits.values.size(); ++i) {
      worst = std::max(worst,
                       double(std::fabs(out.logits.values[i] + expected.logits.values[i] - 2 * bias[i % bias.size()])));
    }
    CHECK(worst < 1e-4);
  }
}

TEST_CASE("Missing and mis-shaped tensors are named", "[models]") {
  {
    TempDir dir;
    write_variant(dir, "bert_ner", [](TensorEdit& e) { return e.name != "bert.encoder.layer.1.output.dense.weight"; });
    auto e = load_error(dir.path());
    CHECK(e.code() == hub::Errc::invalid_input);
    CHECK_THAT(e.what(), Contains("bert.encoder.layer.1.output.dense.weight") && Contains("missing"));
  }
  {
    TempDir dir;
    write_variant(dir, "bert_ner", [](TensorEdit& e) {
      if (e.name == "classifier.weight") e.shape = {e.shape[1], e.shape[0]};
      return true;
    });
    auto e = load_error(dir.path());
    CHECK_THAT(e.what(), Contains("classifier.weight") && Contains("[64, 5]") && Contains("expected [5, 64]"));
  }
  {
    TempDir dir;
    write_variant(
        dir, "bert_ner", [](TensorEdit&) { return true; },
        [](std::string c) { return c.replace(c.find("\"bert\""), 6, "\"gpt_neo\""); });
    auto e = load_error(dir.path());
    CHECK(e.code() == hub::Errc::unsupported);
    CHECK_THAT(e.what(), Contains("gpt_neo"));
  }
}

TEST_CASE("forward validates its input", "[models]") {
  auto model = hub::AutoModel::from_pretrained(fixture("bert_ner").string(), local_options());
  auto expect_invalid = [&](const hub::ModelInput& in, const char* what) {
    try {
      model.forward(in);
      FAIL("accepted a bad batch");
    } catch (const hub::Error& e) {
      CHECK(e.code() == hub::Errc::invalid_input);
      CHECK_THAT(e.what(), Contains(what));
    }
  };
  expect_invalid(input_of({2, 1500, 3}), "outside the vocabulary");
  expect_invalid(input_of({2, -1, 3}), "outside the vocabulary");
  expect_invalid(input_of(std::vector<std::int32_t>(129, 5)), "longer than the model's 128 positions");
  auto bad = input_of({2, 5, 3});
  bad.attention_mask.pop_back();
  expect_invalid(bad, "batch x seq_len");
}

TEST_CASE("RoBERTa's positions leave room for the padding index", "[models]") {
  auto model = hub::AutoModel::from_pretrained(fixture("roberta_cls").string(), local_options());
  // max_position_embeddings 130 with padding_idx 1: 128 tokens fit, 129 do not.
  CHECK_NOTHROW(model.forward(input_of(std::vector<std::int32_t>(128, 5))));
  CHECK_THROWS_WITH(model.forward(input_of(std::vector<std::int32_t>(129, 5))), Contains("128 positions"));
}

TEST_CASE("Results do not depend on the thread count or on padding", "[models]") {
  auto one = hub::AutoModel::from_pretrained(fixture("distilbert_sst2").string(), local_options(1));
  auto many = hub::AutoModel::from_pretrained(fixture("distilbert_sst2").string(), local_options(4));
  auto a = one.forward(input_of(kIds));
  auto b = many.forward(input_of(kIds));
  CHECK(max_diff(a.logits.values, b.logits.values) < 1e-5);
  // The same text inside a right-padded batch of two gives the same logits.
  hub::ModelInput batch;
  batch.batch = 2;
  batch.seq_len = kIds.size() + 5;
  for (int row = 0; row < 2; ++row) {
    for (std::size_t s = 0; s < batch.seq_len; ++s) {
      bool real = s < kIds.size() - (row == 0 ? 0 : 4);
      batch.input_ids.push_back(real ? kIds[s] : 0);
      batch.attention_mask.push_back(real ? 1 : 0);
    }
  }
  auto c = many.forward(batch);
  std::vector<float> first(c.logits.values.begin(), c.logits.values.begin() + 2);
  CHECK(max_diff(first, a.logits.values) < 1e-5);
}

TEST_CASE("A batch split across threads gives what the whole batch gives", "[models]") {
  // ModelOptions::split_batches runs a batch of at least `threads` sequences as one sub-batch per
  // thread; every sequence must come out as it does from the whole batch and on its own.
  auto split_options = local_options(2);
  auto whole_options = local_options(2);
  whole_options.split_batches = false;
  for (const char* name : {"bert_ner", "roberta_cls", "distilbert_sst2"}) {
    INFO(name);
    auto split = hub::AutoModel::from_pretrained(fixture(name).string(), split_options);
    auto whole = hub::AutoModel::from_pretrained(fixture(name).string(), whole_options);
    for (std::size_t rows : {2u, 5u, 9u}) {  // 9 = 5 + 4: parts of unequal size; 5 stays whole
      hub::ModelInput batch;
      batch.batch = rows;
      batch.seq_len = kIds.size();
      for (std::size_t row = 0; row < rows; ++row) {
        for (std::size_t s = 0; s < kIds.size(); ++s) {
          const bool real = s < kIds.size() - row % 4;  // right padding of 0..3 tokens
          batch.input_ids.push_back(real ? 5 + kIds[(s + row) % kIds.size()] % 1000 : 1);
          batch.attention_mask.push_back(real ? 1 : 0);
        }
      }
      auto a = split.forward(batch);
      auto b = whole.forward(batch);
      REQUIRE(a.hidden.values.size() == b.hidden.values.size());
      CHECK(max_diff(a.hidden.values, b.hidden.values) < 1e-5);
      CHECK(max_diff(a.logits.values, b.logits.values) < 1e-5);
    }
  }
}
