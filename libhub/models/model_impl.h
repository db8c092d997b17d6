// Model::Impl: a loaded model (config, mapped checkpoint, encoder, head, backend, workspace).
#pragma once

#include <memory>
#include <mutex>

#include "engine/backend.h"
#include "hub/model.h"
#include "hub/safetensors.h"
#include "models/architecture.h"
#include "models/batch_split.h"
#include "models/decoder.h"
#include "models/encoder.h"
#include "models/head.h"
#include "models/t5.h"

namespace hub {

class Model::Impl {
 public:
  // Loads from a resolved folder (config.json + safetensors weights).
  Impl(const std::filesystem::path& folder, const ModelOptions& options,
       const std::optional<std::filesystem::path>& adapter_folder = std::nullopt);

  // The final hidden states of a batch, computed under the model's lock (held by the caller).
  engine::MatrixView hidden_states(const ModelInput& input) const;
  ModelOutput forward(const ModelInput& input) const;
  std::vector<std::vector<std::int32_t>> generate(const ModelInput& prompts, const GenerationOptions& options,
                                                  const std::function<bool(std::size_t, std::int32_t)>& on_token) const;
  std::vector<std::vector<std::int32_t>> generate_seq2seq(
      const ModelInput& inputs, const GenerationOptions& options,
      const std::function<bool(std::size_t, std::int32_t)>& on_token) const;

  ModelConfig config;
  models::Architecture architecture;
  safetensors::Checkpoint checkpoint;
  std::unique_ptr<engine::Backend> backend;
  std::unique_ptr<models::Encoder> encoder;
  std::unique_ptr<models::Head> head;        // null for the base model
  std::unique_ptr<models::Decoder> decoder;  // decoder-only families (then encoder is null)
  std::unique_ptr<models::T5> t5;            // encoder-decoder
  GenerationOptions generation;              // generation_config.json over config.json
  mutable models::DecoderWorkspace decoder_workspace;
  mutable std::mutex mutex;  // one forward at a time: the workspace is shared
  mutable models::Workspace workspace;
  mutable std::unique_ptr<models::BatchSplitter> splitter;  // CPU encoders, unless options say no
};

}  // namespace hub
