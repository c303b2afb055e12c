#include "tools/github/github_client.h"

#include <catch2/catch.hpp>

#include "sessions/store.h"
#include "tests/tools/github_test_support.h"
#include "tools/github/store_http_cache.h"

namespace intern::tools {
namespace {

using intern::testing::FakeHttpServer;
using intern::testing::FakeResponse;
using intern::testing::GithubFixture;
using intern::testing::RecordedRepoBody;
using intern::testing::RecordedRepoEtag;
using intern::testing::ReplayResponse;
using std::chrono::milliseconds;

// 2026-01-01T00:00:00Z, FakeClock's default start.
constexpr std::int64_t kNow = 1767225600;

struct Fixture {
  FakeHttpServer server;
  BeastHttpClient http{intern::testing::GithubHttpOptions(server)};
  MemoryHttpCache cache;
  FakeClock clock;
  GithubClient client{http, cache, clock, Options()};

  GithubClientOptions Options() {
    GithubClientOptions o;
    o.api_url = server.url();
    return o;
  }
};

FakeResponse RateLimited(std::int64_t reset, int status = 403) {
  return FakeResponse::Json(status,
                            R"j({"message":"API rate limit exceeded for 203.0.113.7. (But here's )j"
                            R"j(the good news: Authenticated requests get a higher rate limit.)",)j"
                            R"j("documentation_url":"https://docs.github.com/rest/rate-limit"})j")
      .WithHeader("x-ratelimit-limit", "60")
      .WithHeader("x-ratelimit-remaining", "0")
      .WithHeader("x-ratelimit-reset", std::to_string(reset))
      .WithHeader("x-ratelimit-resource", "core");
}

FakeResponse RepoOk() { return ReplayResponse(GithubFixture("repo.json").at(0), ""); }

TEST_CASE("a repository look-up parses the recorded PyGithub repository exactly") {
  Fixture f;
  f.server.Replay(GithubFixture("repo.json"));
  auto answer = f.client.Repository("PyGithub/PyGithub");
  REQUIRE(answer.ok());
  GithubRepository want;
  want.full_name = "PyGithub/PyGithub";
  want.html_url = "https://github.com/PyGithub/PyGithub";
  want.description = "Typed interactions with the GitHub API v3";
  want.stars = 7122;
  want.forks = 1793;
  want.open_issues = 357;
  want.license_spdx = "LGPL-3.0";
  want.license_name = "GNU Lesser General Public License v3.0";
  want.topics = {"github", "github-api", "pygithub", "python"};
  want.language = "Python";
  want.pushed_at = "2024-12-19T12:01:11Z";
  want.created_at = "2012-02-25T12:53:47Z";
  want.updated_at = "2025-01-06T21:35:40Z";
  want.default_branch = "main";
  want.homepage = "https://pygithub.readthedocs.io/";
  CHECK(answer->value == want);
  CHECK_FALSE(answer->provenance.from_cache);

  auto requests = f.server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].target == "/repos/PyGithub/PyGithub");
  CHECK(requests[0].Header("Accept") == "application/vnd.github+json");
  CHECK(requests[0].Header("X-GitHub-Api-Version") == "2022-11-28");
  CHECK(requests[0].Header("Authorization") ==
        std::string("Bearer ") + intern::testing::kTestGithubToken);
  CHECK_FALSE(requests[0].Header("If-None-Match").has_value());
  // The recorded ETag was remembered with the body.
  auto cached = f.cache.Get(f.server.url() + "/repos/PyGithub/PyGithub");
  REQUIRE(cached.has_value());
  CHECK(cached->etag == RecordedRepoEtag());
  CHECK(cached->stored_at == "2026-01-01T00:00:00Z");
}

TEST_CASE("the second identical look-up sends If-None-Match and reuses the cached body on 304") {
  Fixture f;
  const std::string etag = RecordedRepoEtag();
  f.server.On("GET", "/repos/PyGithub/PyGithub", [&](const intern::testing::RecordedRequest& r) {
    if (r.Header("If-None-Match") == etag) {
      return FakeResponse::Status(304).WithHeader("ETag", etag);
    }
    return RepoOk();
  });
  auto first = f.client.Repository("PyGithub/PyGithub");
  auto second = f.client.Repository("PyGithub/PyGithub");
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(second->value == first->value);
  CHECK(second->value.stars == 7122);
  CHECK(second->provenance.from_cache);
  CHECK_FALSE(second->provenance.stale);
  CHECK(second->provenance.note.empty());

  auto requests = f.server.requests();
  REQUIRE(requests.size() == 2);
  CHECK_FALSE(requests[0].Header("If-None-Match").has_value());
  CHECK(requests[1].Header("If-None-Match") == etag);
  CHECK(etag.rfind("W/\"37ea5857", 0) == 0);
}

TEST_CASE("a search follows the recorded link header to page 2 to list 45 repositories") {
  Fixture f;
  intern::testing::ReplayAnyParameterOrder(f.server, GithubFixture("search_repos.json"));
  auto answer = f.client.SearchRepositories("github language:Python", 45);
  REQUIRE(answer.ok());
  const GithubSearchPage& page = answer->value;
  CHECK(page.total_count == 2723);
  CHECK(page.pages == 2);
  CHECK(page.more);  // page 2 links to page 3, which 45 items do not need
  REQUIRE(page.items.size() == 45);
  CHECK(page.items[0].full_name == "kennethreitz/legit");
  CHECK(page.items[0].stars == 3036);
  CHECK(page.items[0].default_branch == "develop");
  CHECK(page.items[29].full_name == "dustin/py-github");
  CHECK(page.items[30].full_name == "logsol/Github-Auto-Deploy");

  auto requests = f.server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].target ==
        "/search/repositories?q=github+language%3APython&sort=stars&order=desc");
  CHECK(requests[1].target ==
        "/search/repositories?sort=stars&q=github+language%3APython&order=desc&page=2");
  CHECK(requests[1].Header("Authorization").has_value());
}

