// json.dumps-compatible output (see python_json.h).
#include "pipelines/python_json.h"

namespace hub::pipelines {
namespace {

// Invalid UTF-8 (e.g. a lone byte-level token) becomes U+FFFD, as Python's lossy decode gives.
constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;

void write(const nlohmann::ordered_json& v, std::string& out) {
  if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& e : v) {
      if (!first) out += ", ";
      first = false;
      write(e, out);
    }
    out += ']';
  } else if (v.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [key, e] : v.items()) {
      if (!first) out += ", ";
      first = false;
      out += nlohmann::ordered_json(key).dump(-1, ' ', true, kReplace);
      out += ": ";
      write(e, out);
    }
    out += '}';
  } else {
    // Scalars: nlohmann escapes strings like json.dumps (ensure_ascii) and prints doubles in
    // their shortest round-trip form, as Python's float repr does.
    out += v.dump(-1, ' ', true, kReplace);
  }
}

}  // namespace

std::string python_dumps(const nlohmann::ordered_json& value) {
  std::string out;
  write(value, out);
  return out;
}

}  // namespace hub::pipelines
