list(APPEND HUB_SOURCES pretrained/resolve.cc)
