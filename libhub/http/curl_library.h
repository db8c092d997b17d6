// libcurl, opened when the first HTTP client is made (core/shared_library.h): the functions
// http/client.cc calls, typed from curl.h (internal).
#pragma once

#include <curl/curl.h>

namespace hub::http {

struct CurlLibrary {
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_free) free;
  decltype(&::curl_getdate) getdate;
  decltype(&::curl_global_cleanup) global_cleanup;
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_share_cleanup) share_cleanup;
  decltype(&::curl_share_init) share_init;
  decltype(&::curl_share_setopt) share_setopt;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_url) url;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_url_get) url_get;
  decltype(&::curl_url_set) url_set;
  decltype(&::curl_version_info) version_info;
};

// Loads libcurl on the first call; throws hub::Error(Errc::unsupported) when it cannot.
const CurlLibrary& curl_library();

}  // namespace hub::http