TEST_CASE("pagination stops after max_pages even when every page links to another") {
  Fixture f;
  const auto page2 = GithubFixture("search_repos.json").at(1);
  f.server.OnPrefix("GET", "/search/repositories",
                    std::vector<FakeResponse>{ReplayResponse(page2, f.server.url())});
  auto answer = f.client.SearchRepositories("github language:Python", 100);
  REQUIRE(answer.ok());
  CHECK(f.server.request_count() == 3);
  CHECK(answer->value.pages == 3);
  CHECK(answer->value.items.size() == 90);
  CHECK(answer->value.more);
}

TEST_CASE("a search with no results is an empty list, not an error") {
  Fixture f;
  f.server.OnPrefix("GET", "/search/repositories",
                    std::vector<FakeResponse>{ReplayResponse(
                        GithubFixture("search_repos_empty.json").at(0), f.server.url())});
  auto answer = f.client.SearchRepositories("doesnotexist", 10);
  REQUIRE(answer.ok());
  CHECK(answer->value.total_count == 0);
  CHECK(answer->value.items.empty());
  CHECK_FALSE(answer->value.more);
}

TEST_CASE("the recorded /rate_limit answer gives the core and search limits") {
  Fixture f;
  f.server.Replay(GithubFixture("rate_limiting.json"));
  auto limits = f.client.RateLimits();
  REQUIRE(limits.ok());
  CHECK(limits->core == GithubRateLimit{5000, 4904, 1684195041});
  CHECK(limits->search == GithubRateLimit{30, 30, 1684191622});
}

TEST_CASE("a recorded 401 becomes the sentence naming GITHUB_TOKEN") {
  Fixture f;
  f.server.On("GET", "/repos/PyGithub/PyGithub",
              std::vector<FakeResponse>{
                  ReplayResponse(GithubFixture("bad_auth.json").at(0), f.server.url())});
  auto answer = f.client.Repository("PyGithub/PyGithub");
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.code() == ErrorCode::kUnauthorized);
  CHECK(answer.message() == "GitHub refused the token (HTTP 401): check GITHUB_TOKEN");
}

TEST_CASE("a recorded 404 names the missing repository") {
  Fixture f;
  f.server.Replay(GithubFixture("not_found.json"));
  auto answer = f.client.Repository("jacquev6/Xxx");
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.code() == ErrorCode::kNotFound);
  CHECK(answer.message() == "GitHub has no repository jacquev6/Xxx (HTTP 404): check the spelling");
}

