// Shared by bench_decoder_gen and bench_decoder: the prompt both peers feed (torch_llama.py
// computes the same ids with the same formula), medians and process memory statistics.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace bench {

// Token id at prompt position s: a fixed hash, the same in torch_llama.py (prompt_ids()).
inline std::int32_t prompt_id(std::size_t s, std::size_t vocab) {
  const std::uint64_t x = (static_cast<std::uint64_t>(s) * 7919u + 101u) * 2654435761u;
  return static_cast<std::int32_t>((x >> 8) % vocab);
}

inline std::vector<std::int32_t> prompt(std::size_t length, std::size_t vocab) {
  std::vector<std::int32_t> ids(length);
  for (std::size_t s = 0; s < length; ++s) ids[s] = prompt_id(s, vocab);
  return ids;
}

// Peak resident set size of this process, in bytes (Linux reports ru_maxrss in KiB).
inline std::uint64_t peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::uint64_t>(u.ru_maxrss) * 1024u;
}

// Current resident memory of this process split as /proc/self/status reports it: anonymous
// (heap: weights converted at load, activations) and file-backed (mapped safetensors pages).
struct Resident {
  std::uint64_t anon = 0;
  std::uint64_t file = 0;
};

inline Resident resident() {
  Resident r;
  std::ifstream status("/proc/self/status");
  std::string key;
  std::uint64_t kib = 0;
  while (status >> key) {
    if (key == "RssAnon:" && status >> kib) r.anon = kib * 1024u;
    if (key == "RssFile:" && status >> kib) r.file = kib * 1024u;
  }
  return r;
}

inline double median(std::vector<double> xs) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  const std::size_t n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

}  // namespace bench
