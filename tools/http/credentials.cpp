#include "tools/http/credentials.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <array>

#include "config/error.h"

namespace intern::tools {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return s;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

void CredentialStore::Add(Credential credential) {
  std::string where = fmt::format("the credential for host \"{}\"{}", credential.host,
                                  credential.hint.empty() ? "" : " from " + credential.hint);
  if (credential.host.empty()) throw Error(where + " has no host name");
  if (credential.headers.empty()) throw Error(where + " has no headers");
  for (const auto& [name, value] : credential.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) {
      throw Error(where + " has a header with an empty name or a line break; check its value");
    }
  }
  std::string host = Lower(credential.host);
  // Accept "[::1]" as well as "::1" so the host compares equal to Url::host.
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  credential.host = host;
  credentials_.push_back(std::move(credential));
}

bool CredentialStore::Matches(const Credential& c, const Url& url) const {
  if (c.host != url.host) return false;
  if (c.port != 0 && c.port != url.port) return false;
  return url.is_https() || c.allow_plain_http;
}

HttpHeaders CredentialStore::HeadersFor(const Url& url) const {
  HttpHeaders out;
  for (const Credential& c : credentials_) {
    if (Matches(c, url)) out.insert(out.end(), c.headers.begin(), c.headers.end());
  }
  return out;
}

std::string CredentialStore::HintFor(const Url& url) const {
  for (const Credential& c : credentials_) {
    if (Matches(c, url)) return c.hint;
  }
  return "";
}

bool CredentialStore::SetsHeader(std::string_view name) const {
  for (const Credential& c : credentials_) {
    for (const auto& header : c.headers) {
      if (HeaderNameEquals(header.first, name)) return true;
    }
  }
  return false;
}

bool IsSecretHeader(std::string_view name, const CredentialStore& store) {
  static constexpr std::array<std::string_view, 7> kSecret = {
      "authorization", "proxy-authorization", "cookie",       "x-api-key",
      "api-key",       "x-goog-api-key",      "private-token"};
  for (std::string_view secret : kSecret) {
    if (HeaderNameEquals(name, secret)) return true;
  }
  // Headers an operator configures by hand (an MCP server's `headers`, say) name their secret in
  // their own words: "X-Custom-Token", "X-Auth-User", "Api-Secret".
  static constexpr std::array<std::string_view, 9> kSecretWords = {
      "token", "secret", "key", "auth", "password", "session", "cookie", "credential", "signature"};
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view word : kSecretWords) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return store.SetsHeader(name);
}

}  // namespace intern::tools
