# models: AutoConfig, the parametrized encoder, heads, AutoModel.
list(APPEND HUB_SOURCES models/config.cc models/architecture.cc models/weights.cc models/encoder.cc models/batch_split.cc models/head.cc
     models/auto_model.cc models/decoder_layout.cc models/decoder.cc models/generate.cc models/lora.cc models/sentence_transformer.cc models/t5.cc)
