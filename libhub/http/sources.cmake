list(APPEND HUB_SOURCES http/client.cc)
