// golden_check FIXTURE_DIR [--device cpu] [--tolerance T]: runs a reference fixture's golden
// cases through AutoModel and compares with what transformers computed (golden.json +
// golden.safetensors, see tests/fixtures/README.md). Prints one line per check with the max
// absolute error and PASS/FAIL; exits 0 only when every check passes.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "hub/error.h"
#include "hub/model.h"
#include "hub/safetensors.h"

namespace {

using nlohmann::json;

struct Options {
  std::filesystem::path dir;
  std::string device = "cpu";
  double tolerance = 1e-4;
};

struct Report {
  int failures = 0;
  int checks = 0;
  void line(const std::string& what, double err, double tol) {
    ++checks;
    bool ok = std::isfinite(err) && err <= tol;
    if (!ok) ++failures;
    std::printf("%-40s max_abs_err=%.3g tol=%.1g %s\n", what.c_str(), err, tol, ok ? "PASS" : "FAIL");
  }
  void fail(const std::string& what, const std::string& why) {
    ++checks;
    ++failures;
    std::printf("%-40s FAIL: %s\n", what.c_str(), why.c_str());
  }
};

std::vector<float> read_tensor(const hub::safetensors::File& file, const std::string& name) {
  auto view = file.get(name);
  std::vector<float> out(view.element_count());
  hub::safetensors::to_f32(view, out);
  return out;
}

std::vector<std::int32_t> ints(const json& j) {
  std::vector<std::int32_t> out;
  for (const auto& v : j) out.push_back(v.get<std::int32_t>());
  return out;
}

// Max |a - b| over the rows of [rows, n] tensors where keep(row) holds.
template <typename Keep>
double max_error(const std::vector<float>& ours, const std::vector<float>& golden, std::size_t rows, Keep keep) {
  if (ours.size() != golden.size() || rows == 0) return INFINITY;
  const std::size_t n = golden.size() / rows;
  double err = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    if (!keep(r)) continue;
    for (std::size_t i = 0; i < n; ++i) err = std::max(err, std::fabs(double(ours[r * n + i]) - golden[r * n + i]));
  }
  return err;
}

void check_output(Report& report, const std::string& label, const hub::ModelOutput& out, const json& tensors,
                  const hub::safetensors::File& golden, const std::vector<std::int32_t>& mask, double tol) {
  const std::size_t tokens = mask.size();
  auto keep = [&](std::size_t r) { return mask[r] != 0; };
  if (tensors.contains("hidden")) {
    auto g = read_tensor(golden, tensors["hidden"]);
    report.line(label + " hidden", max_error(out.hidden.values, g, tokens, keep), tol);
  }
  if (tensors.contains("logits")) {
    auto g = read_tensor(golden, tensors["logits"]);
    const bool per_token = out.logits.shape.size() == 3;
    double err = per_token ? max_error(out.logits.values, g, tokens, keep)
                           : max_error(out.logits.values, g, 1, [](std::size_t) { return true; });
    report.line(label + " logits", err, tol);
  }
}

int run(const Options& opt) {
  std::ifstream in(opt.dir / "golden.json");
  if (!in) throw hub::Error(hub::Errc::io, "cannot read " + (opt.dir / "golden.json").string());
  json g = json::parse(in);
  auto golden = hub::safetensors::File::open(opt.dir / "golden.safetensors");
  Report report;
  hub::ModelOptions mo;
  mo.device = opt.device;
  mo.pretrained.local_files_only = true;
  std::printf("fixture %s (%s)\n", opt.dir.filename().c_str(), g.value("architecture", "?").c_str());
  if (g.contains("cases")) {
    auto model = hub::AutoModel::from_pretrained(opt.dir.string(), mo);
    for (const auto& c : g["cases"]) {
      hub::ModelInput input;
      input.input_ids = ints(c["input_ids"]);
      input.attention_mask = ints(c["attention_mask"]);
      input.batch = 1;
      input.seq_len = input.input_ids.size();
      check_output(report, c["name"].get<std::string>(), model.forward(input), c["tensors"], golden,
                   input.attention_mask, opt.tolerance);
    }
    if (g.contains("batch")) {
      const auto& b = g["batch"];
      hub::ModelInput input;
      input.batch = b["input_ids"].size();
      for (const auto& row : b["input_ids"]) {
        auto r = ints(row);
        input.seq_len = r.size();
        input.input_ids.insert(input.input_ids.end(), r.begin(), r.end());
      }
      for (const auto& row : b["attention_mask"]) {
        auto r = ints(row);
        input.attention_mask.insert(input.attention_mask.end(), r.begin(), r.end());
      }
      check_output(report, "batch (" + std::string(b.value("padding_side", "right")) + "-padded)",
                   model.forward(input), b["tensors"], golden, input.attention_mask, opt.tolerance);
    }
  }
  if (g.contains("texts") && g.contains("tensors") && g["tensors"].contains("embeddings")) {
    // A sentence-transformers repo: SentenceTransformer.encode over the texts.
    auto st = hub::SentenceTransformer::from_pretrained(opt.dir.string(), mo);
    std::vector<std::string> texts = g["texts"].get<std::vector<std::string>>();
    auto embeddings = st.encode(texts);
    auto expected = read_tensor(golden, g["tensors"]["embeddings"]);
    std::vector<float> ours;
    for (const auto& e : embeddings) ours.insert(ours.end(), e.begin(), e.end());
    report.line("embeddings (" + std::to_string(texts.size()) + " texts)",
                max_error(ours, expected, texts.size(), [](std::size_t) { return true; }), opt.tolerance);
  }
  if (report.checks == 0) report.fail("golden.json", "no case this tool knows how to check");
  std::printf("%d/%d checks passed: %s\n", report.checks - report.failures, report.checks,
              report.failures == 0 ? "PASS" : "FAIL");
  return report.failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::puts("usage: golden_check FIXTURE_DIR [--device cpu] [--tolerance T]\n"
                "Runs golden.json's cases (single texts, the padded batch, pipeline outputs) through\n"
                "AutoModel and prints each check's max absolute error; exit 0 only when all pass.");
      return 0;
    }
    if (a == "--device" && i + 1 < argc) {
      opt.device = argv[++i];
    } else if (a == "--tolerance" && i + 1 < argc) {
      opt.tolerance = std::stod(argv[++i]);
    } else if (!a.empty() && a[0] != '-' && opt.dir.empty()) {
      opt.dir = a;
    } else {
      std::fprintf(stderr, "golden_check: unexpected argument '%s' (see --help)\n", a.c_str());
      return 2;
    }
  }
  if (opt.dir.empty()) {
    std::fprintf(stderr, "golden_check: FIXTURE_DIR is required (see --help)\n");
    return 2;
  }
  try {
    return run(opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "golden_check: %s\n", e.what());
    return 3;
  }
}
