# Pipelines module: transformers-style tasks over the tokenizer and the models. Paths relative to
# libhub/. One-way dependency: pipelines -> models, tokenizer.
list(APPEND HUB_SOURCES
     pipelines/features.cc
     pipelines/fill_mask.cc
     pipelines/names.cc
     pipelines/pipeline.cc
     pipelines/python_json.cc
     pipelines/result_json.cc
     pipelines/text_classification.cc
     pipelines/text_generation.cc
     pipelines/token_classification.cc
     pipelines/token_words.cc
)
