#include "tools/web/lookup_credentials.h"

#include "tools/github/github_client.h"
#include "tools/hub/hub_client.h"

namespace intern::tools {

void AddLookupCredentials(const config::Config& cfg, CredentialStore& store) {
  if (auto github = GithubCredential(cfg.github.api_url, cfg.github.token)) {
    store.Add(std::move(*github));
  }
  if (auto hub = HubCredential(cfg.hub.url, cfg.hub.token)) store.Add(std::move(*hub));
}

}  // namespace intern::tools
