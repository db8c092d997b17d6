// hub/version.h: libhub's version, as used in the User-Agent ("libhub/<version>").
#pragma once

#include <string_view>

namespace hub {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace hub
