#include "server/mhd_library.h"

#include "core/shared_library.h"

namespace hub::server {
namespace {

MhdLibrary load() {
  // The soname found at configure time (libhub/CMakeLists.txt), then known ones.
  core::SharedLibrary lib(
      {
#ifdef HUB_LIBMICROHTTPD_SONAME
          HUB_LIBMICROHTTPD_SONAME,
#endif
          "libmicrohttpd.so.12"},
      "libmicrohttpd", "install it: apt-get install libmicrohttpd12");
  MhdLibrary l{};
  lib.resolve("MHD_add_response_header", l.add_response_header);
  lib.resolve("MHD_create_response_from_buffer_with_free_callback_cls",
              l.create_response_from_buffer_with_free_callback_cls);
  lib.resolve("MHD_create_response_from_callback", l.create_response_from_callback);
  lib.resolve("MHD_create_response_from_fd_at_offset64", l.create_response_from_fd_at_offset64);
  lib.resolve("MHD_destroy_response", l.destroy_response);
  lib.resolve("MHD_get_connection_values_n", l.get_connection_values_n);
  lib.resolve("MHD_get_daemon_info", l.get_daemon_info);
  lib.resolve("MHD_lookup_connection_value", l.lookup_connection_value);
  lib.resolve("MHD_queue_response", l.queue_response);
  lib.resolve("MHD_start_daemon", l.start_daemon);
  lib.resolve("MHD_stop_daemon", l.stop_daemon);
  return l;
}

}  // namespace

const MhdLibrary& mhd_library() {
  static const MhdLibrary loaded = load();  // a failed load throws, and the next call tries again
  return loaded;
}

}  // namespace hub::server
