# Tokenizer dependencies: Oniguruma (the regex engine HF tokenizers uses), PCRE2 (its JIT runs
# the regexes that mean the same there: tokenizer/regex_syntax.h), utf8proc (Unicode
# normalization forms, categories, grapheme breaks) and libsentencepiece (SentencePiece .model
# files without a tokenizer.json), Abseil (flat hash maps for vocabularies and merges). Private to
# libhub: no public header names them.
pkg_check_modules(ONIG REQUIRED IMPORTED_TARGET oniguruma)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(SENTENCEPIECE REQUIRED IMPORTED_TARGET sentencepiece)
find_package(absl REQUIRED)
target_link_libraries(libhub PRIVATE PkgConfig::ONIG PkgConfig::PCRE2 PkgConfig::UTF8PROC PkgConfig::SENTENCEPIECE absl::flat_hash_map)
