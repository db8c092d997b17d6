// Pickle weights are never loaded (internal; used by the model loader).
//
// PyTorch's `.bin` / `.pt` / `.pth` / `.ckpt` and plain `.pkl` files are Python pickles (bare or
// inside a zip): unpickling runs whatever callables the file names, so loading one from the
// network is running untrusted code. libhub refuses them by name, without opening them, and
// explains what to use instead.
#pragma once

#include <filesystem>

namespace hub::formats {

// True for a pickle-based weights file name: *.bin, *.pt, *.pth, *.ckpt, *.pkl, *.pickle, and
// their shard indexes (pytorch_model.bin.index.json).
bool is_pickle_weights(const std::filesystem::path& path) noexcept;

// Throws hub::Error(Errc::unsupported) when `path` names pickle weights, with why and what to
// use instead; returns otherwise. Never opens the file.
void refuse_pickle(const std::filesystem::path& path);

// The safetensors weights of a model folder (a snapshot): model.safetensors.index.json, else
// model.safetensors, else the only *.safetensors file. Throws Errc::unsupported when the folder
// holds only pickle weights (naming them), Errc::entry_not_found when it holds no weights, and
// Errc::invalid_input when several *.safetensors files leave the choice ambiguous.
std::filesystem::path find_safetensors_weights(const std::filesystem::path& dir);

}  // namespace hub::formats
