#include "tokenizer/json.h"

#include <cstdlib>
#include <limits>
#include <vector>

#include "hub/error.h"
#include "tokenizer/unicode.h"

namespace hub::tokenizer {

namespace {

const char* kind(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_float: return "a float";
    case nlohmann::json::value_t::number_integer: return "a negative integer";
    case nlohmann::json::value_t::number_unsigned: return "an unsigned integer";
    default: return "an unexpected value";
  }
}

// nlohmann's DOM builder with floats re-converted from their literal (static dispatch: sax_parse
// is a template over the handler type).
class SerdeFloatDom : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
 public:
  using json_sax_dom_parser::json_sax_dom_parser;
  bool number_float(double, const std::string& literal) {
    return json_sax_dom_parser::number_float(serde_json_float(literal), literal);
  }
};

}  // namespace

double serde_json_float(std::string_view s) {
  static const std::vector<double> kPow10 = [] {
    std::vector<double> p(309);
    for (int k = 0; k <= 308; ++k)
      p[static_cast<std::size_t>(k)] = std::strtod(("1e" + std::to_string(k)).c_str(), nullptr);
    return p;
  }();
  std::size_t i = 0;
  bool negative = i < s.size() && s[i] == '-';
  if (negative) ++i;
  const std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t sig = 0;
  long long exp = 0;
  bool saturated = false;
  auto push = [&](int d, bool fraction) {
    if (saturated || (sig >= kMax / 10 && (sig > kMax / 10 || static_cast<std::uint64_t>(d) > kMax % 10))) {
      // Further digits are ignored; integer digits still scale the value.
      saturated = true;
      if (!fraction) ++exp;
      return;
    }
    sig = sig * 10 + static_cast<std::uint64_t>(d);
    if (fraction) --exp;
  };
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) push(s[i] - '0', false);
  if (i < s.size() && s[i] == '.')
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) push(s[i] - '0', true);
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    long long e = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) e = std::min(e * 10 + (s[i] - '0'), 1000000LL);
    exp += eneg ? -e : e;
  }
  double f = static_cast<double>(sig);
  for (;;) {
    long long a = exp < 0 ? -exp : exp;
    if (a <= 308) {
      f = exp >= 0 ? f * kPow10[static_cast<std::size_t>(a)] : f / kPow10[static_cast<std::size_t>(a)];
      break;
    }
    if (f == 0.0) break;
    if (exp >= 0) {
      f = std::numeric_limits<double>::infinity();
      break;
    }
    f /= 1e308;
    exp += 308;
  }
  return negative ? -f : f;
}

nlohmann::json parse_document(std::string_view text) {
  nlohmann::json doc;
  SerdeFloatDom sax(doc, true);
  try {
    nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
  } catch (const nlohmann::json::exception& e) {
    throw Error(Errc::invalid_input, std::string("tokenizer.json: not valid JSON: ") + e.what());
  }
  return doc;
}

std::string JsonView::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

JsonView JsonView::at(std::string_view key) const {
  if (!j_->is_object()) fail(std::string("expected an object, found ") + kind(*j_));
  auto it = j_->find(key);
  if (it == j_->end()) fail("missing required field `" + std::string(key) + "`");
  return JsonView(*it, child_path(key));
}

std::optional<JsonView> JsonView::opt(std::string_view key) const {
  if (!j_->is_object()) fail(std::string("expected an object, found ") + kind(*j_));
  auto it = j_->find(key);
  if (it == j_->end() || it->is_null()) return std::nullopt;
  return JsonView(*it, child_path(key));
}

JsonView JsonView::operator[](std::size_t i) const {
  if (!j_->is_array()) fail(std::string("expected an array, found ") + kind(*j_));
  return JsonView((*j_)[i], path_ + "[" + std::to_string(i) + "]");
}

std::size_t JsonView::size() const {
  if (!j_->is_array()) fail(std::string("expected an array, found ") + kind(*j_));
  return j_->size();
}

std::string JsonView::as_string() const {
  if (!j_->is_string()) fail(std::string("expected a string, found ") + kind(*j_));
  return j_->get<std::string>();
}

bool JsonView::as_bool() const {
  if (!j_->is_boolean()) fail(std::string("expected a boolean, found ") + kind(*j_));
  return j_->get<bool>();
}

std::uint64_t JsonView::as_u64() const {
  // Documents built in code hold non-negative ints as signed; parsed ones as unsigned.
  bool ok = j_->is_number_unsigned() || (j_->is_number_integer() && j_->get<std::int64_t>() >= 0);
  if (!ok) fail(std::string("expected an unsigned integer, found ") + kind(*j_));
  return j_->get<std::uint64_t>();
}

std::uint32_t JsonView::as_u32() const {
  std::uint64_t v = as_u64();
  if (v > std::numeric_limits<std::uint32_t>::max()) fail("integer " + std::to_string(v) + " does not fit in 32 bits");
  return static_cast<std::uint32_t>(v);
}

double JsonView::as_double() const {
  if (!j_->is_number()) fail(std::string("expected a number, found ") + kind(*j_));
  return j_->get<double>();
}

char32_t JsonView::as_char() const {
  std::string s = as_string();
  if (s.empty() || unicode::count_chars(s) != 1) fail("expected a single character, found \"" + s + "\"");
  std::size_t i = 0;
  return unicode::next_char(s, i);
}

bool JsonView::boolean_or(std::string_view key, bool dflt) const {
  auto v = opt(key);
  return v ? v->as_bool() : dflt;
}

std::optional<std::string> JsonView::opt_str(std::string_view key) const {
  auto v = opt(key);
  if (!v) return std::nullopt;
  return v->as_string();
}

void JsonView::fail(const std::string& what) const {
  throw Error(Errc::invalid_input, "tokenizer.json: " + (path_.empty() ? std::string("(root)") : path_) + ": " + what);
}

void JsonView::unsupported(const std::string& what) const {
  throw Error(Errc::unsupported, "tokenizer.json: " + (path_.empty() ? std::string("(root)") : path_) + ": " + what);
}

}  // namespace hub::tokenizer
