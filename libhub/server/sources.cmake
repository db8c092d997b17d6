# hub serve: sources -> snapshots (served_repo, git_objects), routing and protocol (route, range,
# handler, listing, files, responses), HTTP (http_daemon), and the public facade (server).
list(APPEND HUB_SOURCES
  server/lfs_policy.cc
  server/git_library.cc
  server/git_objects.cc
  server/served_repo.cc
  server/disk_scan.cc
  server/repo_source.cc
  server/folder_source.cc
  server/cache_source.cc
  server/model_card.cc
  server/route.cc
  server/range.cc
  server/responses.cc
  server/handler.cc
  server/listing.cc
  server/files.cc
  server/http_daemon.cc
  server/mhd_library.cc
  server/server.cc)
