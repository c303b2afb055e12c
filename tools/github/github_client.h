#pragma once
// GithubClient — typed calls to the GitHub REST API (DESIGN §5 github_lookup) over the project's
// HttpClient, against cfg.github.api_url.
//
// Every request sends `Accept: application/vnd.github+json` and `X-GitHub-Api-Version:
// 2022-11-28`. The token is NOT added here: it lives in the HttpClient's per-host CredentialStore
// (GithubCredential below), so it only ever reaches the API host, never a redirect target or a
// pagination link on another host.
//
// Conditional requests: a cached entry's ETag goes out as `If-None-Match` (Last-Modified as
// `If-Modified-Since`); on 304 the cached body is used (a 304 does not count against GitHub's
// rate limit). Every 200 with a validator is cached.
//
// Rate limits (x-ratelimit-limit / -remaining / -reset / -resource, retry-after):
// - a 403 or 429 that is a rate limit (remaining 0, retry-after, or a "rate limit" message) is
//   waited out on the Clock and retried once when the wait is at most options.max_wait;
//   otherwise the cached body is returned, marked stale with a note "rate limit hit; showing
//   cached data from DATE", or the call fails kRateLimited with a sentence naming GITHUB_TOKEN;
// - before a request, when the last answer for that resource left fewer than
//   options.low_remaining_fraction of the limit, the client uses the cache if it can, else waits
//   for the reset when it is within max_wait, else (remaining 0) fails without sending.
// Pagination follows `link: <…>; rel="next"` on the API's own origin, at most options.max_pages
// pages per call.
//
// Failures (Result): 401 kUnauthorized "GitHub refused the token (HTTP 401): check GITHUB_TOKEN";
// 404 kNotFound naming what was missing ("GitHub has no repository owner/name (HTTP 404): check
// the spelling"); 403 kForbidden; 5xx kServer; transport failures keep their code with "GitHub
// API at HOST is unreachable: …"; malformed JSON kProtocol.
//
// Cancellation: every call takes an optional stop flag; a rate-limit wait checks it every second
// and the call then fails kCancelled.
//
// Thread safety: calls may run concurrently (the rate-limit state is guarded); `http`, `cache`
// and `clock` must allow concurrent use and outlive the client.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/clock.h"
#include "config/result.h"
#include "tools/github/http_cache.h"
#include "tools/http/credentials.h"
#include "tools/http/http_client.h"

namespace intern::tools {

struct GithubClientOptions {
  std::string api_url = "https://api.github.com";  // no trailing slash needed
  int max_pages = 3;                               // pages one paginated call may fetch
  std::chrono::seconds max_wait{60};               // longest rate-limit wait before degrading
  double low_remaining_fraction = 0.05;            // "nearly exhausted" below this share
  // Short deadlines: the offline researcher relies on an unreachable API failing fast.
  HttpTimeouts timeouts{std::chrono::seconds(10), std::chrono::seconds(30),
                        std::chrono::seconds(30), std::chrono::seconds(60)};
  std::uint64_t max_body_bytes = 16ull << 20;
};

struct GithubRepository {
  std::string full_name;
  std::string html_url;
  std::string description;
  std::int64_t stars = 0;
  std::int64_t forks = 0;
  std::int64_t open_issues = 0;  // issues and pull requests, as GitHub counts them
  std::string license_spdx;      // "" when GitHub detected none; "NOASSERTION" when unsure
  std::string license_name;
  std::vector<std::string> topics;
  std::string language;
  std::string pushed_at;  // RFC 3339 as GitHub wrote it
  std::string created_at;
  std::string updated_at;
  std::string default_branch;
  std::string homepage;
  bool archived = false;
  bool fork = false;

  bool operator==(const GithubRepository&) const = default;
};

struct GithubRelease {
  std::string tag_name;
  std::string name;
  std::string published_at;
  std::string html_url;
  bool prerelease = false;

  bool operator==(const GithubRelease&) const = default;
};

struct GithubContributor {
  std::string login;
  std::int64_t contributions = 0;

  bool operator==(const GithubContributor&) const = default;
};

// Bytes of code per language, largest first.
using GithubLanguages = std::vector<std::pair<std::string, std::int64_t>>;

struct GithubSearchPage {
  std::int64_t total_count = 0;
  bool incomplete_results = false;
  std::vector<GithubRepository> items;
  int pages = 0;      // pages fetched
  bool more = false;  // a next page existed but was not fetched (limit or max_pages)

