list(APPEND HUB_SOURCES download/fetch.cc download/plan.cc download/local_dir.cc download/partial_file.cc
     download/ranged_fetch.cc download/pull.cc)
