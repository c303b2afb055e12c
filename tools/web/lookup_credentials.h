#pragma once
// The look-up tools' tokens for the shared HttpClient's per-host CredentialStore (DESIGN §5: a
// token is only ever sent to the host it belongs to).

#include "config/config.h"
#include "tools/http/credentials.h"

namespace intern::tools {

// Adds cfg.github.token (GITHUB_TOKEN) for the host and port of cfg.github.api_url and
// cfg.hub.token (HF_TOKEN) for those of cfg.hub.url; an empty token adds nothing. Throws
// intern::Error (from CredentialStore::Add, naming the hint, never the value) when a token
// contains a line break.
void AddLookupCredentials(const config::Config& cfg, CredentialStore& store);

}  // namespace intern::tools
