// Large encoder batches run as one sub-batch per core (data parallelism) instead of one batch
// whose every op is split across the cores (op parallelism).
//
// Why: at batch 32 x 128 tokens a BERT-base forward crosses ~100 parallel regions, each ending in
// a barrier, and every thread-split GEMM packs the operand its threads share once per thread.
// Independent sub-batches on single-threaded backends need neither: measured here, two one-thread
// halves of a batch-32 forward do ~5% more work per second than one two-thread forward. Every
// sequence's result is computed by the same ops on the same values either way (a sequence never
// looks at another one), so the split changes speed only.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "engine/backend.h"
#include "hub/model.h"
#include "models/encoder.h"

namespace hub::models {

class BatchSplitter {
 public:
  // threads: the cores the model may use (resolved, >= 1).
  explicit BatchSplitter(int threads);
  ~BatchSplitter();

  // How many sub-batches `input` would run as; 1 = do not split (a batch smaller than the cores,
  // or one that would leave a core idle for more than ~10% of the forward).
  std::size_t parts(const ModelInput& input) const noexcept;

  // The encoder's final hidden states [batch * seq, hidden] of a batch with parts(input) > 1,
  // written into `out.hidden` (a view into it, valid until the next call). Input already validated.
  engine::MatrixView forward(const Encoder& encoder, const ModelInput& input, Workspace& out);

 private:
  int threads_;
  std::vector<std::unique_ptr<engine::Backend>> backends_;  // single-threaded, one per part
  std::vector<Workspace> workspaces_;                       // one per part
};

}  // namespace hub::models
