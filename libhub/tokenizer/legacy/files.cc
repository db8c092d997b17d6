#include "tokenizer/legacy/files.h"

#include <fstream>
#include <sstream>

#include "hub/error.h"

namespace hub::tokenizer::legacy {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Errc::io, "cannot open " + path.string(), {.path = path.string()});
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error(Errc::io, "cannot read " + path.string(), {.path = path.string()});
  return ss.str();
}

}  // namespace hub::tokenizer::legacy
