// File: a read-only mapping of a safetensors file plus its validated header.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/mapped_file.h"
#include "formats/safetensors/parse.h"
#include "formats/safetensors/strict_json.h"
#include "hub/error.h"

namespace hub::safetensors {
namespace {

[[noreturn]] void io_error(const std::filesystem::path& path, const std::string& what, int err) {
  throw Error(Errc::io, path.string() + ": " + what + ": " + std::strerror(err), ErrorContext{.path = path.string()});
}

// Closes a descriptor on scope exit; the mapping outlives it.
struct FdGuard {
  int fd;
  ~FdGuard() { ::close(fd); }
};

}  // namespace

struct File::Impl {
  std::string label;
  fs::MappedFile mapping;            // empty for from_buffer
  std::span<const std::byte> bytes;  // the whole file
  detail::Header header;
  std::vector<std::size_t> by_name;  // indices into header.entries, sorted by name

  void index_names() {
    by_name.resize(header.entries.size());
    for (std::size_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
    std::sort(by_name.begin(), by_name.end(),
              [&](std::size_t a, std::size_t b) { return header.entries[a].name < header.entries[b].name; });
  }

  TensorView view(const detail::Entry& e) const {
    std::size_t data_start = 8 + static_cast<std::size_t>(header.header_size);
    return TensorView{e.name, e.dtype, e.shape, bytes.subspan(data_start + e.begin, e.end - e.begin)};
  }
};

File::File(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
File::File(File&&) noexcept = default;
File& File::operator=(File&&) noexcept = default;
File::~File() = default;

File File::open(const std::filesystem::path& path) {
  auto impl = std::make_unique<Impl>();
  impl->label = path.string();
  // O_NONBLOCK: a FIFO in the file's place is refused below instead of waiting for a writer.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) io_error(path, "cannot open", errno);
  FdGuard guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) io_error(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode))
    throw Error(Errc::invalid_input, impl->label + ": not a regular file", ErrorContext{.path = impl->label});
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (size < 8) {
    // Nothing to map (mmap refuses length 0); let the parser word the error.
    static constexpr std::byte kEmpty[8] = {};
    detail::parse_header(std::span<const std::byte>(kEmpty, static_cast<std::size_t>(size)), impl->label);
  }
  impl->mapping = fs::MappedFile(fd, static_cast<std::size_t>(size), path);
  impl->bytes = impl->mapping.bytes();
  impl->header = detail::parse_header(impl->bytes, impl->label);
  impl->index_names();
  return File(std::move(impl));
}

File File::from_buffer(std::span<const std::byte> bytes, std::string label) {
  auto impl = std::make_unique<Impl>();
  impl->label = std::move(label);
  impl->bytes = bytes;
  impl->header = detail::parse_header(bytes, impl->label);
  impl->index_names();
  return File(std::move(impl));
}

const std::string& File::label() const noexcept { return impl_->label; }

std::size_t File::size() const noexcept { return impl_->header.entries.size(); }

std::vector<TensorView> File::tensors() const {
  std::vector<TensorView> out;
  out.reserve(impl_->header.entries.size());
  for (const auto& e : impl_->header.entries) out.push_back(impl_->view(e));
  return out;
}

std::optional<TensorView> File::find(std::string_view name) const {
  const auto& entries = impl_->header.entries;
  auto it = std::lower_bound(impl_->by_name.begin(), impl_->by_name.end(), name,
                             [&](std::size_t i, std::string_view n) { return entries[i].name < n; });
  if (it == impl_->by_name.end() || entries[*it].name != name) return std::nullopt;
  return impl_->view(entries[*it]);
}

TensorView File::get(std::string_view name) const {
  if (auto t = find(name)) return *t;
  throw Error(Errc::invalid_input, impl_->label + ": no tensor named " + detail::quote_name(name),
              ErrorContext{.path = impl_->label});
}

const std::map<std::string, std::string, std::less<>>& File::metadata() const noexcept {
  return impl_->header.metadata;
}

std::uint64_t File::header_size() const noexcept { return impl_->header.header_size; }

std::uint64_t File::file_size() const noexcept { return impl_->bytes.size(); }

}  // namespace hub::safetensors
