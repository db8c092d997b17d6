#include "cache/stamps.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <ctime>

namespace hub::cache {
namespace {

std::int64_t to_ns(const timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

}  // namespace

std::int64_t mtime_ns(const struct stat& st) { return to_ns(st.st_mtim); }

std::int64_t dir_mtime_ns(const stdfs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return -1;
  return to_ns(st.st_mtim);
}

std::int64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return to_ns(ts);
}

std::string encode_stamps(const std::vector<PathStamp>& stamps) {
  std::string out;
  for (const auto& s : stamps) {
    out += std::to_string(s.mtime_ns);
    out += ' ';
    out += s.rel;
    out += '\n';
  }
  return out;
}

bool has_untrusted_stamp(std::string_view encoded) {
  return encoded.starts_with("0 ") || encoded.find("\n0 ") != std::string_view::npos;
}

RootHandle::RootHandle(const stdfs::path& root)
    : fd_(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)), root_(root.string()) {}

RootHandle::~RootHandle() {
  if (fd_ >= 0) ::close(fd_);
}

bool RootHandle::unchanged(std::string_view folder, std::string_view encoded) const {
  if (encoded.empty()) return false;
  std::string path;
  while (!encoded.empty()) {
    auto eol = encoded.find('\n');
    if (eol == std::string_view::npos) return false;
    std::string_view line = encoded.substr(0, eol);
    encoded.remove_prefix(eol + 1);
    auto space = line.find(' ');
    if (space == std::string_view::npos) return false;
    std::int64_t recorded = 0;
    auto [end, ec] = std::from_chars(line.data(), line.data() + space, recorded);
    if (ec != std::errc() || end != line.data() + space || recorded == 0) return false;

    path.clear();
    if (fd_ < 0) path.append(root_).append("/");
    path.append(folder);
    if (space + 1 < line.size()) path.append("/").append(line.substr(space + 1));
    struct stat st {};
    int rc = fd_ >= 0 ? ::fstatat(fd_, path.c_str(), &st, 0) : ::stat(path.c_str(), &st);
    std::int64_t actual = (rc == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))) ? to_ns(st.st_mtim) : -1;
    if (actual != recorded) return false;
  }
  return true;
}

}  // namespace hub::cache
