// Model::Impl: a loaded model (config, mapped checkpoint, encoder, head, backend, workspace).
#pragma once

#include <memory>
#include <mutex>

#include "engine/backend.h"
#include "hub/model.h"
#include "hub/safetensors.h"
#include "models/architecture.h"
#include "models/encoder.h"
#include "models/head.h"

namespace hub {

class Model::Impl {
 public:
  // Loads from a resolved folder (config.json + safetensors weights).
  Impl(const std::filesystem::path& folder, const ModelOptions& options);

  // The final hidden states of a batch, computed under the model's lock (held by the caller).
  engine::MatrixView hidden_states(const ModelInput& input) const;
  ModelOutput forward(const ModelInput& input) const;

  ModelConfig config;
  models::Architecture architecture;
  safetensors::Checkpoint checkpoint;
  std::unique_ptr<engine::Backend> backend;
  std::unique_ptr<models::Encoder> encoder;
  std::unique_ptr<models::Head> head;  // null for the base model
  mutable std::mutex mutex;            // one forward at a time: the workspace is shared
  mutable models::Workspace workspace;
};

}  // namespace hub
