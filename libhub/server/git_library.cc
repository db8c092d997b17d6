#include "server/git_library.h"

#include <mutex>

#include "core/shared_library.h"

namespace hub::server {
namespace {

GitLibrary load() {
  // The soname found at configure time (server/sources.cmake), then known ones.
  void* lib = core::open_shared_library(
      {
#ifdef HUB_LIBGIT2_SONAME
          HUB_LIBGIT2_SONAME,
#endif
          "libgit2.so.1.5", "libgit2.so.1.7", "libgit2.so.1.8", "libgit2.so.1.9"},
      "libgit2", "install it: apt-get install libgit2-1.5");
  GitLibrary l{};
  core::resolve_symbol(lib, "git_commit_create", "libgit2", l.commit_create);
  core::resolve_symbol(lib, "git_error_last", "libgit2", l.error_last);
  core::resolve_symbol(lib, "git_libgit2_init", "libgit2", l.libgit2_init);
  core::resolve_symbol(lib, "git_mempack_new", "libgit2", l.mempack_new);
  core::resolve_symbol(lib, "git_odb_add_backend", "libgit2", l.odb_add_backend);
  core::resolve_symbol(lib, "git_odb_free", "libgit2", l.odb_free);
  core::resolve_symbol(lib, "git_odb_new", "libgit2", l.odb_new);
  core::resolve_symbol(lib, "git_oid_fromstr", "libgit2", l.oid_fromstr);
  core::resolve_symbol(lib, "git_oid_tostr", "libgit2", l.oid_tostr);
  core::resolve_symbol(lib, "git_repository_free", "libgit2", l.repository_free);
  core::resolve_symbol(lib, "git_repository_wrap_odb", "libgit2", l.repository_wrap_odb);
  core::resolve_symbol(lib, "git_signature_free", "libgit2", l.signature_free);
  core::resolve_symbol(lib, "git_signature_new", "libgit2", l.signature_new);
  core::resolve_symbol(lib, "git_tree_free", "libgit2", l.tree_free);
  core::resolve_symbol(lib, "git_tree_lookup", "libgit2", l.tree_lookup);
  core::resolve_symbol(lib, "git_treebuilder_free", "libgit2", l.treebuilder_free);
  core::resolve_symbol(lib, "git_treebuilder_insert", "libgit2", l.treebuilder_insert);
  core::resolve_symbol(lib, "git_treebuilder_new", "libgit2", l.treebuilder_new);
  core::resolve_symbol(lib, "git_treebuilder_write", "libgit2", l.treebuilder_write);
  return l;
}

}  // namespace

const GitLibrary& git_library() {
  static std::once_flag once;
  static GitLibrary loaded;
  std::call_once(once, [] { loaded = load(); });
  return loaded;
}

}  // namespace hub::server
