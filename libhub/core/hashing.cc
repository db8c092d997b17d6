#include "core/hashing.h"

#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <vector>

#include "core/shared_library.h"
#include "core/strings.h"
#include "hub/error.h"

namespace hub {

namespace {

// libcrypto, opened on first use like the network libraries (core/shared_library.h): linked, its
// load and relocation were a third of the start-up of commands that hash nothing (`hub cache ls`).
struct Crypto {
  decltype(&::EVP_MD_CTX_new) md_ctx_new;
  decltype(&::EVP_MD_CTX_free) md_ctx_free;
  decltype(&::EVP_sha256) sha256;
  decltype(&::EVP_sha1) sha1;
  decltype(&::EVP_DigestInit_ex) digest_init;
  decltype(&::EVP_DigestUpdate) digest_update;
  decltype(&::EVP_DigestFinal_ex) digest_final;
};

const Crypto& crypto() {
  static const Crypto loaded = [] {
    core::SharedLibrary lib(
        {
#ifdef HUB_LIBCRYPTO_SONAME
            HUB_LIBCRYPTO_SONAME,
#endif
            "libcrypto.so.3"},
        "libcrypto (OpenSSL)", "install it: apt-get install libssl3");
    Crypto c{};
    lib.resolve("EVP_MD_CTX_new", c.md_ctx_new);
    lib.resolve("EVP_MD_CTX_free", c.md_ctx_free);
    lib.resolve("EVP_sha256", c.sha256);
    lib.resolve("EVP_sha1", c.sha1);
    lib.resolve("EVP_DigestInit_ex", c.digest_init);
    lib.resolve("EVP_DigestUpdate", c.digest_update);
    lib.resolve("EVP_DigestFinal_ex", c.digest_final);
    return c;
  }();
  return loaded;
}

}  // namespace

struct Hasher::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() {
    if (md) crypto().md_ctx_free(md);
  }
};

HashKind hash_kind_for_etag(std::string_view etag) { return etag.size() == 64 ? HashKind::sha256 : HashKind::git_sha1; }

Hasher::Hasher(HashKind kind, std::uint64_t content_size) : kind_(kind), ctx_(std::make_unique<Ctx>()) {
  ctx_->md = crypto().md_ctx_new();
  if (!ctx_->md) throw std::bad_alloc();
  const EVP_MD* md = kind == HashKind::sha256 ? crypto().sha256() : crypto().sha1();
  if (crypto().digest_init(ctx_->md, md, nullptr) != 1) throw Error(Errc::internal, "EVP_DigestInit_ex failed");
  if (kind == HashKind::git_sha1) {
    std::string header = "blob " + std::to_string(content_size);
    header.push_back('\0');
    update(header);
  }
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(std::span<const unsigned char> data) {
  if (!data.empty() && crypto().digest_update(ctx_->md, data.data(), data.size()) != 1)
    throw Error(Errc::internal, "EVP_DigestUpdate failed");
}

void Hasher::update(std::string_view data) {
  update(std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(data.data()), data.size()));
}

std::string Hasher::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (crypto().digest_final(ctx_->md, out, &len) != 1) throw Error(Errc::internal, "EVP_DigestFinal_ex failed");
  return to_hex(out, len);
}

std::string sha256_hex(std::string_view data) {
  Hasher h(HashKind::sha256, data.size());
  h.update(data);
  return h.finish();
}

std::string git_blob_sha1_hex(std::string_view data) {
  Hasher h(HashKind::git_sha1, data.size());
  h.update(data);
  return h.finish();
}

std::string hash_file(const std::filesystem::path& path, HashKind kind) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(Errc::io, "cannot stat " + path.string() + ": " + ec.message(), {.path = path.string()});
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw Error(Errc::io, "cannot open " + path.string(), {.path = path.string()});
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(f, &std::fclose);
  Hasher h(kind, size);
  std::vector<unsigned char> buf(1 << 20);
  while (true) {
    size_t n = std::fread(buf.data(), 1, buf.size(), f);
    if (n > 0) h.update(std::span<const unsigned char>(buf.data(), n));
    if (n < buf.size()) {
      if (std::ferror(f)) throw Error(Errc::io, "read error on " + path.string(), {.path = path.string()});
      break;
    }
  }
  return h.finish();
}

}  // namespace hub
