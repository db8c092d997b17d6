// Pickle weights are refused, never executed: the evil_bin fixture's pickle would run
// `os.system("echo PWNED > /tmp/libhub_pwned")` if anything unpickled it.
#include <catch2/catch.hpp>
#include <functional>

#include "formats/pickle.h"
#include "safetensors_helpers.h"

using Catch::Contains;
using hub::safetensors::test::fixture_repos;
using hub::safetensors::test::TempDir;

namespace {

const std::filesystem::path kMarker = "/tmp/libhub_pwned";

hub::Error error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const hub::Error& e) {
    return e;
  }
  return hub::Error(hub::Errc::internal, "<no error>");
}

void check_explains(const hub::Error& e) {
  CHECK(e.code() == hub::Errc::unsupported);
  CHECK_THAT(e.what(), Contains("pickle") && Contains("arbitrary code") && Contains("safetensors"));
}

}  // namespace

TEST_CASE("pickle weight names are recognised", "[safetensors][pickle]") {
  using hub::formats::is_pickle_weights;
  for (const char* name :
       {"pytorch_model.bin", "model.pt", "weights.pth", "last.ckpt", "data.pkl", "x.pickle", "PYTORCH_MODEL.BIN",
        "pytorch_model.bin.index.json", "pytorch_model-00001-of-00002.bin", "sub/dir/model.pt"})
    CHECK(is_pickle_weights(name));
  for (const char* name : {"model.safetensors", "model.safetensors.index.json", "config.json", "tokenizer.json",
                           "model.gguf", "model.onnx", "bin", "model.binx"})
    CHECK_FALSE(is_pickle_weights(name));
}

TEST_CASE("evil_bin: refused with an explanation, nothing executed", "[safetensors][pickle]") {
  std::error_code ec;
  std::filesystem::remove(kMarker, ec);
  REQUIRE_FALSE(std::filesystem::exists(kMarker));
  auto repo = fixture_repos() / "evil_bin";

  hub::Error direct = error_of([&] { hub::formats::refuse_pickle(repo / "pytorch_model.bin"); });
  check_explains(direct);
  CHECK_THAT(direct.what(), Contains("pytorch_model.bin"));
  CHECK(direct.context().path == (repo / "pytorch_model.bin").string());

  hub::Error folder = error_of([&] { hub::formats::find_safetensors_weights(repo); });
  check_explains(folder);
  CHECK_THAT(folder.what(), Contains("only pickle weights") && Contains("pytorch_model.bin"));

  // Handing the pickle to the safetensors reader directly: rejected as malformed, not run.
  hub::Error as_safetensors = error_of([&] { hub::safetensors::Checkpoint::open(repo / "pytorch_model.bin"); });
  CHECK(as_safetensors.code() == hub::Errc::invalid_input);

  CHECK_NOTHROW(hub::formats::refuse_pickle(repo / "config.json"));
  CHECK_FALSE(std::filesystem::exists(kMarker));
}

TEST_CASE("finding weights prefers safetensors even beside a pickle", "[safetensors][pickle]") {
  using hub::formats::find_safetensors_weights;
  // gpt2_lm carries both pytorch_model.bin and a sharded safetensors checkpoint.
  CHECK(find_safetensors_weights(fixture_repos() / "gpt2_lm").filename() == "model.safetensors.index.json");
  CHECK(find_safetensors_weights(fixture_repos() / "bert_mlm").filename() == "model.safetensors");
  TempDir dir;
  dir.put("only/adapter_model.safetensors", "x");
  CHECK(find_safetensors_weights(dir.path() / "only").filename() == "adapter_model.safetensors");
  dir.put("two/a.safetensors", "x");
  dir.put("two/b.safetensors", "x");
  CHECK(error_of([&] { find_safetensors_weights(dir.path() / "two"); }).code() == hub::Errc::invalid_input);
  dir.put("none/config.json", "{}");
  dir.put("none/training_args.bin", "x");
  CHECK(error_of([&] { find_safetensors_weights(dir.path() / "none"); }).code() == hub::Errc::entry_not_found);
  dir.put("sharded_pickle/pytorch_model.bin.index.json", "{}");
  check_explains(error_of([&] { find_safetensors_weights(dir.path() / "sharded_pickle"); }));
}
