list(APPEND HUB_SOURCES http/client.cc http/curl_library.cc)
