# The cache module: layout and store (downloads write through them), the SQLite index, scans,
# and hub::Cache (listing, removal, verification, gc, pins, prune).
list(APPEND HUB_SOURCES
     ${PROJECT_SOURCE_DIR}/cache/layout.cc
     ${PROJECT_SOURCE_DIR}/cache/store.cc
     ${PROJECT_SOURCE_DIR}/cache/sqlite.cc
     ${PROJECT_SOURCE_DIR}/cache/index_schema.cc
     ${PROJECT_SOURCE_DIR}/cache/index.cc
     ${PROJECT_SOURCE_DIR}/cache/index_reconcile.cc
     ${PROJECT_SOURCE_DIR}/cache/index_listing.cc
     ${PROJECT_SOURCE_DIR}/cache/listing_snapshot.cc
     ${PROJECT_SOURCE_DIR}/cache/scan.cc
     ${PROJECT_SOURCE_DIR}/cache/stamps.cc
     ${PROJECT_SOURCE_DIR}/cache/cache.cc
     ${PROJECT_SOURCE_DIR}/cache/remove.cc
     ${PROJECT_SOURCE_DIR}/cache/verify.cc
     ${PROJECT_SOURCE_DIR}/cache/gc.cc
     ${PROJECT_SOURCE_DIR}/cache/prune.cc)
