#include "formats/pickle.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "hub/error.h"

namespace hub::formats {
namespace {

constexpr std::array<std::string_view, 6> kPickleSuffixes = {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string why_and_instead(const std::string& what) {
  return what +
         ": libhub does not load pickle weights. Unpickling (torch.load) can run arbitrary code chosen by whoever "
         "made the file, so it is never done, not even to inspect it. Use a revision of the repo that has "
         "model.safetensors (many repos have one on a \"refs/pr/N\" revision opened by the safetensors conversion "
         "bot), or convert the checkpoint to safetensors yourself with the safetensors tooling (the "
         "https://huggingface.co/spaces/safetensors/convert Space, or safetensors.torch.save_file after loading the "
         "file with torch.load(..., weights_only=True) in an environment you trust).";
}

}  // namespace

bool is_pickle_weights(const std::filesystem::path& path) noexcept {
  std::string name = path.filename().string();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ends_with(name, ".index.json")) name.resize(name.size() - std::string_view(".index.json").size());
  for (std::string_view suffix : kPickleSuffixes)
    if (ends_with(name, suffix)) return true;
  return false;
}

void refuse_pickle(const std::filesystem::path& path) {
  if (is_pickle_weights(path))
    throw Error(Errc::unsupported, why_and_instead(path.string() + " is a pickle file"),
                ErrorContext{.path = path.string()});
}

std::filesystem::path find_safetensors_weights(const std::filesystem::path& dir) {
  namespace stdfs = std::filesystem;
  for (const char* name : {"model.safetensors.index.json", "model.safetensors"}) {
    std::error_code ec;
    if (stdfs::is_regular_file(dir / name, ec)) return dir / name;
  }
  std::vector<stdfs::path> safetensors, pickles;
  std::error_code ec;
  for (stdfs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    std::string name = it->path().filename().string();
    if (ends_with(name, ".safetensors") || ends_with(name, ".safetensors.index.json"))
      safetensors.push_back(it->path());
    else if (is_pickle_weights(it->path()) && name != "training_args.bin")
      pickles.push_back(it->path());
  }
  if (ec) throw Error(Errc::io, dir.string() + ": cannot list: " + ec.message(), ErrorContext{.path = dir.string()});
  std::sort(safetensors.begin(), safetensors.end());
  std::sort(pickles.begin(), pickles.end());
  if (safetensors.size() == 1) return safetensors.front();
  if (safetensors.size() > 1) {
    std::string names;
    for (const auto& p : safetensors) names += (names.empty() ? "" : ", ") + p.filename().string();
    throw Error(Errc::invalid_input,
                dir.string() + ": several safetensors weights (" + names +
                    ") and no model.safetensors or model.safetensors.index.json to choose",
                ErrorContext{.path = dir.string()});
  }
  if (!pickles.empty()) {
    std::string names;
    for (const auto& p : pickles) names += (names.empty() ? "" : ", ") + p.filename().string();
    throw Error(Errc::unsupported, why_and_instead(dir.string() + " has only pickle weights (" + names + ")"),
                ErrorContext{.path = dir.string()});
  }
  throw Error(Errc::entry_not_found,
              dir.string() +
                  ": no model weights (expected model.safetensors or "
                  "model.safetensors.index.json)",
              ErrorContext{.path = dir.string()});
}

}  // namespace hub::formats
