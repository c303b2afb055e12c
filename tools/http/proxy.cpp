#include "tools/http/proxy.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace intern::tools {
namespace {

std::string Trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  std::size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return s;
}

// The first non-empty value among `names`, with the name it came from.
std::optional<std::pair<std::string, std::string>> Lookup(
    const std::map<std::string, std::string>& env, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = env.find(name);
    if (it != env.end() && !Trim(it->second).empty()) return std::make_pair(name, Trim(it->second));
  }
  return std::nullopt;
}

Result<std::optional<Url>> ReadProxy(const std::map<std::string, std::string>& env,
                                     std::initializer_list<const char*> names) {
  auto found = Lookup(env, names);
  if (!found) return std::optional<Url>();
  Result<Url> url = ParseProxyUrl(found->second);
  if (!url) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} is not a usable proxy URL: {}", found->first, url.message()));
  }
  return std::optional<Url>(*url);
}

// "host", ".host", "host:port", "[v6]:port", "v6" → Bypass.
std::optional<ProxyConfig::Bypass> ParseBypass(std::string entry) {
  ProxyConfig::Bypass bypass;
  std::string host = entry;
  if (!entry.empty() && entry.front() == '[') {
    std::size_t close = entry.find(']');
    if (close == std::string::npos) return std::nullopt;
    host = entry.substr(1, close - 1);
    std::string after = entry.substr(close + 1);
    if (after.size() > 1 && after.front() == ':') {
      unsigned port = 0;
      auto [p, ec] = std::from_chars(after.data() + 1, after.data() + after.size(), port);
      if (ec != std::errc() || p != after.data() + after.size() || port > 65535)
        return std::nullopt;
      bypass.port = static_cast<std::uint16_t>(port);
    }
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
    std::size_t colon = entry.find(':');
    host = entry.substr(0, colon);
    unsigned port = 0;
    auto [p, ec] = std::from_chars(entry.data() + colon + 1, entry.data() + entry.size(), port);
    if (ec != std::errc() || p != entry.data() + entry.size() || port > 65535) return std::nullopt;
    bypass.port = static_cast<std::uint16_t>(port);
  }
  while (!host.empty() && host.front() == '.') host.erase(0, 1);
  if (host.empty()) return std::nullopt;
  bypass.host = Lower(host);
  return bypass;
}

// Base64 of `text` (RFC 4648 with padding), for Proxy-Authorization: Basic.
std::string Base64(std::string_view text) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(text[i]) << 16) |
                 (static_cast<unsigned char>(text[i + 1]) << 8) |
                 static_cast<unsigned char>(text[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < text.size()) {
    unsigned v = static_cast<unsigned char>(text[i]) << 16;
    if (i + 1 < text.size()) v |= static_cast<unsigned char>(text[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < text.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// "%40" → "@": userinfo in a URL is percent-encoded.
std::string PercentDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> ProxyAuthorization(const Url& proxy) {
  if (proxy.userinfo.empty()) return std::nullopt;
  std::size_t colon = proxy.userinfo.find(':');
  std::string user = PercentDecode(proxy.userinfo.substr(0, colon));
  std::string password =
      colon == std::string::npos ? "" : PercentDecode(proxy.userinfo.substr(colon + 1));
  return "Basic " + Base64(user + ":" + password);
}

Result<ProxyConfig> ProxyConfig::FromEnv(const std::map<std::string, std::string>& env) {
  ProxyConfig config;
  auto https = ReadProxy(env, {"https_proxy", "HTTPS_PROXY"});
  if (!https) return https.failure();
  config.https_proxy = *https;
  auto http = ReadProxy(env, {"http_proxy", "HTTP_PROXY"});
  if (!http) return http.failure();
  config.http_proxy = *http;
  if (auto no_proxy = Lookup(env, {"no_proxy", "NO_PROXY"})) {
    std::string_view list = no_proxy->second;
    while (!list.empty()) {
      std::size_t comma = list.find(',');
      std::string entry = Trim(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      if (entry == "*") {
        config.bypass_all = true;
      } else if (auto bypass = ParseBypass(entry)) {
        config.no_proxy.push_back(*bypass);
      }
    }
  }
  return config;
}

Result<ProxyConfig> ProxyConfig::FromProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (const char* name :
       {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"}) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  return FromEnv(env);
}

bool ProxyConfig::Bypasses(const std::string& host, std::uint16_t port) const {
  if (bypass_all) return true;
  std::string h = Lower(host);
  for (const Bypass& b : no_proxy) {
    if (b.port != 0 && b.port != port) continue;
    if (h == b.host) return true;
    if (IsIpLiteral(h)) continue;  // addresses match exactly, never by suffix
    if (h.size() > b.host.size() && h.ends_with(b.host) && h[h.size() - b.host.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

std::optional<Url> ProxyConfig::ProxyFor(const Url& url) const {
  const std::optional<Url>& proxy = url.is_https() ? https_proxy : http_proxy;
  if (!proxy || Bypasses(url.host, url.port)) return std::nullopt;
  return proxy;
}

}  // namespace intern::tools
