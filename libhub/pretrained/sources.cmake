list(APPEND HUB_SOURCES pretrained/auto_tokenizer.cc pretrained/resolve.cc)
