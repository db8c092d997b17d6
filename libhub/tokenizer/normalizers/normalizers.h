// Factories of the normalizer components, one per file in this folder (internal); registry.cc
// maps each JSON `type` tag to its factory.
#pragma once

#include <memory>

#include "tokenizer/normalizer.h"

namespace hub::tokenizer::normalizers {

std::unique_ptr<Normalizer> make_bert(const JsonView& j);
std::unique_ptr<Normalizer> make_unicode_form(const JsonView& j, unicode::Form form);
std::unique_ptr<Normalizer> make_lowercase(const JsonView& j);
std::unique_ptr<Normalizer> make_strip_accents(const JsonView& j);
std::unique_ptr<Normalizer> make_strip(const JsonView& j);
std::unique_ptr<Normalizer> make_replace(const JsonView& j);
std::unique_ptr<Normalizer> make_prepend(const JsonView& j);
std::unique_ptr<Normalizer> make_nmt(const JsonView& j);
std::unique_ptr<Normalizer> make_byte_level(const JsonView& j);
std::unique_ptr<Normalizer> make_precompiled(const JsonView& j);
std::unique_ptr<Normalizer> make_sequence(const JsonView& j);

}  // namespace hub::tokenizer::normalizers
