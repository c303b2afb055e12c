#pragma once
// The small slice of URL handling the HTTP client needs: split an absolute http(s) URL, resolve a
// redirect's Location against it, and compare origins (for per-host credentials).

#include <cstdint>
#include <string>
#include <string_view>

#include "config/result.h"

namespace intern::tools {

struct Url {
  std::string scheme;      // "http" or "https", lower case
  std::string userinfo;    // "user:password" before '@', or empty (used for proxy URLs only)
  std::string host;        // lower case; an IPv6 literal without its brackets
  std::uint16_t port = 0;  // always set: the explicit port or the scheme's default
  std::string target;      // path and query, never empty ("/" at least); no fragment

  bool operator==(const Url&) const = default;

  bool is_https() const { return scheme == "https"; }
  bool default_port() const { return port == (is_https() ? 443 : 80); }
  // "host" or "host:port" when the port is not the default; IPv6 literals in brackets. This is
  // the value of the Host header.
  std::string Authority() const;
  // "host:port" always (for messages and CONNECT).
  std::string HostPort() const;
  // scheme://authority/path — the query is left out, so tokens in query strings stay out of
  // error messages.
  std::string ForMessages() const;
  // The whole URL without userinfo.
  std::string ToString() const;
  // Same scheme, host and port.
  bool SameOrigin(const Url& other) const;
};

// Parses an absolute http:// or https:// URL. Failures (kInvalidArgument) say what is wrong:
// "unsupported URL scheme \"ftp\" in ftp://x (only http and https)".
Result<Url> ParseUrl(std::string_view text);

// Parses a proxy setting: a URL, or a bare "host:port" which is taken as http://host:port.
Result<Url> ParseProxyUrl(std::string_view text);

// The URL a redirect's Location header points to, relative to `base`: absolute URLs,
// scheme-relative ("//host/x"), absolute paths ("/x") and relative paths ("x", "../x").
Result<Url> ResolveLocation(const Url& base, std::string_view location);

// True when `host` is an IPv4 or IPv6 literal (no SNI is sent for those).
bool IsIpLiteral(std::string_view host);

}  // namespace intern::tools
