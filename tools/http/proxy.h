#pragma once
// Which proxy, if any, a request goes through: HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as curl and
// most tools read them. The client tunnels every proxied request with CONNECT (plain http too),
// so the proxy never sees request headers or credentials; the proxy itself is reached over
// plain TCP.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/result.h"
#include "tools/http/url.h"

namespace intern::tools {

struct ProxyConfig {
  // One NO_PROXY entry. `host` is lower case without a leading dot; it matches that host and
  // every subdomain of it (".example.com" and "example.com" both match "api.example.com").
  struct Bypass {
    std::string host;
    std::uint16_t port = 0;  // 0: any port
    bool operator==(const Bypass&) const = default;
  };

  std::optional<Url> https_proxy;  // for https:// URLs
  std::optional<Url> http_proxy;   // for http:// URLs
  std::vector<Bypass> no_proxy;
  bool bypass_all = false;  // NO_PROXY=*

  bool operator==(const ProxyConfig&) const = default;

  // Reads https_proxy/HTTPS_PROXY, http_proxy/HTTP_PROXY and no_proxy/NO_PROXY from `env`
  // (the lower-case spelling wins when both are set, as in curl). NO_PROXY is a comma-separated
  // list of "*", "host", ".domain", "host:port" or an IP literal ("[::1]:8080" for IPv6 with a
  // port); CIDR ranges are not supported and match nothing. Fails (kInvalidArgument) when a proxy
  // URL is malformed, naming the variable.
  static Result<ProxyConfig> FromEnv(const std::map<std::string, std::string>& env);
  // FromEnv over this process's environment (for wiring in main).
  static Result<ProxyConfig> FromProcessEnvironment();

  // The proxy to tunnel through for `url`, or nullopt to connect directly.
  std::optional<Url> ProxyFor(const Url& url) const;

  // True when NO_PROXY says `host:port` is reached directly.
  bool Bypasses(const std::string& host, std::uint16_t port) const;
};

// The Proxy-Authorization value for a proxy URL with "user:password@" ("Basic …", the parts
// percent-decoded first), or nullopt when the URL has no userinfo.
std::optional<std::string> ProxyAuthorization(const Url& proxy);

}  // namespace intern::tools
