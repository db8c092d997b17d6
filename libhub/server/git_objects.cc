#include "server/git_objects.h"

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string_view>
#include <unordered_set>

#include "hub/error.h"
#include "server/git_library.h"

namespace hub::server {
namespace {

const GitLibrary& git() { return git_library(); }

// libgit2 keeps global state; one reference for the process lifetime is enough.
void ensure_libgit2() {
  static const int count = git().libgit2_init();
  (void)count;
}

[[noreturn]] void fail(const char* what, Errc code = Errc::internal) {
  const git_error* e = git().error_last();
  throw Error(code, std::string("libgit2: ") + what + (e && e->message ? std::string(": ") + e->message : ""));
}

void check(int rc, const char* what) {
  if (rc < 0) fail(what);
}

struct OdbFree {
  void operator()(git_odb* p) const { git().odb_free(p); }
};
struct RepoFree {
  void operator()(git_repository* p) const { git().repository_free(p); }
};
struct TreeBuilderFree {
  void operator()(git_treebuilder* p) const { git().treebuilder_free(p); }
};
struct TreeFree {
  void operator()(git_tree* p) const { git().tree_free(p); }
};
struct SignatureFree {
  void operator()(git_signature* p) const { git().signature_free(p); }
};

// An ODB backend that only answers "this blob exists". The tree builder checks that every blob
// it is given exists; the real bytes stay in the served files, hashed by the caller.
struct KnownBlobs {
  git_odb_backend parent;               // first member: libgit2 hands us back this pointer
  std::unordered_set<std::string> ids;  // raw 20-byte ids

  static KnownBlobs* self(git_odb_backend* b) { return reinterpret_cast<KnownBlobs*>(b); }
  static std::string key(const git_oid* oid) {
    return std::string(reinterpret_cast<const char*>(oid->id), GIT_OID_RAWSZ);
  }

  static int read_header(size_t* len, git_object_t* type, git_odb_backend* b, const git_oid* oid) {
    if (!self(b)->ids.count(key(oid))) return GIT_ENOTFOUND;
    *len = 0;  // unknown and unused: only the type is checked
    *type = GIT_OBJECT_BLOB;
    return 0;
  }
  static int exists(git_odb_backend* b, const git_oid* oid) { return self(b)->ids.count(key(oid)) ? 1 : 0; }
  static void free_backend(git_odb_backend* b) { delete self(b); }

  static KnownBlobs* create() {
    auto* kb = new KnownBlobs();
    std::memset(&kb->parent, 0, sizeof(kb->parent));
    kb->parent.version = GIT_ODB_BACKEND_VERSION;
    kb->parent.read_header = &read_header;
    kb->parent.exists = &exists;
    kb->parent.free = &free_backend;
    return kb;
  }
};

git_oid parse_oid(const std::string& hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git().oid_fromstr(&oid, hex.c_str()) < 0)
    throw Error(Errc::internal, "invalid git object id '" + hex + "'");
  return oid;
}

std::string oid_hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git().oid_tostr(buf, sizeof(buf), &oid);
  return buf;
}

std::string_view parent_dir(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

struct Child {
  std::string name;
  git_oid oid;
  git_filemode_t mode;
};

}  // namespace

GitTrees build_git_trees(const std::vector<GitBlobRef>& files, bool make_commit) {
  ensure_libgit2();

  git_odb* raw_odb = nullptr;
  check(git().odb_new(&raw_odb), "git_odb_new");
  std::unique_ptr<git_odb, OdbFree> odb(raw_odb);

  git_odb_backend* mempack = nullptr;
  check(git().mempack_new(&mempack), "git_mempack_new");
  if (git().odb_add_backend(odb.get(), mempack, 1) < 0) {
    mempack->free(mempack);
    fail("git_odb_add_backend");
  }
  KnownBlobs* known = KnownBlobs::create();
  if (git().odb_add_backend(odb.get(), &known->parent, 2) < 0) {
    delete known;
    fail("git_odb_add_backend");
  }

  git_repository* raw_repo = nullptr;
  check(git().repository_wrap_odb(&raw_repo, odb.get()), "git_repository_wrap_odb");
  std::unique_ptr<git_repository, RepoFree> repo(raw_repo);

  // Children of every directory; ordered by depth (deepest first) so subtrees exist before
  // their parents need their ids.
  std::map<std::string, std::vector<Child>> children;
  children[""];
  for (const GitBlobRef& f : files) {
    git_oid oid = parse_oid(f.blob_oid);
    known->ids.insert(KnownBlobs::key(&oid));
    std::string dir(parent_dir(f.path));
    children[dir].push_back({std::string(base_name(f.path)), oid, GIT_FILEMODE_BLOB});
    // Make sure every ancestor folder is known even when it holds only folders.
    while (!dir.empty()) {
      std::string up(parent_dir(dir));
      children[up];
      dir = std::move(up);
    }
  }
  std::vector<std::string> dirs;
  dirs.reserve(children.size());
  for (auto& [dir, kids] : children) dirs.push_back(dir);
  auto depth = [](const std::string& d) { return d.empty() ? 0 : 1 + std::count(d.begin(), d.end(), '/'); };
  std::stable_sort(dirs.begin(), dirs.end(),
                   [&](const std::string& a, const std::string& b) { return depth(a) > depth(b); });

  GitTrees out;
  for (const std::string& dir : dirs) {
    git_treebuilder* raw_tb = nullptr;
    check(git().treebuilder_new(&raw_tb, repo.get(), nullptr), "git_treebuilder_new");
    std::unique_ptr<git_treebuilder, TreeBuilderFree> tb(raw_tb);
    for (const Child& c : children[dir]) {
      if (git().treebuilder_insert(nullptr, tb.get(), c.name.c_str(), &c.oid, c.mode) < 0) {
        std::string path = dir.empty() ? c.name : dir + "/" + c.name;
        fail(("cannot store '" + path + "' in a git tree").c_str(), Errc::invalid_input);
      }
    }
    git_oid tree_oid;
    check(git().treebuilder_write(&tree_oid, tb.get()), "git_treebuilder_write");
    if (dir.empty()) {
      out.root = oid_hex(tree_oid);
    } else {
      out.dirs[dir] = oid_hex(tree_oid);
      children[std::string(parent_dir(dir))].push_back({std::string(base_name(dir)), tree_oid, GIT_FILEMODE_TREE});
    }
  }

  if (make_commit) {
    git_signature* raw_sig = nullptr;
    check(git().signature_new(&raw_sig, "libhub", "libhub@localhost", 0, 0), "git_signature_new");
    std::unique_ptr<git_signature, SignatureFree> sig(raw_sig);
    git_oid root = parse_oid(out.root);
    git_tree* raw_tree = nullptr;
    check(git().tree_lookup(&raw_tree, repo.get(), &root), "git_tree_lookup");
    std::unique_ptr<git_tree, TreeFree> tree(raw_tree);
    git_oid commit_oid;
    check(git().commit_create(&commit_oid, repo.get(), nullptr, sig.get(), sig.get(), nullptr, kFolderCommitMessage,
                              tree.get(), 0, nullptr),
          "git_commit_create");
    out.commit = oid_hex(commit_oid);
  }
  return out;
}

}  // namespace hub::server
