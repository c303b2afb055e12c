#pragma once
// Per-host credentials (DESIGN §5): "a token is only ever sent to the host it belongs to".
// The HTTP client asks the store for the headers of every hop's URL, so a redirect to another
// host loses the first host's credential; it also drops caller-set secret headers
// (IsSecretHeader) whenever a redirect leaves the original origin.
//
// Thread safety: configure (Add) before sharing; the const methods may then be called from any
// number of threads. Copying a store copies the secrets; error messages never contain them.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/http/http_client.h"
#include "tools/http/url.h"

namespace intern::tools {

struct Credential {
  std::string host;        // exact host name or IP literal; no wildcards, no subdomains
  std::uint16_t port = 0;  // 0: any port of that host
  HttpHeaders headers;     // e.g. {"x-api-key", "…"} or {"Authorization", "Bearer …"}
  std::string hint;        // where the secret came from, for messages: "ANTHROPIC_API_KEY"
  // Credentials go over TLS only, so an https→http redirect on the same host cannot expose them;
  // set for local plain-http servers (Ollama, a loopback test server).
  bool allow_plain_http = false;
};

class CredentialStore {
 public:
  // Adds a credential. Throws intern::Error (naming the host and hint, never the value) when the
  // host is empty, there are no headers, or a header name or value contains a line break.
  void Add(Credential credential);

  // The headers to add to a request for `url`: those of every credential whose host (any case)
  // and port match, and whose scheme rule allows it. Empty when none does.
  HttpHeaders HeadersFor(const Url& url) const;

  // The hint of the first credential for `url`, or "" (for DescribeHttpError).
  std::string HintFor(const Url& url) const;

  // True when `name` is a header some credential in this store sets (any case).
  bool SetsHeader(std::string_view name) const;

  bool empty() const { return credentials_.empty(); }

 private:
  bool Matches(const Credential& c, const Url& url) const;

  std::vector<Credential> credentials_;
};

// Headers that carry secrets whoever set them (Authorization, Proxy-Authorization, Cookie,
// x-api-key, api-key, x-goog-api-key, private-token), every header whose name contains token,
// secret, key, auth, password, session, cookie, credential or signature (any case), plus every
// header `store` sets. The client drops these from the caller's headers when a redirect leaves
// the request's origin.
bool IsSecretHeader(std::string_view name, const CredentialStore& store);

}  // namespace intern::tools
