#include "server/git_library.h"

#include "core/shared_library.h"

namespace hub::server {
namespace {

GitLibrary load() {
  // The soname found at configure time (libhub/CMakeLists.txt), then known ones.
  core::SharedLibrary lib(
      {
#ifdef HUB_LIBGIT2_SONAME
          HUB_LIBGIT2_SONAME,
#endif
          "libgit2.so.1.5", "libgit2.so.1.7", "libgit2.so.1.8", "libgit2.so.1.9"},
      "libgit2", "install it: apt-get install libgit2-1.5");
  GitLibrary l{};
  lib.resolve("git_commit_create", l.commit_create);
  lib.resolve("git_error_last", l.error_last);
  lib.resolve("git_libgit2_init", l.libgit2_init);
  lib.resolve("git_mempack_new", l.mempack_new);
  lib.resolve("git_odb_add_backend", l.odb_add_backend);
  lib.resolve("git_odb_free", l.odb_free);
  lib.resolve("git_odb_new", l.odb_new);
  lib.resolve("git_oid_fromstr", l.oid_fromstr);
  lib.resolve("git_oid_tostr", l.oid_tostr);
  lib.resolve("git_repository_free", l.repository_free);
  lib.resolve("git_repository_wrap_odb", l.repository_wrap_odb);
  lib.resolve("git_signature_free", l.signature_free);
  lib.resolve("git_signature_new", l.signature_new);
  lib.resolve("git_tree_free", l.tree_free);
  lib.resolve("git_tree_lookup", l.tree_lookup);
  lib.resolve("git_treebuilder_free", l.treebuilder_free);
  lib.resolve("git_treebuilder_insert", l.treebuilder_insert);
  lib.resolve("git_treebuilder_new", l.treebuilder_new);
  lib.resolve("git_treebuilder_write", l.treebuilder_write);
  return l;
}

}  // namespace

const GitLibrary& git_library() {
  static const GitLibrary loaded = load();  // a failed load throws, and the next call tries again
  return loaded;
}

}  // namespace hub::server
