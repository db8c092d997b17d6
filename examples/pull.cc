// Pull a repo into the cache and print where it landed: the smallest libhub application.
//   example_pull org/name [revision]
#include <hub/hub.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: example_pull org/name [revision]\n";
    return 2;
  }
  try {
    hub::PullOptions options;
    if (argc > 2) options.revision = argv[2];
    hub::PullResult result = hub::pull(hub::RepoId::parse(argv[1]), options, hub::Settings::from_env());
    for (const auto& f : result.files) std::cout << to_string(f.action) << "  " << f.path << "\n";
    std::cout << result.folder.string() << "\n";
  } catch (const hub::Error& e) {
    std::cerr << "error (" << to_string(e.code()) << "): " << e.what() << "\n";
    return 1;
  }
}
