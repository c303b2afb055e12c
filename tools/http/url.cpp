#include "tools/http/url.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace intern::tools {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

std::string BracketIfIpv6(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// The URL as messages show it: without the query, which may carry a key.
std::string_view WithoutQuery(std::string_view text) { return text.substr(0, text.find('?')); }

Failure Invalid(std::string_view text, std::string_view why) {
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("invalid URL \"{}\": {}", WithoutQuery(text), why));
}

// Removes "." and ".." segments from a path that starts with '/' (RFC 3986 §5.2.4).
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::string_view rest = path.substr(1);
  while (true) {
    std::size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    bool last = slash == std::string_view::npos;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (segment != ".") {
      segments.push_back(segment);
    }
    // A path ending in "." or ".." names a directory: keep the trailing slash.
    if (last && (segment == "." || segment == "..")) segments.push_back("");
    if (last) break;
    rest = rest.substr(slash + 1);
  }
  std::string result;
  for (std::string_view segment : segments) {
    result += '/';
    result += segment;
  }
  return result.empty() ? "/" : result;
}

}  // namespace

std::string Url::Authority() const {
  std::string h = BracketIfIpv6(host);
  return default_port() ? h : fmt::format("{}:{}", h, port);
}

std::string Url::HostPort() const { return fmt::format("{}:{}", BracketIfIpv6(host), port); }

std::string Url::ForMessages() const {
  std::string path = target.substr(0, target.find('?'));
  return fmt::format("{}://{}{}", scheme, Authority(), path);
}

std::string Url::ToString() const { return fmt::format("{}://{}{}", scheme, Authority(), target); }

bool Url::SameOrigin(const Url& other) const {
  return scheme == other.scheme && host == other.host && port == other.port;
}

Result<Url> ParseUrl(std::string_view text) {
  std::size_t colon = text.find("://");
  if (colon == std::string_view::npos)
    return Invalid(text, "it has no scheme (http:// or https://)");
  Url url;
  url.scheme = Lower(text.substr(0, colon));
  if (url.scheme != "http" && url.scheme != "https") {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("unsupported URL scheme \"{}\" in {} (only http and https)", url.scheme,
                            WithoutQuery(text)));
  }
  std::string_view rest = text.substr(colon + 3);
  rest = rest.substr(0, rest.find('#'));
  std::size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);

  if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    url.userinfo = std::string(authority.substr(0, at));
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid(text, "an IPv6 address lacks its ']'");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Invalid(text, "unexpected text after the IPv6 address");
      port = after.substr(1);
    }
  } else if (std::size_t c = authority.rfind(':'); c != std::string_view::npos) {
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  if (host.empty()) return Invalid(text, "it has no host");
  url.host = Lower(host);
  url.port = url.is_https() ? 443 : 80;
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return Invalid(text, fmt::format("the port \"{}\" is not a number from 1 to 65535", port));
    }
    url.port = static_cast<std::uint16_t>(value);
  }
  if (target.empty()) {
    url.target = "/";
  } else if (target.front() == '?') {
    url.target = "/" + std::string(target);
  } else {
    url.target = std::string(target);
  }
  if (url.target.find_first_of(" \r\n\t") != std::string::npos) {
    return Invalid(text, "the path contains whitespace or a line break");
  }
  return url;
}

Result<Url> ParseProxyUrl(std::string_view text) {
  if (text.find("://") == std::string_view::npos) return ParseUrl("http://" + std::string(text));
  return ParseUrl(text);
}

Result<Url> ResolveLocation(const Url& base, std::string_view location) {
  if (location.empty()) return Invalid(location, "the redirect's Location header is empty");
  std::string_view without_fragment = location.substr(0, location.find('#'));
  std::size_t scheme_end = without_fragment.find("://");
  std::size_t first_delim = without_fragment.find_first_of("/?");
  if (scheme_end != std::string_view::npos && scheme_end < first_delim) {
    return ParseUrl(without_fragment);
  }
  if (without_fragment.substr(0, 2) == "//") {
    return ParseUrl(base.scheme + ":" + std::string(without_fragment));
  }
  Url next = base;
  next.userinfo.clear();
  std::string_view base_path = std::string_view(base.target).substr(0, base.target.find('?'));
  std::string path;
  std::string query;
  std::size_t q = without_fragment.find('?');
  std::string_view ref_path = without_fragment.substr(0, q);
  if (q != std::string_view::npos) query = std::string(without_fragment.substr(q));
  if (ref_path.empty()) {
    path = std::string(base_path);
    if (query.empty()) query = base.target.substr(base_path.size());
  } else if (ref_path.front() == '/') {
    path = RemoveDotSegments(ref_path);
  } else {
    std::string merged(base_path.substr(0, base_path.rfind('/') + 1));
    merged += ref_path;
    path = RemoveDotSegments(merged);
  }
  next.target = path + query;
  if (next.target.find_first_of(" \r\n\t") != std::string::npos) {
    return Invalid(location, "the path contains whitespace or a line break");
  }
  return next;
}

bool IsIpLiteral(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;  // only IPv6 literals have colons
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

}  // namespace intern::tools
