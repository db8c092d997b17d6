# formats: safetensors (mapped reader, validator, writer, f32 conversions) and the refusal of
# pickle weights. Depends only on core.
list(APPEND HUB_SOURCES
  formats/safetensors/dtype.cc
  formats/safetensors/header.cc
  formats/safetensors/index.cc
  formats/safetensors/strict_json.cc
  formats/safetensors/file.cc
  formats/safetensors/checkpoint.cc
  formats/safetensors/writer.cc
  formats/safetensors/convert.cc
  formats/pickle.cc)
