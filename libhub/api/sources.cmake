list(APPEND HUB_SOURCES api/hub_api.cc api/errors.cc)
