list(APPEND HUB_SOURCES server/server.cc)
