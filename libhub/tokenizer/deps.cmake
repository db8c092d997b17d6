# Tokenizer dependencies: Oniguruma (the regex engine HF tokenizers uses) and utf8proc (Unicode
# normalization forms, categories, grapheme breaks). Private to libhub: no public header names them.
pkg_check_modules(ONIG REQUIRED IMPORTED_TARGET oniguruma)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
target_link_libraries(libhub PRIVATE PkgConfig::ONIG PkgConfig::UTF8PROC)
