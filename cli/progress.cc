#include "cli/progress.h"

#include <charconv>
#include <cstdio>
#include <vector>

namespace hub::cli {
namespace {

std::string bar(std::uint64_t done, std::uint64_t total, int width) {
  double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  int full = static_cast<int>(frac * width);
  std::string s = "[";
  for (int i = 0; i < width; ++i) s += i < full ? '#' : (i == full ? '>' : ' ');
  return s + "]";
}

}  // namespace

std::string format_size(std::uint64_t bytes) {
  static const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000.0 && u < 5) {
    v /= 1000.0;
    ++u;
  }
  // to_chars rounds like printf's "%.1f" (correctly, from the exact binary value) without the
  // format-string machinery: `hub cache ls` formats one size per repo.
  char buf[32];
  auto [end, ec] = u == 0 ? std::to_chars(buf, buf + sizeof buf, bytes)
                          : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
  std::string out(buf, ec == std::errc() ? end : buf);
  out += ' ';
  out += units[u];
  return out;
}

std::string format_rate(double bps) { return format_size(static_cast<std::uint64_t>(bps)) + "/s"; }

std::string format_duration(double seconds) {
  if (seconds < 0 || seconds > 99 * 3600) return "--:--";
  auto s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

PullProgressView::PullProgressView(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

PullProgressView::~PullProgressView() { finish(); }

void PullProgressView::on_event(const PullProgress& e) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  done_ = e.total_bytes;
  total_ = e.total_size;
  switch (e.kind) {
    case PullProgress::Kind::plan: break;
    case PullProgress::Kind::file_start: active_[e.path] = {0, e.file_total}; break;
    case PullProgress::Kind::bytes: active_[e.path] = {e.file_bytes, e.file_total}; break;
    case PullProgress::Kind::file_done: active_.erase(e.path); break;
  }
  draw(e.kind == PullProgress::Kind::plan);
}

void PullProgressView::draw(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
  double eta = rate > 0 ? static_cast<double>(total_ - std::min(done_, total_)) / rate : -1;
  std::vector<std::string> lines;
  char buf[512];
  std::size_t shown = 0;
  for (const auto& [path, st] : active_) {
    if (++shown > 4) break;
    std::string name = path.size() > 40 ? "..." + path.substr(path.size() - 37) : path;
    std::snprintf(buf, sizeof buf, "  %-40s %s %9s / %-9s", name.c_str(), bar(st.done, st.total, 20).c_str(),
                  format_size(st.done).c_str(), format_size(st.total).c_str());
    lines.emplace_back(buf);
  }
  std::snprintf(buf, sizeof buf, "Total %s %3d%% %s / %s  %s  ETA %s", bar(done_, total_, 30).c_str(),
                total_ ? static_cast<int>(100.0 * static_cast<double>(done_) / static_cast<double>(total_)) : 100,
                format_size(done_).c_str(), format_size(total_).c_str(), format_rate(rate).c_str(),
                format_duration(eta).c_str());
  lines.emplace_back(buf);
  std::string out;
  for (std::size_t i = 0; i < lines_drawn_; ++i) out += "\x1b[1A\x1b[2K";
  out += "\r";
  for (const auto& l : lines) out += "\x1b[2K" + l + "\n";
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
  lines_drawn_ = lines.size();
}

void PullProgressView::finish() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (std::size_t i = 0; i < lines_drawn_; ++i) out += "\x1b[1A\x1b[2K";
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
  lines_drawn_ = 0;
}

}  // namespace hub::cli
