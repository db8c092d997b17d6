// libmicrohttpd, opened when first used (core/shared_library.h): the functions libhub/server calls,
// typed from its headers (internal).
#pragma once

#include <microhttpd.h>

namespace hub::server {

struct MhdLibrary {
  decltype(&::MHD_add_response_header) add_response_header;
  decltype(&::MHD_create_response_from_buffer_with_free_callback_cls)
      create_response_from_buffer_with_free_callback_cls;
  decltype(&::MHD_create_response_from_callback) create_response_from_callback;
  decltype(&::MHD_create_response_from_fd_at_offset64) create_response_from_fd_at_offset64;
  decltype(&::MHD_destroy_response) destroy_response;
  decltype(&::MHD_get_connection_values_n) get_connection_values_n;
  decltype(&::MHD_get_daemon_info) get_daemon_info;
  decltype(&::MHD_lookup_connection_value) lookup_connection_value;
  decltype(&::MHD_queue_response) queue_response;
  decltype(&::MHD_start_daemon) start_daemon;
  decltype(&::MHD_stop_daemon) stop_daemon;
};

// Loads libmicrohttpd on the first call; throws hub::Error(Errc::unsupported) when it cannot.
const MhdLibrary& mhd_library();

}  // namespace hub::server
