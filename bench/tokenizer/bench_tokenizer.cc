// bench_tokenizer: hub::Tokenizer load and encode throughput, timed; one JSON object on stdout.
//
//   bench_tokenizer --tokenizer FILE --texts FILE [--batch 64] [--runs 3] [--no-special]
//
// FILE of --texts holds one JSON string per line. Reports the load time of the tokenizer file,
// then, per run, the time to encode every text one at a time (encode) and in batches of --batch
// (encode_batch, all cores), as medians over --runs; only tokenizer calls are timed. The batches
// are timed again on one thread (encode_batch runs on OpenMP's team: omp_set_num_threads(1)), so
// that the batch scaling over cores shows on its own. The token count is printed so that run.mjs
// can check both peers did the same work.
#include <omp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "hub/error.h"
#include "hub/tokenizer.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  const std::size_t n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

std::vector<std::string> read_texts(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<std::string> texts;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) texts.push_back(nlohmann::json::parse(line).get<std::string>());
  return texts;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hub::Tokenizer encode throughput"};
  std::string tokenizer_file, texts_file;
  std::size_t batch = 64, runs = 3;
  bool no_special = false;
  app.add_option("--tokenizer", tokenizer_file, "tokenizer.json")->required();
  app.add_option("--texts", texts_file, "one JSON string per line")->required();
  app.add_option("--batch", batch, "texts per encode_batch call")->check(CLI::PositiveNumber);
  app.add_option("--runs", runs, "timed passes over the texts")->check(CLI::PositiveNumber);
  app.add_flag("--no-special", no_special, "do not add the post-processor's special tokens");
  CLI11_PARSE(app, argc, argv);

  try {
    const std::vector<std::string> texts = read_texts(texts_file);
    std::size_t bytes = 0;
    for (const auto& t : texts) bytes += t.size();

    auto start = Clock::now();
    const hub::Tokenizer tok = hub::Tokenizer::from_file(tokenizer_file);
    const double load_s = seconds_since(start);

    std::vector<double> single, batched, batched_one_thread;
    std::size_t tokens_single = 0, tokens_batched = 0;
    for (std::size_t r = 0; r < runs; ++r) {
      std::size_t n = 0;
      start = Clock::now();
      for (const auto& t : texts) n += tok.encode(t, !no_special).size();
      single.push_back(seconds_since(start));
      tokens_single = n;

      auto time_batches = [&](std::size_t& tokens) {
        tokens = 0;
        double s = 0;
        std::vector<std::string> chunk;
        for (std::size_t i = 0; i < texts.size(); i += batch) {
          chunk.assign(texts.begin() + static_cast<std::ptrdiff_t>(i),
                       texts.begin() + static_cast<std::ptrdiff_t>(std::min(texts.size(), i + batch)));
          auto t0 = Clock::now();
          const auto encs = tok.encode_batch(chunk, !no_special);
          s += seconds_since(t0);
          for (const auto& e : encs) tokens += e.size();
        }
        return s;
      };
      batched.push_back(time_batches(tokens_batched));
      const int all_threads = omp_get_max_threads();
      omp_set_num_threads(1);
      std::size_t tokens_one = 0;
      batched_one_thread.push_back(time_batches(tokens_one));
      omp_set_num_threads(all_threads);
    }
    const nlohmann::json out = {{"texts", texts.size()},
                                {"bytes", bytes},
                                {"load_s", load_s},
                                {"encode_s", median(single)},
                                {"encode_batch_s", median(batched)},
                                {"encode_batch_1t_s", median(batched_one_thread)},
                                {"threads", omp_get_max_threads()},
                                {"tokens", tokens_single},
                                {"tokens_batch", tokens_batched}};
    std::printf("%s\n", out.dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_tokenizer: %s\n", e.what());
    return 1;
  }
  return 0;
}
