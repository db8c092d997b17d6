list(APPEND HUB_SOURCES download/fetch.cc download/plan.cc download/local_dir.cc download/pull.cc)
