// HubApi's private state (internal), shared with the download module.
#pragma once

#include "http/client.h"
#include "hub/api.h"

namespace hub {

struct HubApi::Impl {
  explicit Impl(Settings s) : settings(std::move(s)), client(settings) {}
  Settings settings;
  http::Client client;

  // Throws Errc::offline when settings.offline is set: no request may leave in offline mode.
  void require_online(std::string_view what) const;
  // "{endpoint}/api/{types}/{id}".
  std::string api_base(const RepoId& repo) const;
};

}  // namespace hub
