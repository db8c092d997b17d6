#include "http/curl_library.h"

#include <mutex>

#include "core/shared_library.h"

namespace hub::http {
namespace {

CurlLibrary load() {
  // The soname found at configure time (http/sources.cmake), then the one of every libcurl 7 and 8.
  void* lib = core::open_shared_library(
      {
#ifdef HUB_LIBCURL_SONAME
          HUB_LIBCURL_SONAME,
#endif
          "libcurl.so.4", "libcurl-gnutls.so.4"},
      "libcurl", "install it: apt-get install libcurl4");
  CurlLibrary c{};
  core::resolve_symbol(lib, "curl_easy_cleanup", "libcurl", c.easy_cleanup);
  core::resolve_symbol(lib, "curl_easy_getinfo", "libcurl", c.easy_getinfo);
  core::resolve_symbol(lib, "curl_easy_init", "libcurl", c.easy_init);
  core::resolve_symbol(lib, "curl_easy_perform", "libcurl", c.easy_perform);
  core::resolve_symbol(lib, "curl_easy_reset", "libcurl", c.easy_reset);
  core::resolve_symbol(lib, "curl_easy_setopt", "libcurl", c.easy_setopt);
  core::resolve_symbol(lib, "curl_easy_strerror", "libcurl", c.easy_strerror);
  core::resolve_symbol(lib, "curl_free", "libcurl", c.free);
  core::resolve_symbol(lib, "curl_getdate", "libcurl", c.getdate);
  core::resolve_symbol(lib, "curl_global_cleanup", "libcurl", c.global_cleanup);
  core::resolve_symbol(lib, "curl_global_init", "libcurl", c.global_init);
  core::resolve_symbol(lib, "curl_share_cleanup", "libcurl", c.share_cleanup);
  core::resolve_symbol(lib, "curl_share_init", "libcurl", c.share_init);
  core::resolve_symbol(lib, "curl_share_setopt", "libcurl", c.share_setopt);
  core::resolve_symbol(lib, "curl_slist_append", "libcurl", c.slist_append);
  core::resolve_symbol(lib, "curl_slist_free_all", "libcurl", c.slist_free_all);
  core::resolve_symbol(lib, "curl_url", "libcurl", c.url);
  core::resolve_symbol(lib, "curl_url_cleanup", "libcurl", c.url_cleanup);
  core::resolve_symbol(lib, "curl_url_get", "libcurl", c.url_get);
  core::resolve_symbol(lib, "curl_url_set", "libcurl", c.url_set);
  core::resolve_symbol(lib, "curl_version_info", "libcurl", c.version_info);
  return c;
}

}  // namespace

const CurlLibrary& curl_library() {
  // A failed load is retried by the next call (call_once does not complete on an exception).
  static std::once_flag once;
  static CurlLibrary loaded;
  std::call_once(once, [] { loaded = load(); });
  return loaded;
}

}  // namespace hub::http
