list(APPEND HUB_SOURCES ${PROJECT_SOURCE_DIR}/cache/layout.cc ${PROJECT_SOURCE_DIR}/cache/store.cc
     ${PROJECT_SOURCE_DIR}/cache/index.cc ${PROJECT_SOURCE_DIR}/cache/cache.cc)
