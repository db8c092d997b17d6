// Terminal progress for `hub pull`: a total bar plus one line per active file, with rate and
// ETA, redrawn at most 10 times a second on stderr. Prints nothing when stderr is not a TTY.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "hub/pull.h"

namespace hub::cli {

class PullProgressView {
 public:
  explicit PullProgressView(bool enabled);
  ~PullProgressView();
  void on_event(const PullProgress& event);
  // Erases the bars (before the final report).
  void finish();

 private:
  void draw(bool force);
  struct FileState {
    std::uint64_t done = 0, total = 0;
  };
  bool enabled_;
  std::mutex mu_;
  std::map<std::string, FileState> active_;
  std::uint64_t done_ = 0, total_ = 0;
  std::size_t lines_drawn_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// "512 B", "1.5 MB", "2.0 TB": decimal units, as huggingface_hub prints sizes. Shared by every
// command that shows sizes.
std::string format_size(std::uint64_t bytes);
// "12.3 MB/s", "1:02:03".
std::string format_rate(double bytes_per_second);
std::string format_duration(double seconds);

}  // namespace hub::cli
