# models: AutoConfig, the parametrized encoder, heads, AutoModel.
list(APPEND HUB_SOURCES models/config.cc models/architecture.cc models/weights.cc models/encoder.cc models/head.cc
     models/auto_model.cc)
