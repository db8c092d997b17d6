#include "models/decoder_layout.h"

#include <map>

namespace hub::models {
namespace {

DecoderLayout llama() {
  DecoderLayout l;
  l.family = "llama";
  l.word_embeddings = "model.embed_tokens.weight";
  l.layer = "model.layers.{}.";
  l.input_norm = "input_layernorm";
  l.post_attention_norm = "post_attention_layernorm";
  l.final_norm = "model.norm";
  l.query = "self_attn.q_proj";
  l.key = "self_attn.k_proj";
  l.value = "self_attn.v_proj";
  l.output = "self_attn.o_proj";
  l.gate = "mlp.gate_proj";
  l.up = "mlp.up_proj";
  l.down = "mlp.down_proj";
  l.lm_head = "lm_head.weight";
  return l;
}

const std::map<std::string, DecoderLayout, std::less<>>& layouts() {
  static const std::map<std::string, DecoderLayout, std::less<>> table = [] {
    std::map<std::string, DecoderLayout, std::less<>> t;
    t["llama"] = llama();
    auto mistral = llama();
    mistral.family = "mistral";
    t["mistral"] = mistral;
    auto qwen2 = llama();  // q/k/v biases are found in the checkpoint
    qwen2.family = "qwen2";
    t["qwen2"] = qwen2;
    auto qwen3 = llama();
    qwen3.family = "qwen3";
    qwen3.q_norm = "self_attn.q_norm";
    qwen3.k_norm = "self_attn.k_norm";
    t["qwen3"] = qwen3;
    auto gemma = llama();
    gemma.family = "gemma";
    gemma.norm_unit_offset = true;
    gemma.scale_embeddings = true;
    t["gemma"] = gemma;
    auto phi3 = llama();
    phi3.family = "phi3";
    phi3.query = phi3.key = phi3.value = "";
    phi3.qkv = "self_attn.qkv_proj";
    phi3.gate = phi3.up = "";
    phi3.gate_up = "mlp.gate_up_proj";
    t["phi3"] = phi3;
    DecoderLayout gpt2;
    gpt2.family = "gpt2";
    gpt2.word_embeddings = "transformer.wte.weight";
    gpt2.position_embeddings = "transformer.wpe.weight";
    gpt2.layer = "transformer.h.{}.";
    gpt2.input_norm = "ln_1";
    gpt2.post_attention_norm = "ln_2";
    gpt2.final_norm = "transformer.ln_f";
    gpt2.qkv = "attn.c_attn";
    gpt2.output = "attn.c_proj";
    gpt2.gated_mlp = false;
    gpt2.fc = "mlp.c_fc";
    gpt2.proj = "mlp.c_proj";
    gpt2.lm_head = "lm_head.weight";
    gpt2.conv1d = true;
    gpt2.rms_norm = false;
    t["gpt2"] = gpt2;
    return t;
  }();
  return table;
}

}  // namespace

const DecoderLayout* find_decoder_layout(const ModelConfig& config) {
  auto it = layouts().find(config.model_type);
  return it == layouts().end() ? nullptr : &it->second;
}

}  // namespace hub::models
