#include "tools/repo/repo_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vector>

namespace intern::tools {
namespace {

constexpr std::size_t kMaxRepoLength = 2048;
constexpr std::size_t kMaxReadableKey = 80;

Failure Invalid(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string_view> SplitSlashes(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('/', start);
    if (end == std::string_view::npos) end = s.size();
    parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool HasDotDot(std::string_view path) {
  for (std::string_view part : SplitSlashes(path)) {
    if (part == "..") return true;
  }
  return false;
}

std::string_view StripTrailingSlashes(std::string_view s) {
  while (s.size() > 1 && s.back() == '/') s.remove_suffix(1);
  return s;
}

std::string_view StripDotGit(std::string_view s) {
  if (s.size() > 4 && s.substr(s.size() - 4) == ".git") s.remove_suffix(4);
  return s;
}

// FNV-1a, 64 bit: a stable hash (std::hash is not specified to be) so a cache entry keeps its
// name across builds.
std::uint64_t Fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// A readable, filesystem-safe prefix made from `parts`, plus a hash of `identity` so that two
// sources whose readable parts sanitise to the same text still get different directories.
std::string CacheKey(const std::vector<std::string_view>& parts, std::string_view identity) {
  std::string readable;
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    if (!readable.empty()) readable += '+';
    for (unsigned char c : part) {
      readable +=
          (std::isalnum(c) || c == '.' || c == '-' || c == '_') ? static_cast<char>(c) : '_';
    }
  }
  if (readable.size() > kMaxReadableKey) readable.resize(kMaxReadableKey);
  return fmt::format("{}-{:016x}", readable, Fnv1a(identity));
}

bool IsOwnerName(std::string_view owner, std::string_view name) {
  if (owner.empty() || owner.size() > 39 || owner.front() == '-') return false;
  for (unsigned char c : owner) {
    if (!std::isalnum(c) && c != '-') return false;
  }
  if (name.empty() || name.size() > 100 || name == "." || name == "..") return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '.' && c != '-' && c != '_') return false;
  }
  return true;
}

// Parses the part after "scheme://" of an http(s) URL.
Result<RepoSource> ParseHttp(std::string_view input, std::string_view scheme,
                             std::string_view rest) {
  std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view path =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return Invalid("repo URL carries credentials (user:password@host): pass the URL without them.");
  }
  std::string_view host = authority;
  std::string_view port_text;
  if (!host.empty() && host.front() == '[') {  // [IPv6]:port
    std::size_t close = host.find(']');
    if (close == std::string_view::npos) {
      return Invalid(
          fmt::format("repo \"{}\" has an unclosed '[' in its host: pass a URL such as "
                      "https://[::1]:8080/owner/name.",
                      input));
    }
    port_text = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port_text.empty() && port_text.front() != ':') {
      return Invalid(fmt::format(
          "repo \"{}\" has an invalid port: pass a port between 1 and 65535 or none.", input));
    }
    if (!port_text.empty()) port_text.remove_prefix(1);
  } else if (std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port_text = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (port_text.empty()) port_text = "-";  // "host:" is as wrong as a bad number
  }
  if (host.empty()) {
    return Invalid(fmt::format(
        "repo \"{}\" has no host: pass a URL such as https://github.com/owner/name.", input));
  }
  int port = scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    bool digits =
        port_text.size() <= 5 && std::all_of(port_text.begin(), port_text.end(),
                                             [](unsigned char c) { return std::isdigit(c) != 0; });
    port = digits ? std::stoi(std::string(port_text)) : 0;
    if (port < 1 || port > 65535) {
      return Invalid(fmt::format(
          "repo \"{}\" has an invalid port: pass a port between 1 and 65535 or none.", input));
    }
  }
  std::string_view clean_path = StripTrailingSlashes(path);
  if (clean_path.empty() || clean_path == "/" || clean_path.front() != '/') {
    return Invalid(
        fmt::format("repo \"{}\" names a host but no repository: pass a URL such as "
                    "https://github.com/owner/name.",
                    input));
  }

  RepoSource source;
  source.kind = RepoSource::Kind::kRemote;
  source.input = std::string(input);
  std::string lower_host = Lower(host);
  std::string host_part = authority.front() == '[' ? "[" + lower_host + "]" : lower_host;
  if (!port_text.empty()) host_part += fmt::format(":{}", port);
  source.fetch_url = fmt::format("{}://{}{}", scheme, host_part, clean_path);
  source.display_url = source.fetch_url;
  source.host = lower_host;
  source.port = port;
  std::vector<std::string_view> parts = SplitSlashes(StripDotGit(clean_path));
  std::string readable_host =
      port_text.empty() ? lower_host : fmt::format("{}_{}", lower_host, port);
  parts.insert(parts.begin(), readable_host);
  source.cache_key = CacheKey(parts, Lower(StripDotGit(source.fetch_url)));
  return source;
}

