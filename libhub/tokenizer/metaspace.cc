#include "tokenizer/metaspace.h"

#include "tokenizer/unicode.h"

namespace hub::tokenizer {

MetaspaceConfig metaspace_config(const JsonView& j) {
  MetaspaceConfig c;
  c.replacement = j.at("replacement").as_char();
  c.str_rep = unicode::to_utf8(c.replacement);
  if (auto p = j.opt("prepend_scheme")) {
    std::string v = p->as_string();
    if (v == "always")
      c.prepend = PrependScheme::always;
    else if (v == "first")
      c.prepend = PrependScheme::first;
    else if (v == "never")
      c.prepend = PrependScheme::never;
    else
      p->fail("unknown prepend_scheme `" + v + "` (expected always, first or never)");
  }
  if (auto a = j.opt("add_prefix_space"); a && !a->as_bool()) {
    if (c.prepend != PrependScheme::never) a->fail("add_prefix_space false does not match prepend_scheme");
    c.prepend = PrependScheme::never;
  }
  c.split = j.boolean_or("split", true);
  return c;
}

}  // namespace hub::tokenizer
