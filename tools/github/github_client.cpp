#include "tools/github/github_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "tools/http/retry.h"
#include "tools/http/url.h"
#include "tools/web/query_string.h"

namespace intern::tools {
namespace {

using nlohmann::json;
using std::chrono::seconds;

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char out[32];
  std::size_t n = std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(out, n);
}

std::string FromUnix(std::int64_t secs) {
  return Rfc3339(std::chrono::system_clock::time_point(seconds(secs)));
}

std::int64_t UnixNow(const Clock& clock) {
  return std::chrono::duration_cast<seconds>(clock.Now().time_since_epoch()).count();
}

std::optional<std::int64_t> HeaderInt(const HttpResponse& r, std::string_view name) {
  auto v = r.Header(name);
  if (!v) return std::nullopt;
  try {
    std::size_t used = 0;
    long long n = std::stoll(*v, &used);
    if (used != v->size()) return std::nullopt;
    return n;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::int64_t Int(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

bool Bool(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

// The path of a URL without scheme, host and query, for messages.
std::string PathOf(const std::string& url) {
  auto parsed = ParseUrl(url);
  if (!parsed) return url;
  std::string target = parsed->target;
  return target.substr(0, target.find('?'));
}

std::string ServerMessage(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_object()) return Str(doc, "message");
  return "";
}

bool IsRateLimit(const HttpResponse& r) {
  if (r.status != 403 && r.status != 429) return false;
  if (r.status == 429) return true;
  if (r.Header("retry-after")) return true;
  if (auto remaining = HeaderInt(r, "x-ratelimit-remaining"); remaining && *remaining == 0) {
    return true;
  }
  std::string message = ServerMessage(r.body);
  std::transform(message.begin(), message.end(), message.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return message.find("rate limit") != std::string::npos;
}

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

Result<json> ParseBody(const std::string& body, const std::string& url) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) {
    return Fail(
        ErrorCode::kProtocol,
        fmt::format("GitHub sent a body for {} that is not JSON; try again later", PathOf(url)));
  }
  return doc;
}

GithubRepository ParseRepository(const json& j) {
  GithubRepository r;
  r.full_name = Str(j, "full_name");
  r.html_url = Str(j, "html_url");
  r.description = Str(j, "description");
  r.stars = Int(j, "stargazers_count");
  r.forks = Int(j, "forks_count");
  r.open_issues = Int(j, "open_issues_count");
  if (auto it = j.find("license"); it != j.end() && it->is_object()) {
    r.license_spdx = Str(*it, "spdx_id");
    r.license_name = Str(*it, "name");
  }
  if (auto it = j.find("topics"); it != j.end() && it->is_array()) {
    for (const json& t : *it) {
      if (t.is_string()) r.topics.push_back(t.get<std::string>());
    }
  }
  r.language = Str(j, "language");
  r.pushed_at = Str(j, "pushed_at");
  r.created_at = Str(j, "created_at");
  r.updated_at = Str(j, "updated_at");
  r.default_branch = Str(j, "default_branch");
  r.homepage = Str(j, "homepage");
  r.archived = Bool(j, "archived");
  r.fork = Bool(j, "fork");
  return r;
}

// The sentence for a 404 on any /repos/OWNER/NAME path.
std::string NoSuchRepository(const std::string& repo) {
  return fmt::format("GitHub has no repository {} (HTTP 404): check the spelling", repo);
}

Result<json> ExpectShape(Result<json> doc, bool want_array, const std::string& url) {
  if (!doc) return doc;
  if (want_array ? !doc->is_array() : !doc->is_object()) {
    return Fail(ErrorCode::kProtocol,
                fmt::format("GitHub answered {} with {} where {} was expected; check "
                            "github.api_url",
                            PathOf(url), doc->is_array() ? "a list" : "something else",
                            want_array ? "a list" : "an object"));
  }
  return doc;
}

std::string RepoPath(const std::string& repo) {
  auto slash = repo.find('/');
  return "/repos/" + PathSegmentEncode(repo.substr(0, slash)) + "/" +
         PathSegmentEncode(repo.substr(slash + 1));
}

}  // namespace

std::optional<Credential> GithubCredential(const std::string& api_url, const std::string& token) {
  if (token.empty()) return std::nullopt;
  auto url = ParseUrl(api_url);
  if (!url) return std::nullopt;
  Credential c;
  c.host = url->host;
  c.port = url->port;
  c.headers = {{"Authorization", "Bearer " + token}};
  c.hint = "GITHUB_TOKEN";
  c.allow_plain_http = IsLoopback(url->host);
  return c;
}

std::optional<std::string> NextPageUrl(const std::string& link_header) {
  // Link: <url>; rel="next", <url>; rel="last"
  std::size_t at = 0;
  while (at < link_header.size()) {
    std::size_t open = link_header.find('<', at);
    if (open == std::string::npos) break;
    std::size_t close = link_header.find('>', open);
    if (close == std::string::npos) break;
    std::size_t end = link_header.find('<', close);
    std::string params = link_header.substr(
        close + 1, end == std::string::npos ? std::string::npos : end - close - 1);
    if (params.find("rel=\"next\"") != std::string::npos ||
        params.find("rel=next") != std::string::npos) {
      return link_header.substr(open + 1, close - open - 1);
    }
    at = close + 1;
  }
  return std::nullopt;
}

GithubClient::GithubClient(HttpClient& http, HttpCache& cache, Clock& clock,
                           GithubClientOptions options)
    : http_(http), cache_(cache), clock_(clock), options_(std::move(options)) {
  while (!options_.api_url.empty() && options_.api_url.back() == '/') options_.api_url.pop_back();
  auto url = ParseUrl(options_.api_url);
  api_host_ = url ? url->HostPort() : options_.api_url;
}

std::string GithubClient::Url(const std::string& path_and_query) const {
  return options_.api_url + path_and_query;
}

std::string GithubClient::Resource(const std::string& url, const HttpResponse* response) const {
  if (response != nullptr) {
    if (auto r = response->Header("x-ratelimit-resource")) return *r;
  }
  const std::string& base = options_.api_url;
  const bool search = url.size() > base.size() + 8 && url.compare(0, base.size(), base) == 0 &&
                      url.compare(base.size(), 8, "/search/") == 0;
  return search ? "search" : "core";
}

void GithubClient::RememberRate(const std::string& resource, const HttpResponse& response) {
  auto limit = HeaderInt(response, "x-ratelimit-limit");
  auto remaining = HeaderInt(response, "x-ratelimit-remaining");
  auto reset = HeaderInt(response, "x-ratelimit-reset");
  if (!remaining) return;
  std::lock_guard lock(mu_);
  RateState& state = rates_[resource];
  state.limit = limit.value_or(-1);
  state.remaining = *remaining;
  state.reset = reset.value_or(0);
}

Result<GithubClient::Fetched> GithubClient::FromCacheOrFail(
    const std::optional<CachedResponse>& cached, Failure failure, bool stale) {
  if (!cached) return failure;
  Fetched out{cached->body, cached->link, {}};
  out.provenance.from_cache = true;
  out.provenance.stale = stale;
  if (stale) {
    out.provenance.note = failure.code == ErrorCode::kRateLimited
                              ? "rate limit hit; showing cached data from " + cached->stored_at
                              : "GitHub unreachable; showing cached data from " + cached->stored_at;
  }
  return out;
}

Status GithubClient::Wait(std::chrono::milliseconds d, Cancel cancel) {
  if (cancel == nullptr) {
    clock_.Sleep(d);
    return Status::Ok();
  }
  constexpr std::chrono::milliseconds kSlice{1000};
  while (d.count() > 0) {
    if (cancel->load()) {
      return Fail(ErrorCode::kCancelled, "stopped while waiting for GitHub's rate limit to reset");
    }
    const std::chrono::milliseconds step = std::min(d, kSlice);
    clock_.Sleep(step);
    d -= step;
  }
  return Status::Ok();
}

Result<GithubClient::Fetched> GithubClient::Get(const std::string& url, const std::string& missing,
                                                Cancel cancel) {
  const std::optional<CachedResponse> cached = cache_.Get(url);
  const std::string path = PathOf(url);
  std::string resource = Resource(url, nullptr);

  // Slow down before the limit is hit rather than after: never spend the last requests blindly.
  RateState state;
  {
    std::lock_guard lock(mu_);
    if (auto it = rates_.find(resource); it != rates_.end()) state = it->second;
  }
  if (state.limit > 0 && state.remaining >= 0 &&
      static_cast<double>(state.remaining) <
          std::max(1.0, static_cast<double>(state.limit) * options_.low_remaining_fraction)) {
    const std::int64_t wait = std::max<std::int64_t>(state.reset - UnixNow(clock_), 0) + 1;
    Failure exhausted{
        ErrorCode::kRateLimited,
        fmt::format("GitHub's {} rate limit is nearly used up ({} of {} left until "
                    "{}) and nothing is cached for {}: set GITHUB_TOKEN for a "
                    "higher limit, or try again after the reset",
                    resource, state.remaining, state.limit, FromUnix(state.reset), path)};
    if (cached) return FromCacheOrFail(cached, exhausted, true);
    if (seconds(wait) <= options_.max_wait) {
      if (Status waited = Wait(seconds(wait), cancel); !waited) return waited.failure();
      std::lock_guard lock(mu_);
      rates_.erase(resource);
    } else if (state.remaining == 0) {
      return exhausted;
    }
  }

  HttpRequest request;
  request.url = url;
  request.headers = {{"Accept", "application/vnd.github+json"},
                     {"X-GitHub-Api-Version", "2022-11-28"}};
  if (cached && !cached->etag.empty()) {
    request.headers.emplace_back("If-None-Match", cached->etag);
  } else if (cached && !cached->last_modified.empty()) {
    request.headers.emplace_back("If-Modified-Since", cached->last_modified);
  }
  request.timeouts = options_.timeouts;
  request.max_body_bytes = options_.max_body_bytes;

  for (int attempt = 0;; ++attempt) {
    Result<HttpResponse> sent = http_.Send(request);
    if (!sent && sent.code() == ErrorCode::kTooLarge) {
      return Fail(ErrorCode::kTooLarge,
                  fmt::format("GitHub sent more than {} MiB for {}; ask for less",
                              options_.max_body_bytes >> 20, path));
    }
    if (!sent) {
      Failure down{sent.code(), fmt::format("GitHub API at {} is unreachable ({}): check the "
                                            "network, or github.api_url",
                                            api_host_, sent.message())};
      return FromCacheOrFail(cached, down, true);
    }
    const HttpResponse& response = *sent;
    resource = Resource(url, &response);
    RememberRate(resource, response);

    if (response.status == 304) {
      if (!cached) {
        return Fail(ErrorCode::kProtocol,
                    fmt::format("GitHub answered 304 Not Modified for {} although nothing was "
                                "cached; try again",
                                path));
      }
      return FromCacheOrFail(cached, {}, false);
    }
    if (response.status >= 200 && response.status < 300) {
      Fetched out{response.body, response.Header("link").value_or(""), {}};
      std::string etag = response.Header("etag").value_or("");
      std::string last_modified = response.Header("last-modified").value_or("");
      if (!etag.empty() || !last_modified.empty()) {
        cache_.Put({url, etag, last_modified, out.link, out.body, Rfc3339(clock_.Now())});
      }
      return out;
    }
    if (IsRateLimit(response)) {
      std::optional<std::chrono::milliseconds> wait =
          ServerRetryAfter(response.headers, clock_.Now());
      auto reset = HeaderInt(response, "x-ratelimit-reset");
      if (!wait && reset) {
        wait = seconds(std::max<std::int64_t>(*reset - UnixNow(clock_), 0) + 1);
      }
      if (attempt == 0 && wait && *wait <= options_.max_wait) {
        if (Status waited = Wait(*wait, cancel); !waited) return waited.failure();
        continue;
      }
      std::string until = reset ? "until " + FromUnix(*reset)
                          : wait
                              ? fmt::format("for {} s", std::chrono::ceil<seconds>(*wait).count())
                              : "for now";
      Failure limited{ErrorCode::kRateLimited,
                      fmt::format("GitHub's rate limit is used up {} (HTTP {}) and nothing is "
                                  "cached for {}: set GITHUB_TOKEN for a higher limit, or try "
                                  "again after the reset",
                                  until, response.status, path)};
      return FromCacheOrFail(cached, limited, true);
    }
    if (response.status == 401) {
      return Fail(ErrorCode::kUnauthorized,
                  "GitHub refused the token (HTTP 401): check GITHUB_TOKEN");
    }
    if (response.status == 404) return Fail(ErrorCode::kNotFound, missing);
    std::string message = ServerMessage(response.body);
    std::string detail = message.empty() ? "" : ": " + message;
    if (response.status == 403) {
      return Fail(ErrorCode::kForbidden,
                  fmt::format("GitHub refused access to {} (HTTP 403{}): check that GITHUB_TOKEN "
                              "may read it",
                              path, detail));
    }
    if (response.status >= 500) {
      return Fail(ErrorCode::kServer, fmt::format("GitHub failed on {} (HTTP {}{}): try again "
                                                  "later",
                                                  path, response.status, detail));
    }
    return Fail(ErrorCodeForStatus(response.status),
                fmt::format("GitHub rejected {} (HTTP {}{}): check the arguments", path,
                            response.status, detail));
  }
}

Result<GithubAnswer<GithubRepository>> GithubClient::Repository(const std::string& repo,
                                                                Cancel cancel) {
  const std::string url = Url(RepoPath(repo));
  auto fetched = Get(url,
                     NoSuchRepository(repo),
                     cancel);
  if (!fetched) return fetched.failure();
  auto doc = ExpectShape(ParseBody(fetched->body, url), false, url);
  if (!doc) return doc.failure();
  return GithubAnswer<GithubRepository>{ParseRepository(*doc), fetched->provenance};
}

Result<GithubAnswer<std::vector<GithubRelease>>> GithubClient::Releases(const std::string& repo,
                                                                        int limit, Cancel cancel) {
  const std::string url = Url(RepoPath(repo) + "/releases?per_page=" + std::to_string(limit));
  auto fetched = Get(url,
                     NoSuchRepository(repo),
                     cancel);
  if (!fetched) return fetched.failure();
  auto doc = ExpectShape(ParseBody(fetched->body, url), true, url);
  if (!doc) return doc.failure();
  std::vector<GithubRelease> out;
  for (const json& item : *doc) {
    if (!item.is_object() || static_cast<int>(out.size()) >= limit) continue;
    out.push_back({Str(item, "tag_name"), Str(item, "name"), Str(item, "published_at"),
                   Str(item, "html_url"), Bool(item, "prerelease")});
  }
  return GithubAnswer<std::vector<GithubRelease>>{std::move(out), fetched->provenance};
}

Result<GithubAnswer<std::vector<GithubContributor>>> GithubClient::Contributors(
    const std::string& repo, int limit, Cancel cancel) {
  const std::string url = Url(RepoPath(repo) + "/contributors?per_page=" + std::to_string(limit));
  auto fetched = Get(url,
                     NoSuchRepository(repo),
                     cancel);
  if (!fetched) return fetched.failure();
  // A repository too large for GitHub to count answers 204/empty or 403; an empty body is "none".
  if (fetched->body.empty()) return GithubAnswer<std::vector<GithubContributor>>{{}, {}};
  auto doc = ExpectShape(ParseBody(fetched->body, url), true, url);
  if (!doc) return doc.failure();
  std::vector<GithubContributor> out;
  for (const json& item : *doc) {
    if (!item.is_object() || static_cast<int>(out.size()) >= limit) continue;
    out.push_back({Str(item, "login"), Int(item, "contributions")});
  }
  return GithubAnswer<std::vector<GithubContributor>>{std::move(out), fetched->provenance};
}

Result<GithubAnswer<GithubLanguages>> GithubClient::Languages(const std::string& repo,
                                                              Cancel cancel) {
  const std::string url = Url(RepoPath(repo) + "/languages");
  auto fetched = Get(url,
                     NoSuchRepository(repo),
                     cancel);
  if (!fetched) return fetched.failure();
  auto doc = ExpectShape(ParseBody(fetched->body, url), false, url);
  if (!doc) return doc.failure();
  GithubLanguages out;
  for (const auto& [name, bytes] : doc->items()) {
    if (bytes.is_number_integer()) out.emplace_back(name, bytes.get<std::int64_t>());
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return GithubAnswer<GithubLanguages>{std::move(out), fetched->provenance};
}

Result<GithubAnswer<std::vector<std::string>>> GithubClient::Topics(const std::string& repo,
                                                                    Cancel cancel) {
  const std::string url = Url(RepoPath(repo) + "/topics");
  auto fetched = Get(url,
                     NoSuchRepository(repo),
                     cancel);
  if (!fetched) return fetched.failure();
  auto doc = ExpectShape(ParseBody(fetched->body, url), false, url);
  if (!doc) return doc.failure();
  std::vector<std::string> out;
  if (auto it = doc->find("names"); it != doc->end() && it->is_array()) {
    for (const json& t : *it) {
      if (t.is_string()) out.push_back(t.get<std::string>());
    }
  }
  return GithubAnswer<std::vector<std::string>>{std::move(out), fetched->provenance};
}

Result<GithubAnswer<GithubSearchPage>> GithubClient::SearchRepositories(const std::string& query,
                                                                        int limit,
                                                                        const std::string& sort,
                                                                        const std::string& order,
                                                                        Cancel cancel) {
  std::vector<std::pair<std::string, std::string>> params = {{"q", query}};
  if (!sort.empty()) {
    params.emplace_back("sort", sort);
    params.emplace_back("order", order);
  }
  std::string url = Url("/search/repositories?" + QueryString(params));
  const auto api = ParseUrl(options_.api_url);

  GithubAnswer<GithubSearchPage> out;
  while (true) {
    auto fetched = Get(url,
                       fmt::format("GitHub has no repository search at {} (HTTP 404): "
                                   "check github.api_url",
                                   options_.api_url),
                       cancel);
    if (!fetched) {
      // A later page that fails leaves the pages already read standing.
      if (out.value.pages > 0) {
        out.value.more = true;
        break;
      }
      return fetched.failure();
    }
    auto doc = ExpectShape(ParseBody(fetched->body, url), false, url);
    if (!doc) return doc.failure();
    ++out.value.pages;
    if (out.value.pages == 1) {
      out.value.total_count = Int(*doc, "total_count");
      out.value.incomplete_results = Bool(*doc, "incomplete_results");
    }
    if (fetched->provenance.from_cache) out.provenance.from_cache = true;
    if (fetched->provenance.stale && !out.provenance.stale) {
      out.provenance.stale = true;
      out.provenance.note = fetched->provenance.note;
    }
    if (auto it = doc->find("items"); it != doc->end() && it->is_array()) {
      for (const json& item : *it) {
        if (item.is_object() && static_cast<int>(out.value.items.size()) < limit) {
          out.value.items.push_back(ParseRepository(item));
        }
      }
    }
    std::optional<std::string> next = NextPageUrl(fetched->link);
    if (!next) break;
    auto next_url = ParseUrl(*next);
    // Pagination never leaves the API's origin: the next link is followed only when it is ours.
    bool ours = next_url && api && next_url->SameOrigin(*api);
    if (!ours || static_cast<int>(out.value.items.size()) >= limit ||
        out.value.pages >= options_.max_pages) {
      out.value.more = true;
      break;
    }
    url = *next;
  }
  return out;
}

Result<GithubRateLimits> GithubClient::RateLimits(Cancel cancel) {
  const std::string url = Url("/rate_limit");
  auto fetched = Get(url,
                     fmt::format("GitHub has no /rate_limit at {} (HTTP 404): check "
                                 "github.api_url",
                                 options_.api_url),
                     cancel);
  if (!fetched) return fetched.failure();
  auto doc = ExpectShape(ParseBody(fetched->body, url), false, url);
  if (!doc) return doc.failure();
  auto read = [&](const char* name) {
    GithubRateLimit out;
    auto resources = doc->find("resources");
    if (resources == doc->end() || !resources->is_object()) return out;
    auto it = resources->find(name);
    if (it == resources->end() || !it->is_object()) return out;
    out = {Int(*it, "limit"), Int(*it, "remaining"), Int(*it, "reset")};
    return out;
  };
  GithubRateLimits limits{read("core"), read("search")};
  std::lock_guard lock(mu_);
  rates_["core"] = {limits.core.limit, limits.core.remaining, limits.core.reset};
  rates_["search"] = {limits.search.limit, limits.search.remaining, limits.search.reset};
  return limits;
}

}  // namespace intern::tools