Result<RepoSource> ParseLocal(std::string_view input, std::string_view path,
                              const RepoSourceOptions& options) {
  if (HasDotDot(path)) {
    return Invalid(fmt::format(
        "repo \"{}\" contains a \"..\" path component: pass an absolute path without \"..\", "
        "a clone URL, or owner/name.",
        input));
  }
  if (!options.allow_local) {
    return Invalid(fmt::format(
        "repo \"{}\" is a local path, which this configuration does not allow: pass an https:// "
        "clone URL or owner/name.",
        input));
  }
  // Collapse "//" and "/./" so one repository has one cache entry.
  std::string clean;
  for (std::string_view part : SplitSlashes(path)) {
    if (part.empty() || part == ".") continue;
    clean += '/';
    clean += part;
  }
  if (clean.empty()) clean = "/";

  RepoSource source;
  source.kind = RepoSource::Kind::kLocal;
  source.input = std::string(input);
  source.fetch_url = clean;
  source.display_url = "file://" + clean;
  std::vector<std::string_view> parts = SplitSlashes(StripDotGit(clean));
  source.cache_key = CacheKey({"local", parts.back()}, clean);
  return source;
}

}  // namespace

Result<RepoSource> ParseRepoSource(std::string_view repo, const RepoSourceOptions& options) {
  auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!repo.empty() && is_space(repo.front())) repo.remove_prefix(1);
  while (!repo.empty() && is_space(repo.back())) repo.remove_suffix(1);
  if (repo.empty()) {
    return Invalid(
        "repo is empty: pass a clone URL (https://host/owner/name), an absolute repository path, "
        "or owner/name.");
  }
  if (repo.size() > kMaxRepoLength) {
    return Invalid(
        "repo is longer than 2048 characters: pass one clone URL, absolute path or owner/name.");
  }
  if (std::any_of(repo.begin(), repo.end(),
                  [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); })) {
    return Invalid(
        "repo contains whitespace or control characters: pass one clone URL, absolute path or "
        "owner/name.");
  }

  if (std::size_t sep = repo.find("://"); sep != std::string_view::npos) {
    std::string scheme = Lower(repo.substr(0, sep));
    std::string_view rest = repo.substr(sep + 3);
    if (scheme == "https" || scheme == "http") return ParseHttp(repo, scheme, rest);
    if (scheme == "file") {
      if (rest.empty() || rest.front() != '/') {
        return Invalid(
            fmt::format("repo \"{}\" names a host or a relative path; file URLs must look like "
                        "file:///absolute/path.",
                        repo));
      }
      return ParseLocal(repo, rest, options);
    }
    if (scheme == "ssh" || scheme == "git+ssh" || scheme == "ssh+git") {
      return Invalid(fmt::format(
          "repo \"{}\" is an ssh address, which needs keys intern does not have: pass the "
          "https:// clone URL instead.",
          repo));
    }
    return Invalid(fmt::format(
        "repo \"{}\" uses the unsupported scheme \"{}\": pass an https://, http:// or file:// "
        "URL, an absolute path, or owner/name.",
        repo, scheme));
  }

  // user@host:path and host:path are scp-like ssh addresses (a ':' before any '/').
  std::size_t colon = repo.find(':');
  if (colon != std::string_view::npos && colon < repo.find('/')) {
    return Invalid(fmt::format(
        "repo \"{}\" is an ssh address, which needs keys intern does not have: pass the "
        "https:// clone URL instead.",
        repo));
  }
  if (repo.front() == '/') return ParseLocal(repo, repo, options);
  if (HasDotDot(repo)) {
    return Invalid(fmt::format(
        "repo \"{}\" contains a \"..\" path component: pass an absolute path without \"..\", "
        "a clone URL, or owner/name.",
        repo));
  }

  std::vector<std::string_view> parts = SplitSlashes(StripTrailingSlashes(repo));
  if (parts.size() == 2 && IsOwnerName(parts[0], parts[1])) {
    std::string base = options.github_base;
    if (base.empty() || base.back() != '/') base += '/';
    std::string url = base + std::string(parts[0]) + "/" + std::string(StripDotGit(parts[1]));
    Result<RepoSource> parsed = ParseRepoSource(url, options);
    if (parsed) parsed->input = std::string(repo);
    return parsed;
  }
  // "github.com/owner/name": a host name (it has a dot) followed by a path.
  if (parts.size() >= 3 && parts[0].find('.') != std::string_view::npos && parts[0] != "." &&
      std::all_of(parts.begin(), parts.end(), [](std::string_view p) { return !p.empty(); })) {
    Result<RepoSource> parsed = ParseRepoSource("https://" + std::string(repo), options);
    if (parsed) parsed->input = std::string(repo);
    return parsed;
  }
  return Invalid(fmt::format(
      "repo \"{}\" is not a clone URL, an absolute path or owner/name: pass one of those "
      "(e.g. https://github.com/owner/name).",
      repo));
}

}  // namespace intern::tools