  bool operator==(const GithubSearchPage&) const = default;
};

struct GithubRateLimit {
  std::int64_t limit = 0;
  std::int64_t remaining = 0;
  std::int64_t reset = 0;  // Unix seconds

  bool operator==(const GithubRateLimit&) const = default;
};

struct GithubRateLimits {
  GithubRateLimit core;
  GithubRateLimit search;

  bool operator==(const GithubRateLimits&) const = default;
};

// Where an answer came from.
struct GithubProvenance {
  bool from_cache = false;  // the body is a cached one (304, or stale under a rate limit)
  bool stale = false;       // the cache was used because a fresh answer was refused
  std::string note;         // for stale answers: "rate limit hit; showing cached data from …"
};

template <typename T>
struct GithubAnswer {
  T value;
  GithubProvenance provenance;
};

// The credential to add to the HttpClient's CredentialStore for `token` at `api_url` (Bearer,
// hint GITHUB_TOKEN; plain http allowed only for loopback hosts, i.e. test fakes). nullopt when
// the token is empty or the URL does not parse.
std::optional<Credential> GithubCredential(const std::string& api_url, const std::string& token);

// The URL of the next page in a Link header value, or nullopt.
std::optional<std::string> NextPageUrl(const std::string& link_header);

class GithubClient {
 public:
  // Set when the operator asks to stop (ToolContext::cancel); ends rate-limit waits early.
  using Cancel = const std::atomic<bool>*;

  GithubClient(HttpClient& http, HttpCache& cache, Clock& clock, GithubClientOptions options);

  // GET /repos/{owner}/{name}. `repo` is "owner/name" (validated by the caller).
  Result<GithubAnswer<GithubRepository>> Repository(const std::string& repo,
                                                    Cancel cancel = nullptr);
  // GET /repos/{repo}/releases?per_page=N (newest first).
  Result<GithubAnswer<std::vector<GithubRelease>>> Releases(const std::string& repo, int limit,
                                                            Cancel cancel = nullptr);
  // GET /repos/{repo}/contributors?per_page=N (most contributions first).
  Result<GithubAnswer<std::vector<GithubContributor>>> Contributors(const std::string& repo,
                                                                    int limit,
                                                                    Cancel cancel = nullptr);
  // GET /repos/{repo}/languages.
  Result<GithubAnswer<GithubLanguages>> Languages(const std::string& repo, Cancel cancel = nullptr);
  // GET /repos/{repo}/topics.
  Result<GithubAnswer<std::vector<std::string>>> Topics(const std::string& repo,
                                                        Cancel cancel = nullptr);
  // GET /search/repositories?sort=…&q=…&order=… following next links until `limit` items or
  // max_pages pages. `sort` "" leaves GitHub's best-match order.
  Result<GithubAnswer<GithubSearchPage>> SearchRepositories(const std::string& query, int limit,
                                                            const std::string& sort = "stars",
                                                            const std::string& order = "desc",
                                                            Cancel cancel = nullptr);

  // GET /rate_limit (free: it does not count against the limit). Also primes the client's own
  // view of the core and search limits, so a sweep can check before it starts.
  Result<GithubRateLimits> RateLimits(Cancel cancel = nullptr);

  const GithubClientOptions& options() const { return options_; }

 private:
  struct Fetched {
    std::string body;
    std::string link;
    GithubProvenance provenance;
  };
  struct RateState {
    std::int64_t limit = -1;
    std::int64_t remaining = -1;
    std::int64_t reset = 0;  // Unix seconds
  };

  // One GET of `url` with cache, rate limits and error mapping; `missing` names what a 404 means.
  Result<Fetched> Get(const std::string& url, const std::string& missing, Cancel cancel);
  // Sleeps `d` on the clock, in slices of at most a second while `cancel` is given, so a stop
  // request ends the wait; kCancelled when it did.
  Status Wait(std::chrono::milliseconds d, Cancel cancel);
  Result<Fetched> FromCacheOrFail(const std::optional<CachedResponse>& cached, Failure failure,
                                  bool stale);
  void RememberRate(const std::string& resource, const HttpResponse& response);
  std::string Resource(const std::string& url, const HttpResponse* response) const;
  std::string Url(const std::string& path_and_query) const;

  HttpClient& http_;
  HttpCache& cache_;
  Clock& clock_;
  GithubClientOptions options_;
  std::string api_host_;  // for messages
  std::mutex mu_;
  std::map<std::string, RateState> rates_;
};

}  // namespace intern::tools
