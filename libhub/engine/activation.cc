#include <string>

#include "engine/backend.h"
#include "hub/error.h"

namespace hub::engine {

Activation parse_activation(std::string_view name, std::string_view field) {
  if (name == "gelu" || name == "gelu_python") return Activation::gelu;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast" || name == "gelu_tanh") {
    return Activation::gelu_tanh;
  }
  if (name == "relu") return Activation::relu;
  if (name == "silu" || name == "swish") return Activation::silu;
  if (name == "tanh") return Activation::tanh;
  if (name == "quick_gelu") return Activation::quick_gelu;
  throw Error(Errc::unsupported, std::string(field) + ": activation '" + std::string(name) + "' is not supported");
}

}  // namespace hub::engine
