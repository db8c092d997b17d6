#include "server/mhd_library.h"

#include <mutex>

#include "core/shared_library.h"

namespace hub::server {
namespace {

MhdLibrary load() {
  // The soname found at configure time (server/sources.cmake), then known ones.
  void* lib = core::open_shared_library(
      {
#ifdef HUB_LIBMICROHTTPD_SONAME
          HUB_LIBMICROHTTPD_SONAME,
#endif
          "libmicrohttpd.so.12"},
      "libmicrohttpd", "install it: apt-get install libmicrohttpd12");
  MhdLibrary l{};
  core::resolve_symbol(lib, "MHD_add_response_header", "libmicrohttpd", l.add_response_header);
  core::resolve_symbol(lib, "MHD_create_response_from_buffer_with_free_callback_cls", "libmicrohttpd",
                       l.create_response_from_buffer_with_free_callback_cls);
  core::resolve_symbol(lib, "MHD_create_response_from_callback", "libmicrohttpd", l.create_response_from_callback);
  core::resolve_symbol(lib, "MHD_create_response_from_fd_at_offset64", "libmicrohttpd",
                       l.create_response_from_fd_at_offset64);
  core::resolve_symbol(lib, "MHD_destroy_response", "libmicrohttpd", l.destroy_response);
  core::resolve_symbol(lib, "MHD_get_connection_values_n", "libmicrohttpd", l.get_connection_values_n);
  core::resolve_symbol(lib, "MHD_get_daemon_info", "libmicrohttpd", l.get_daemon_info);
  core::resolve_symbol(lib, "MHD_lookup_connection_value", "libmicrohttpd", l.lookup_connection_value);
  core::resolve_symbol(lib, "MHD_queue_response", "libmicrohttpd", l.queue_response);
  core::resolve_symbol(lib, "MHD_start_daemon", "libmicrohttpd", l.start_daemon);
  core::resolve_symbol(lib, "MHD_stop_daemon", "libmicrohttpd", l.stop_daemon);
  return l;
}

}  // namespace

const MhdLibrary& mhd_library() {
  static std::once_flag once;
  static MhdLibrary loaded;
  std::call_once(once, [] { loaded = load(); });
  return loaded;
}

}  // namespace hub::server
