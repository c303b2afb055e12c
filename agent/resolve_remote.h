#pragma once
// HubGithubResolver — the RemoteResolver of `intern compare` (DESIGN §2 step 3): a name the
// catalog does not know is searched on the Hugging Face Hub (models whose id contains it, most
// downloaded first) and on GitHub (repositories with it in their name, best match first), through
// the project's HttpClient and the tools' own clients (so tokens, proxies and CAs are the ones
// the look-up tools use).
//
// Search returns at most `per_source` hub models followed by at most `per_source` GitHub
// repositories, each with the dated facts the catalog entry will carry (GitHub: stars, forks,
// language, pushed_at; hub: downloads, likes, last_modified, parameters), checked today by the
// clock. When one service fails the other's matches are returned; when both fail, the failure is
// kConnection with "neither the Hugging Face Hub nor GitHub could be reached (…)" if both were
// unreachable (connection, timeout, unavailable), else the first failure that was not.
//
// Thread safety: one Search at a time. `http` and `clock` must outlive the resolver.

#include <memory>
#include <string>
#include <vector>

#include "agent/resolve.h"
#include "config/clock.h"
#include "config/config.h"
#include "tools/http/http_client.h"

namespace intern::agent {

struct RemoteResolverOptions {
  std::string hub_url = "https://huggingface.co";
  std::string github_api_url = "https://api.github.com";
  int per_source = 3;
};

// The options a config gives (hub.url, github.api_url).
RemoteResolverOptions RemoteResolverOptionsFrom(const config::Config& cfg);

// "812", "1.2k", "3.4M": a count for the operator.
std::string ShortCount(std::int64_t n);

// Makes the resolver; `http` (configured with HttpOptionsFromConfig, so tokens reach their own
// hosts only) and `clock` are borrowed.
std::unique_ptr<RemoteResolver> MakeHubGithubResolver(tools::HttpClient& http, Clock& clock,
                                                      RemoteResolverOptions options);

// The resolver `intern compare` uses: on its first Search it makes its own HTTP client from the
// config (HttpOptionsFromConfig: timeouts, CAs, proxies, tokens bound to their hosts), so a run
// whose names are all in the catalog never pays for it. `clock` is borrowed. Throws
// intern::Error (on Search) when a proxy variable is malformed.
std::unique_ptr<RemoteResolver> MakeConfiguredRemoteResolver(const config::Config& cfg,
                                                             Clock& clock);

}  // namespace intern::agent