TEST_CASE("a rate limit that resets within a minute is waited out once, exactly") {
  Fixture f;
  f.server.On("GET", "/repos/PyGithub/PyGithub", {RateLimited(kNow + 42), RepoOk()});
  auto answer = f.client.Repository("PyGithub/PyGithub");
  REQUIRE(answer.ok());
  CHECK(answer->value.stars == 7122);
  CHECK(f.clock.sleeps() == std::vector<milliseconds>{milliseconds(43'000)});
  CHECK(f.server.request_count() == 2);
}

TEST_CASE("a secondary rate limit's retry-after is waited for") {
  Fixture f;
  f.server.On("GET", "/repos/PyGithub/PyGithub",
              {FakeResponse::Json(403, R"({"message":"You have exceeded a secondary rate limit."})")
                   .WithHeader("retry-after", "7"),
               RepoOk()});
  auto answer = f.client.Repository("PyGithub/PyGithub");
  REQUIRE(answer.ok());
  CHECK(f.clock.sleeps() == std::vector<milliseconds>{milliseconds(7'000)});
}

TEST_CASE("a rate limit far from its reset shows the cached data, flagged with its date") {
  Fixture f;
  f.server.On("GET", "/repos/PyGithub/PyGithub", {RepoOk(), RateLimited(kNow + 3600)});
  REQUIRE(f.client.Repository("PyGithub/PyGithub").ok());
  f.clock.Advance(std::chrono::minutes(10));
  auto answer = f.client.Repository("PyGithub/PyGithub");
  REQUIRE(answer.ok());
  CHECK(answer->value.stars == 7122);
  CHECK(answer->provenance.from_cache);
  CHECK(answer->provenance.stale);
  CHECK(answer->provenance.note == "rate limit hit; showing cached data from 2026-01-01T00:00:00Z");
  CHECK(f.clock.sleeps().empty());
}

TEST_CASE("a rate limit far from its reset with nothing cached fails naming GITHUB_TOKEN") {
  Fixture f;
  f.server.On("GET", "/repos/PyGithub/PyGithub", {RateLimited(kNow + 3600)});
  auto answer = f.client.Repository("PyGithub/PyGithub");
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.code() == ErrorCode::kRateLimited);
  CHECK(answer.message() ==
        "GitHub's rate limit is used up until 2026-01-01T01:00:00Z (HTTP 403) and nothing is "
        "cached for /repos/PyGithub/PyGithub: set GITHUB_TOKEN for a higher limit, or try again "
        "after the reset");
  CHECK(f.clock.sleeps().empty());
  CHECK(f.server.request_count() == 1);
}

TEST_CASE("a nearly exhausted limit waits for a near reset before the next request") {
  Fixture f;
  FakeResponse low = FakeResponse::Json(200, RecordedRepoBody())
                         .WithHeader("x-ratelimit-limit", "5000")
                         .WithHeader("x-ratelimit-remaining", "3")
                         .WithHeader("x-ratelimit-reset", std::to_string(kNow + 30));
  f.server.On("GET", "/repos/PyGithub/PyGithub", {low, RepoOk()});
  REQUIRE(f.client.Repository("PyGithub/PyGithub").ok());
  CHECK(f.clock.sleeps().empty());
  REQUIRE(f.client.Repository("PyGithub/PyGithub").ok());
  CHECK(f.clock.sleeps() == std::vector<milliseconds>{milliseconds(31'000)});
  CHECK(f.server.request_count() == 2);
}

TEST_CASE("an exhausted limit far from its reset stops before sending another request") {
  Fixture f;
  FakeResponse last = FakeResponse::Json(200, RecordedRepoBody())
                          .WithHeader("x-ratelimit-limit", "60")
                          .WithHeader("x-ratelimit-remaining", "0")
                          .WithHeader("x-ratelimit-reset", std::to_string(kNow + 1800));
  f.server.On("GET", "/repos/PyGithub/PyGithub", {last});
  f.server.On("GET", "/repos/other/repo", {RepoOk()});
  REQUIRE(f.client.Repository("PyGithub/PyGithub").ok());
  auto answer = f.client.Repository("other/repo");
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.code() == ErrorCode::kRateLimited);
  CHECK(answer.message() ==
        "GitHub's core rate limit is nearly used up (0 of 60 left until 2026-01-01T00:30:00Z) "
        "and nothing is cached for /repos/other/repo: set GITHUB_TOKEN for a higher limit, or "
        "try again after the reset");
  CHECK(f.server.request_count() == 1);
}

TEST_CASE("the token goes to the API host only, not to a redirect target on another port") {
  FakeHttpServer other;
  other.On("GET", "/moved", {RepoOk()});
  Fixture f;
  f.server.On("GET", "/repos/PyGithub/PyGithub",
              {FakeResponse::Status(301).WithHeader("Location", other.url() + "/moved")});
  auto answer = f.client.Repository("PyGithub/PyGithub");
  REQUIRE(answer.ok());
  CHECK(answer->value.full_name == "PyGithub/PyGithub");
  REQUIRE(f.server.request_count() == 1);
  REQUIRE(other.request_count() == 1);
  CHECK(f.server.requests()[0].Header("Authorization").has_value());
  CHECK_FALSE(other.requests()[0].Header("Authorization").has_value());
}

TEST_CASE("a next link to another host is not followed") {
  FakeHttpServer other;
  Fixture f;
  f.server.OnPrefix(
      "GET", "/search/repositories",
      {FakeResponse::Json(200, R"({"total_count":90,"items":[{"full_name":"a/b"}]})")
           .WithHeader("link",
                       "<" + other.url() + "/search/repositories?q=x&page=2>; rel=\"next\"")});
  auto answer = f.client.SearchRepositories("x", 50);
  REQUIRE(answer.ok());
  CHECK(answer->value.items.size() == 1);
  CHECK(answer->value.more);
  CHECK(other.request_count() == 0);
}

TEST_CASE("an unreachable API fails at once with the unreachable sentence") {
  std::string url;
  {
    FakeHttpServer gone;
    url = gone.url();
  }
  BeastHttpClient http{HttpClientOptions{}};
  MemoryHttpCache cache;
  FakeClock clock;
  GithubClientOptions options;
  options.api_url = url;
  GithubClient client(http, cache, clock, options);
  auto answer = client.Repository("PyGithub/PyGithub");
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.code() == ErrorCode::kConnection);
  const std::string prefix = "GitHub API at " + url.substr(7) + " is unreachable (";
  CHECK(answer.message().substr(0, prefix.size()) == prefix);
  CHECK(answer.message().find("): check the network, or github.api_url") != std::string::npos);
}

TEST_CASE("Link headers give the next page only when one is named") {
  CHECK(NextPageUrl(R"(<https://x/s?page=2>; rel="next", <https://x/s?page=9>; rel="last")") ==
        "https://x/s?page=2");
  CHECK(NextPageUrl(R"(<https://x/s?page=9>; rel="last", <https://x/s?page=3>; rel="next")") ==
        "https://x/s?page=3");
  CHECK_FALSE(NextPageUrl(R"(<https://x/s?page=1>; rel="prev")").has_value());
  CHECK_FALSE(NextPageUrl("").has_value());
}

TEST_CASE("GithubCredential is a Bearer header for the API host and port only") {
  auto c = GithubCredential("https://api.github.com", "t0k");
  REQUIRE(c.has_value());
  CHECK(c->host == "api.github.com");
  CHECK(c->port == 443);
  CHECK(c->headers == HttpHeaders{{"Authorization", "Bearer t0k"}});
  CHECK(c->hint == "GITHUB_TOKEN");
  CHECK_FALSE(c->allow_plain_http);
  CHECK_FALSE(GithubCredential("https://api.github.com", "").has_value());
}

TEST_CASE("the store-backed HTTP cache keeps ETag, Last-Modified, Link and body") {
  sessions::Store store = sessions::Store::OpenInMemory();
  StoreHttpCache cache(store);
  CHECK_FALSE(cache.Get("https://api.github.com/x").has_value());
  CachedResponse entry{"https://api.github.com/x",
                       "W/\"abc\"",
                       "Mon, 06 Jan 2025 21:35:40 GMT",
                       "<https://api.github.com/x?page=2>; rel=\"next\"",
                       "{\"a\":1}",
                       "2026-01-01T00:00:00Z"};
  cache.Put(entry);
  CHECK(cache.Get("https://api.github.com/x") == entry);
}

}  // namespace
}  // namespace intern::tools

namespace intern::tools {
namespace {

TEST_CASE("the ETag kept in the session store is sent again and its body reused on 304") {
  intern::testing::FakeHttpServer server;
  BeastHttpClient http{intern::testing::GithubHttpOptions(server)};
  sessions::Store store = sessions::Store::OpenInMemory();
  StoreHttpCache cache(store);
  FakeClock clock;
  GithubClientOptions options;
  options.api_url = server.url();
  const std::string etag = intern::testing::RecordedRepoEtag();
  server.On("GET", "/repos/PyGithub/PyGithub",
            {intern::testing::ReplayResponse(intern::testing::GithubFixture("repo.json").at(0), ""),
             intern::testing::FakeResponse::Status(304).WithHeader("ETag", etag)});
  {
    GithubClient first(http, cache, clock, options);
    REQUIRE(first.Repository("PyGithub/PyGithub").ok());
  }
  GithubClient second(http, cache, clock, options);  // a later run: only the store remembers
  auto answer = second.Repository("PyGithub/PyGithub");
  REQUIRE(answer.ok());
  CHECK(answer->value.stars == 7122);
  CHECK(answer->provenance.from_cache);
  REQUIRE(server.request_count() == 2);
  CHECK(server.requests()[1].Header("If-None-Match") == etag);
}

TEST_CASE("an unreachable API with a cached answer shows it, flagged") {
  intern::testing::FakeHttpServer server;
  server.On(
      "GET", "/repos/PyGithub/PyGithub",
      {intern::testing::ReplayResponse(intern::testing::GithubFixture("repo.json").at(0), "")});
  BeastHttpClient http{intern::testing::GithubHttpOptions(server)};
  MemoryHttpCache cache;
  FakeClock clock;
  GithubClientOptions options;
  options.api_url = server.url();
  GithubClient client(http, cache, clock, options);
  REQUIRE(client.Repository("PyGithub/PyGithub").ok());
  server.Stop();
  auto answer = client.Repository("PyGithub/PyGithub");
  REQUIRE(answer.ok());
  CHECK(answer->value.stars == 7122);
  CHECK(answer->provenance.stale);
  CHECK(answer->provenance.note ==
        "GitHub unreachable; showing cached data from 2026-01-01T00:00:00Z");
}

TEST_CASE("a GitHub server error names the path and says to try later") {
  intern::testing::FakeHttpServer server;
  server.On("GET", "/repos/a/b/languages",
            {intern::testing::FakeResponse::Json(503, R"({"message":"Service Unavailable"})")});
  BeastHttpClient http{intern::testing::GithubHttpOptions(server)};
  MemoryHttpCache cache;
  FakeClock clock;
  GithubClientOptions options;
  options.api_url = server.url();
  GithubClient client(http, cache, clock, options);
  auto answer = client.Languages("a/b");
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.code() == ErrorCode::kServer);
  CHECK(answer.message() ==
        "GitHub failed on /repos/a/b/languages (HTTP 503: Service Unavailable): try again later");
}

}  // namespace
}  // namespace intern::tools

namespace intern::tools {
namespace {

TEST_CASE("a rate-limit wait is sliced by the second and ends when the operator stops") {
  intern::testing::FakeHttpServer server;
  BeastHttpClient http{intern::testing::GithubHttpOptions(server)};
  MemoryHttpCache cache;
  FakeClock clock;
  GithubClientOptions options;
  options.api_url = server.url();
  GithubClient client(http, cache, clock, options);
  server.On("GET", "/repos/PyGithub/PyGithub",
            {RateLimited(kNow + 2),
             intern::testing::ReplayResponse(GithubFixture("repo.json").at(0), "")});
  std::atomic<bool> stop{false};
  REQUIRE(client.Repository("PyGithub/PyGithub", &stop).ok());
  CHECK(clock.sleeps() == std::vector<milliseconds>(3, milliseconds(1000)));

  server.ClearRoutes();
  server.On("GET", "/repos/a/b", {RateLimited(kNow + 3 + 30)});
  stop = true;
  auto answer = client.Repository("a/b", &stop);
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.code() == ErrorCode::kCancelled);
  CHECK(answer.message() == "stopped while waiting for GitHub's rate limit to reset");
  CHECK(clock.sleeps().size() == 3);
}

}  // namespace
}  // namespace intern::tools
