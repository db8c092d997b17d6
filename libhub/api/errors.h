// Maps Hub HTTP error responses to hub::Error (internal), following the Hub's X-Error-Code
// header and huggingface_hub's rules (hub-protocol.md §4).
#pragma once

#include <string_view>

#include "http/client.h"

namespace hub::api {

// Throws the matching hub::Error when `response` is not a 2xx/3xx; `what` names the request for
// the message (e.g. "repo info of org/name").
void raise_for_status(const http::Response& response, std::string_view what);

}  // namespace hub::api
