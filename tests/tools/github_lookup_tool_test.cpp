#include "tools/github/github_lookup_tool.h"

#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/lookup_test_ledger.h"
#include "tests/tools/github_test_support.h"
#include "tools/registry.h"

namespace intern::tools {
namespace {

using intern::testing::FakeHttpServer;
using intern::testing::FakeResponse;
using intern::testing::GithubFixture;
using intern::testing::ReplayResponse;

struct Fixture {
  FakeHttpServer server;
  BeastHttpClient http{intern::testing::GithubHttpOptions(server)};
  MemoryHttpCache cache;
  FakeClock clock;
  intern::testing::LookupTestLedger ledger;
  ToolContext ctx{ledger, clock, "s-1"};
  ToolRegistry registry;

  Fixture() {
    config::Config cfg;
    cfg.github.api_url = server.url();
    registry.Register(MakeGithubLookupTool(cfg, http, cache, clock));
  }

  ToolResult Invoke(const std::string& args) { return registry.Invoke("github_lookup", args, ctx); }

  void Serve(const std::string& path, const std::string& fixture) {
    server.On(
        "GET", path,
        std::vector<FakeResponse>{ReplayResponse(GithubFixture(fixture).at(0), server.url())});
  }
};

TEST_CASE("github_lookup is a read tool taking repo or query, include, limit and subject") {
  Fixture f;
  Tool* tool = f.registry.Find("github_lookup");
  REQUIRE(tool != nullptr);
  CHECK(tool->approval_class() == ApprovalClass::kRead);
  const nlohmann::json& schema = tool->schema();
  CHECK(schema["additionalProperties"] == false);
  CHECK(schema["properties"].size() == 5);
  CHECK(schema["properties"]["include"]["items"]["enum"] ==
        nlohmann::json::array({"releases", "contributors", "languages", "topics"}));
  CHECK(tool->Describe({{"repo", "a/b"}}) == "look up a/b on GitHub");
  CHECK(tool->Describe({{"query", "llm"}}) == "search GitHub repositories for \"llm\"");
}

TEST_CASE("github_lookup records each repository fact with its source and cites the ids") {
  Fixture f;
  f.server.Replay(GithubFixture("repo.json"));
  ToolResult r =
      f.Invoke(R"({"repo": "https://github.com/PyGithub/PyGithub.git", "subject": "PyGithub"})");
  INFO(r.content);
  REQUIRE_FALSE(r.is_error);
  CHECK(r.evidence_ids.size() == 12);
  CHECK(r.content ==
        "GitHub repository PyGithub/PyGithub (https://github.com/PyGithub/PyGithub)\n"
        "- description: Typed interactions with the GitHub API v3 [ev-1]\n"
        "- stars: 7122 [ev-2]\n"
        "- forks: 1793 [ev-3]\n"
        "- open_issues: 357 [ev-4]\n"
        "- license: LGPL-3.0 (GNU Lesser General Public License v3.0) [ev-5]\n"
        "- language: Python [ev-6]\n"
        "- pushed_at: 2024-12-19T12:01:11Z [ev-7]\n"
        "- created_at: 2012-02-25T12:53:47Z [ev-8]\n"
        "- default_branch: main [ev-9]\n"
        "- archived: false [ev-10]\n"
        "- homepage: https://pygithub.readthedocs.io/ [ev-11]\n"
        "- topics: github, github-api, pygithub, python [ev-12]");
  EvidenceDraft stars = f.ledger.Field("stars");
  CHECK(stars.kind == "repo");
  CHECK(stars.subject == "PyGithub");
  CHECK(stars.value == "7122");
  CHECK(stars.quote == "\"stargazers_count\": 7122");
  CHECK(stars.source_url == "https://github.com/PyGithub/PyGithub");
  CHECK(stars.title == "GitHub repository PyGithub/PyGithub");
  CHECK(stars.tool == "github_lookup");
  CHECK(f.ledger.Field("license").quote == "\"spdx_id\": \"LGPL-3.0\"");
}

TEST_CASE("github_lookup include adds releases, contributors, languages and topics") {
  Fixture f;
  f.Serve("/repos/PyGithub/PyGithub", "repo.json");
  f.Serve("/repos/PyGithub/PyGithub/contributors", "contributors.json");
  f.Serve("/repos/PyGithub/PyGithub/languages", "languages.json");
  f.Serve("/repos/PyGithub/PyGithub/topics", "topics.json");
  // No recorded releases exchange: a body in GitHub's documented shape.
  f.server.On("GET", "/repos/PyGithub/PyGithub/releases", {FakeResponse::Json(200, R"([
                {"tag_name":"v2.5.0","name":"Release v2.5.0","published_at":"2024-11-06T20:56:49Z",
                 "html_url":"https://github.com/PyGithub/PyGithub/releases/tag/v2.5.0","prerelease":false},
                {"tag_name":"v2.4.0","name":"v2.4.0","published_at":"2024-08-26T06:44:25Z",
                 "html_url":"https://github.com/PyGithub/PyGithub/releases/tag/v2.4.0","prerelease":false}])")});
  ToolResult r = f.Invoke(
      R"({"repo": "PyGithub/PyGithub", "include": ["topics", "releases", "contributors", "languages"]})");
  INFO(r.content);
  REQUIRE_FALSE(r.is_error);
  CHECK(f.ledger.Field("topics").value == "testing, github");
  CHECK(f.ledger.Field("latest_release").value == "v2.5.0 (2024-11-06)");
  CHECK(f.ledger.Field("latest_release").body ==
        "v2.5.0\t2024-11-06\tRelease v2.5.0\nv2.4.0\t2024-08-26\tv2.4.0\n");
  CHECK(f.ledger.Field("latest_release").source_url ==
        "https://github.com/PyGithub/PyGithub/releases");
  CHECK(f.ledger.Field("top_contributors").value == "jacquev6 (355)");
  CHECK(f.ledger.Field("languages").value == "Python 99.5%, Shell 0.5%");
  CHECK(r.evidence_ids.size() == 15);

  auto requests = f.server.requests();
  REQUIRE(requests.size() == 5);
  CHECK(requests[2].target == "/repos/PyGithub/PyGithub/releases?per_page=5");
  CHECK(requests[3].target == "/repos/PyGithub/PyGithub/contributors?per_page=10");
}

TEST_CASE("github_lookup reports a failing extra and still returns the repository") {
  Fixture f;
  f.Serve("/repos/PyGithub/PyGithub", "repo.json");
  f.server.On("GET", "/repos/PyGithub/PyGithub/languages",
              {FakeResponse::Json(502, R"({"message":"Server Error"})")});
  ToolResult r = f.Invoke(R"({"repo": "PyGithub/PyGithub", "include": ["languages"]})");
  REQUIRE_FALSE(r.is_error);
  CHECK(r.content.find("\n- languages: unavailable (GitHub failed on "
                       "/repos/PyGithub/PyGithub/languages (HTTP 502: Server Error): try again "
                       "later)") != std::string::npos);
}

TEST_CASE("github_lookup search records one search row listing the top repositories") {
  Fixture f;
  intern::testing::ReplayAnyParameterOrder(f.server, GithubFixture("search_repos.json"));
  ToolResult r = f.Invoke(R"({"query": "github language:Python", "limit": 45})");
  INFO(r.content);
  REQUIRE_FALSE(r.is_error);
  REQUIRE(r.evidence_ids == std::vector<std::string>{"ev-1"});
  CHECK(r.content.substr(0, r.content.find('\n')) ==
        "GitHub search \"github language:Python\": 2723 repositories match; 45 listed by stars "
        "[ev-1]");
  EvidenceDraft row = f.ledger.records().at(0).draft;
  CHECK(row.kind == "search");
  CHECK(row.value == "2723 repositories match \"github language:Python\"; top 45 by stars listed");
  CHECK(row.source_url == "https://github.com/search?q=github+language%3APython&type=repositories");
  CHECK(row.body.substr(0, row.body.find('\n')) ==
        "1. kennethreitz/legit (3036 stars, Python, licence unknown, pushed 2014-01-27): Git for "
        "Humans, Inspired by GitHub for Mac\u2122.");
  CHECK(std::count(row.body.begin(), row.body.end(), '\n') == 45);
}

TEST_CASE("github_lookup turns 404 and 401 into their sentences") {
  Fixture f;
  f.server.Replay(GithubFixture("not_found.json"));
  ToolResult missing = f.Invoke(R"({"repo": "jacquev6/Xxx"})");
  CHECK(missing.is_error);
  CHECK(missing.content == "GitHub has no repository jacquev6/Xxx (HTTP 404): check the spelling");

  f.Serve("/repos/PyGithub/PyGithub", "bad_auth.json");
  ToolResult refused = f.Invoke(R"({"repo": "PyGithub/PyGithub"})");
  CHECK(refused.is_error);
  CHECK(refused.content == "GitHub refused the token (HTTP 401): check GITHUB_TOKEN");
  CHECK(f.ledger.records().empty());
}

TEST_CASE("github_lookup says when it shows cached data under a rate limit") {
  Fixture f;
  f.server.On("GET", "/repos/PyGithub/PyGithub",
              {ReplayResponse(GithubFixture("repo.json").at(0), ""),
               FakeResponse::Json(403, R"({"message":"API rate limit exceeded"})")
                   .WithHeader("x-ratelimit-remaining", "0")
                   .WithHeader("x-ratelimit-reset", "1767240000")});
  REQUIRE_FALSE(f.Invoke(R"({"repo": "PyGithub/PyGithub"})").is_error);
  ToolResult r = f.Invoke(R"({"repo": "PyGithub/PyGithub"})");
  REQUIRE_FALSE(r.is_error);
  CHECK(r.content.substr(0, r.content.find("\n- ")) ==
        "GitHub repository PyGithub/PyGithub (https://github.com/PyGithub/PyGithub)\n"
        "Note: rate limit hit; showing cached data from 2026-01-01T00:00:00Z");
  CHECK(f.ledger.records().back().draft.title ==
        "GitHub repository PyGithub/PyGithub (rate limit hit; showing cached data from "
        "2026-01-01T00:00:00Z)");
}

TEST_CASE("github_lookup fails clearly when the ledger refuses a fact") {
  Fixture f;
  f.server.Replay(GithubFixture("repo.json"));
  f.ledger.set_fail(true);
  ToolResult r = f.Invoke(R"({"repo": "PyGithub/PyGithub"})");
  CHECK(r.is_error);
  CHECK(r.content == "could not record the GitHub facts in the evidence ledger: disk full");
}

TEST_CASE("github_lookup calls from several threads at once all get their facts") {
  Fixture f;
  f.server.Replay(GithubFixture("repo.json"));
  std::vector<ToolResult> results(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = f.Invoke(R"({"repo": "PyGithub/PyGithub"})"); });
  }
  for (std::thread& t : threads) t.join();
  for (const ToolResult& r : results) {
    CHECK_FALSE(r.is_error);
    CHECK(r.evidence_ids.size() == 12);
  }
  CHECK(f.ledger.records().size() == 48);
  CHECK(f.server.request_count() == 4);
}

TEST_CASE("every bad argument of github_lookup gets its own sentence") {
  Fixture f;
  auto message = [&](const std::string& args) {
    ToolResult r = f.Invoke(args);
    CHECK(r.is_error);
    return r.content;
  };
  CHECK(message("{}") ==
        "github_lookup needs repo (\"owner/name\") or query (a search): pass one of them");
  CHECK(message(R"({"repo": "a/b", "query": "x"})") ==
        "github_lookup takes repo or query, not both: make one call for each");
  CHECK(message(R"({"query": "x", "include": ["releases"]})") ==
        "include applies to a repo look-up, not a search: leave it out, or pass repo");
  CHECK(message(R"({"repo": "just-a-name"})") ==
        "repo must name a GitHub repository as owner/name (for example \"PyGithub/PyGithub\"), "
        "got \"just-a-name\"");
  CHECK(message(R"({"repo": "a/b/c"})") ==
        "repo must name a GitHub repository as owner/name (for example \"PyGithub/PyGithub\"), "
        "got \"a/b/c\"");
  CHECK(message(R"({"repo": "../etc"})") ==
        "repo must name a GitHub repository as owner/name (for example \"PyGithub/PyGithub\"), "
        "got \"../etc\"");
  CHECK(message(R"({"repo": 5})") ==
        "invalid arguments for github_lookup: argument \"repo\" must be a string, got the "
        "integer 5");
  CHECK(message(R"({"repo": ""})") ==
        "invalid arguments for github_lookup: argument \"repo\" must not be empty");
  CHECK(message(R"({"query": ""})") ==
        "invalid arguments for github_lookup: argument \"query\" must not be empty");
  CHECK(message(R"({"query": ")" + std::string(257, 'q') + R"("})") ==
        "invalid arguments for github_lookup: argument \"query\" must be at most 256 characters "
        "long (got 257)");
  CHECK(message(R"({"repo": "a/b", "include": ["stars"]})") ==
        "invalid arguments for github_lookup: argument \"include[0]\" must be one of "
        "\"releases\", \"contributors\", \"languages\", \"topics\", got the string \"stars\"");
  CHECK(message(R"({"repo": "a/b", "include": "releases"})") ==
        "invalid arguments for github_lookup: argument \"include\" must be an array, got the "
        "string \"releases\"");
  CHECK(message(R"({"query": "x", "limit": 0})") ==
        "invalid arguments for github_lookup: argument \"limit\" must be at least 1, got 0");
  CHECK(message(R"({"query": "x", "limit": 101})") ==
        "invalid arguments for github_lookup: argument \"limit\" must be at most 100, got 101");
  CHECK(message(R"({"repo": "a/b", "subject": 3})") ==
        "invalid arguments for github_lookup: argument \"subject\" must be a string, got the "
        "integer 3");
  CHECK(message(R"({"repo": "a/b", "owner": "a"})") ==
        "invalid arguments for github_lookup: unknown argument \"owner\" (allowed: include, "
        "limit, query, repo, subject)");
  CHECK(message(R"({"repo": )") ==
        "the arguments of github_lookup are not valid JSON (at byte 10); send one JSON object "
        "matching its schema");
  CHECK(f.server.request_count() == 0);
}

}  // namespace
}  // namespace intern::tools
