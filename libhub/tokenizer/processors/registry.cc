// The post-processor registry. tokenizers deserializes post-processors as an untagged enum
// tried in the order Roberta, Bert, ByteLevel, Template, Sequence; the Roberta and Bert shapes
// do not check `type` (tokenizer-json.md §1.4), so a RobertaProcessing object that lacks
// trim_offsets loads as BertProcessing, while ByteLevel, Template and Sequence do check it
// (Cohere's TemplateProcessing carries stray add_prefix_space/trim_offsets and stays a template).
#include <algorithm>

#include "tokenizer/processors/processors.h"
#include "tokenizer/unicode.h"

namespace hub::tokenizer {

std::unique_ptr<PostProcessor> make_post_processor(const JsonView& j) {
  using namespace processors;
  if (j.is_null()) return nullptr;
  if (!j.is_object()) j.fail("expected a post-processor object");
  auto has = [&](std::initializer_list<const char*> keys) {  // present and not null
    for (const char* k : keys)
      if (!j.has(k)) return false;
    return true;
  };
  if (has({"sep", "cls", "trim_offsets", "add_prefix_space"})) return make_roberta(j);
  if (has({"sep", "cls"})) return make_bert(j);
  std::string type = j.str("type");
  if (type == "ByteLevel") return make_byte_level(j);
  if (type == "TemplateProcessing") return make_template(j);
  if (type == "Sequence") return make_sequence(j);
  if (type == "BertProcessing" || type == "RobertaProcessing") j.at("sep"), j.at("cls");  // names the missing field
  j.at("type").fail("unknown post-processor type `" + type + "`");
}

namespace processors {

std::pair<std::string, std::uint32_t> token_pair(const JsonView& j) {
  if (!j.is_array() || j.size() != 2) j.fail("expected [token, id]");
  return {j[0].as_string(), j[1].as_u32()};
}

void trim_offsets(Encoding& e, bool add_prefix_space) {
  for (std::size_t i = 0; i < e.tokens.size(); ++i) {
    std::u32string t = unicode::to_u32(e.tokens[i]);
    auto is_space = [](char32_t c) { return c == 0x120 || unicode::is_whitespace(c); };
    std::size_t lead = 0, trail = 0;
    while (lead < t.size() && is_space(t[lead])) ++lead;
    while (trail < t.size() && is_space(t[t.size() - 1 - trail])) ++trail;
    auto& [start, end] = e.offsets[i];
    if (lead > 0) {
      bool first = i == 0 || start == 0;
      if (first && add_prefix_space && lead == 1) lead = 0;
      start = std::min(start + lead, end);
    }
    if (trail > 0 && end >= trail) end = std::max(end - trail, start);
  }
}

}  // namespace processors
}  // namespace hub::tokenizer
