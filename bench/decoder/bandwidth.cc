#include "bandwidth.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "common.h"

namespace bench {
namespace {

// Four independent accumulators so the loop is bound by loads, not by one add chain.
std::uint64_t sum(const std::uint64_t* p, std::size_t n) {
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    a += p[i];
    b += p[i + 1];
    c += p[i + 2];
    d += p[i + 3];
  }
  for (; i < n; ++i) a += p[i];
  return a + b + c + d;
}

// Runs fn(begin, end, thread) over `threads` equal slices of [0, n) and waits for all of them.
template <typename Fn>
void split(std::size_t n, int threads, Fn fn) {
  std::vector<std::jthread> workers;
  const std::size_t t = static_cast<std::size_t>(threads), chunk = (n + t - 1) / t;
  for (std::size_t i = 0; i < t; ++i) {
    const std::size_t begin = std::min(n, i * chunk), end = std::min(n, begin + chunk);
    workers.emplace_back([=] { fn(begin, end, i); });
  }
}

nlohmann::json measure(const std::uint64_t* data, std::size_t n, int threads, int passes) {
  std::vector<double> gbps;
  std::vector<std::uint64_t> partial(static_cast<std::size_t>(threads));
  std::uint64_t checksum = 0;
  for (int p = 0; p < passes; ++p) {
    const auto start = std::chrono::steady_clock::now();
    split(n, threads,
          [&](std::size_t begin, std::size_t end, std::size_t t) { partial[t] = sum(data + begin, end - begin); });
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (auto v : partial) checksum += v;
    gbps.push_back(static_cast<double>(n * sizeof(std::uint64_t)) / s / 1e9);
  }
  return {{"threads", threads},
          {"passes_gb_per_s", gbps},
          {"best_gb_per_s", *std::max_element(gbps.begin(), gbps.end())},
          {"median_gb_per_s", median(gbps)},
          {"checksum", checksum}};
}

}  // namespace

nlohmann::json read_bandwidth(std::size_t megabytes, int threads, int passes) {
  const std::size_t n = megabytes * 1000000 / sizeof(std::uint64_t);
  std::unique_ptr<std::uint64_t[]> data(new std::uint64_t[n]);  // uninitialized: touched below
  split(n, threads, [&](std::size_t begin, std::size_t end, std::size_t) {
    for (std::size_t i = begin; i < end; ++i) data[i] = i * 0x9e3779b97f4a7c15ull;
  });
  nlohmann::json j = {{"buffer_mb", megabytes}};
  j["all_threads"] = measure(data.get(), n, threads, passes);
  if (threads > 1) j["one_thread"] = measure(data.get(), n, 1, passes);
  return j;
}

}  // namespace bench
