// Decoder-only architectures as data (GPT-2, Llama, Mistral, Qwen2, Qwen3, Gemma, Phi-3): weight
// names plus the flags that distinguish them, read by the one decoder in decoder.cc.
#pragma once

#include <string>

#include "hub/model.h"

namespace hub::models {

struct DecoderLayout {
  std::string family;                                       // model_type
  std::string word_embeddings;                              // "model.embed_tokens.weight"
  std::string position_embeddings;                          // learned positions (GPT-2); empty: rotary
  std::string layer;                                        // "model.layers.{}."
  std::string input_norm, post_attention_norm, final_norm;  // norm prefixes
  // Attention: either one fused projection (qkv) or three.
  std::string qkv, query, key, value, output;
  std::string q_norm, k_norm;  // per-head RMSNorm of q and k (Qwen3); empty: none
  // MLP: gated (gate+up or fused gate_up, then down) or plain (fc with activation, then proj).
  bool gated_mlp = true;
  std::string gate, up, gate_up, down, fc, proj;
  std::string lm_head;  // "lm_head.weight"
  bool conv1d = false;  // GPT-2 stores [in, out] matrices
  bool rms_norm = true;
  bool norm_unit_offset = false;  // Gemma's (1 + w)
  bool scale_embeddings = false;  // Gemma multiplies embeddings by sqrt(hidden)
};

// The layout for config.model_type; Errc::unsupported when it is not a supported decoder.
const DecoderLayout* find_decoder_layout(const ModelConfig& config);

}  // namespace hub::models
