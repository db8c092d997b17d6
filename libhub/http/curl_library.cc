#include "http/curl_library.h"

#include "core/shared_library.h"

namespace hub::http {
namespace {

CurlLibrary load() {
  // The soname found at configure time (libhub/CMakeLists.txt), then the one of every libcurl 7 and 8.
  core::SharedLibrary lib(
      {
#ifdef HUB_LIBCURL_SONAME
          HUB_LIBCURL_SONAME,
#endif
          "libcurl.so.4", "libcurl-gnutls.so.4"},
      "libcurl", "install it: apt-get install libcurl4");
  CurlLibrary c{};
  lib.resolve("curl_easy_cleanup", c.easy_cleanup);
  lib.resolve("curl_easy_getinfo", c.easy_getinfo);
  lib.resolve("curl_easy_init", c.easy_init);
  lib.resolve("curl_easy_perform", c.easy_perform);
  lib.resolve("curl_easy_reset", c.easy_reset);
  lib.resolve("curl_easy_setopt", c.easy_setopt);
  lib.resolve("curl_easy_strerror", c.easy_strerror);
  lib.resolve("curl_free", c.free);
  lib.resolve("curl_getdate", c.getdate);
  lib.resolve("curl_global_cleanup", c.global_cleanup);
  lib.resolve("curl_global_init", c.global_init);
  lib.resolve("curl_share_cleanup", c.share_cleanup);
  lib.resolve("curl_share_init", c.share_init);
  lib.resolve("curl_share_setopt", c.share_setopt);
  lib.resolve("curl_slist_append", c.slist_append);
  lib.resolve("curl_slist_free_all", c.slist_free_all);
  lib.resolve("curl_url", c.url);
  lib.resolve("curl_url_cleanup", c.url_cleanup);
  lib.resolve("curl_url_get", c.url_get);
  lib.resolve("curl_url_set", c.url_set);
  lib.resolve("curl_version_info", c.version_info);
  return c;
}

}  // namespace

const CurlLibrary& curl_library() {
  static const CurlLibrary loaded = load();  // a failed load throws, and the next call tries again
  return loaded;
}

}  // namespace hub::http
