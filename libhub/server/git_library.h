// libgit2, opened when first used (core/shared_library.h): the functions libhub/server calls,
// typed from its headers (internal).
#pragma once

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>

namespace hub::server {

struct GitLibrary {
  decltype(&::git_commit_create) commit_create;
  decltype(&::git_error_last) error_last;
  decltype(&::git_libgit2_init) libgit2_init;
  decltype(&::git_mempack_new) mempack_new;
  decltype(&::git_odb_add_backend) odb_add_backend;
  decltype(&::git_odb_free) odb_free;
  decltype(&::git_odb_new) odb_new;
  decltype(&::git_oid_fromstr) oid_fromstr;
  decltype(&::git_oid_tostr) oid_tostr;
  decltype(&::git_repository_free) repository_free;
  decltype(&::git_repository_wrap_odb) repository_wrap_odb;
  decltype(&::git_signature_free) signature_free;
  decltype(&::git_signature_new) signature_new;
  decltype(&::git_tree_free) tree_free;
  decltype(&::git_tree_lookup) tree_lookup;
  decltype(&::git_treebuilder_free) treebuilder_free;
  decltype(&::git_treebuilder_insert) treebuilder_insert;
  decltype(&::git_treebuilder_new) treebuilder_new;
  decltype(&::git_treebuilder_write) treebuilder_write;
};

// Loads libgit2 on the first call; throws hub::Error(Errc::unsupported) when it cannot.
const GitLibrary& git_library();

}  // namespace hub::server
