#include "agent/providers/provider_options.h"

#include "tools/http/url.h"

namespace intern::agent {

std::optional<tools::Credential> ProviderCredential(const ProviderOptions& options,
                                                    bool anthropic_style) {
  if (options.api_key.empty()) return std::nullopt;
  Result<tools::Url> url = tools::ParseUrl(options.base_url);
  if (!url) return std::nullopt;
  tools::Credential credential;
  credential.host = url->host;
  credential.port = url->port;
  if (anthropic_style) {
    credential.headers = {{"x-api-key", options.api_key}};
  } else {
    credential.headers = {{"Authorization", "Bearer " + options.api_key}};
  }
  credential.hint = options.key_hint;
  credential.allow_plain_http =
      url->host == "127.0.0.1" || url->host == "::1" || url->host == "localhost";
  return credential;
}

}  // namespace intern::agent
