// hub/hub.h: everything public in libhub.
#pragma once

#include "hub/api.h"
#include "hub/cache.h"
#include "hub/error.h"
#include "hub/model.h"
#include "hub/pipeline.h"
#include "hub/pretrained.h"
#include "hub/pull.h"
#include "hub/repo.h"
#include "hub/safetensors.h"
#include "hub/server.h"
#include "hub/settings.h"
#include "hub/tokenizer.h"
#include "hub/version.h"
