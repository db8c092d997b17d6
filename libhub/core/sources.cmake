list(APPEND HUB_SOURCES core/error.cc core/repo.cc core/settings.cc core/strings.cc core/hashing.cc
     core/fs.cc core/mapped_file.cc core/glob.cc core/shared_library.cc)
