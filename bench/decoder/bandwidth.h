// Streaming read bandwidth of this machine: the bound on decode speed when every generated token
// reads all the weights once.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

namespace bench {

// Sums a buffer of `megabytes` MB (touched first, by the threads that later read it) with
// `threads` threads, `passes` times; reports every pass and the best and median GB/s, for
// `threads` threads and for one.
nlohmann::json read_bandwidth(std::size_t megabytes, int threads, int passes);

}  // namespace bench
