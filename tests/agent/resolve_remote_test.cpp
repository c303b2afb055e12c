// Names the catalog does not know, looked up on loopback fakes of the Hugging Face Hub's model
// search and GitHub's repository search (tests/fixtures: the hand-written hub search answer and
// PyGithub's recorded search page): the resolver itself, then `intern compare` end to end.
#include "agent/resolve_remote.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "agent/cli/cli.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tests/support/fake_http_server.h"
#include "tools/http/beast_http_client.h"

namespace intern::agent {
namespace {

using testing::FakeHttpServer;
using testing::FakeResponse;

std::string Fixture(const std::string& rel) {
  return testing::ReadFile(std::filesystem::path(INTERN_TEST_FIXTURES) / rel);
}

// The first page of PyGithub's recorded search: kennethreitz/legit (3036 stars),
// RuudBurger/CouchPotatoV1 (1062), gelstudios/gitfiti (669), ...
FakeResponse GithubSearchPage() {
  auto exchanges = testing::LoadExchanges(
      (std::filesystem::path(INTERN_TEST_FIXTURES) / "github" / "search_repos.json").string());
  FakeResponse page = FakeResponse::Json(200, exchanges.at(0).body);
  return page;
}

FakeResponse GithubEmptySearch() {
  return FakeResponse::Json(200, R"({"total_count":0,"incomplete_results":false,"items":[]})");
}

// A hub and a GitHub on loopback answering searches (and 404 for everything else).
struct Services {
  Services(FakeResponse hub_search, FakeResponse github_search) {
    hub.On("GET", "/api/models", {std::move(hub_search)});
    github.On("GET", "/search/repositories", {std::move(github_search)});
  }
  std::size_t SearchesOn(const FakeHttpServer& server, const std::string& path) const {
    std::size_t n = 0;
    for (const auto& r : server.requests()) n += r.path == path ? 1 : 0;
    return n;
  }
  FakeHttpServer hub;
  FakeHttpServer github;
};

tools::HttpClientOptions Loopback() {
  tools::HttpClientOptions o;
  o.use_system_cas = false;
  return o;
}

TEST_CASE("the hub and GitHub resolver lists hub models, then repositories, with dated facts",
          "[resolve][remote]") {
  Services s(FakeResponse::Json(200, Fixture("hub/search_smol.json")), GithubSearchPage());
  tools::BeastHttpClient http(Loopback());
  FakeClock clock;
  RemoteResolverOptions options;
  options.hub_url = s.hub.url();
  options.github_api_url = s.github.url();
  auto resolver = MakeHubGithubResolver(http, clock, options);

  Result<std::vector<RemoteMatch>> found = resolver->Search("Smol VLM");
  REQUIRE(found.ok());
  REQUIRE(found->size() == 6);
  const RemoteMatch& model = (*found)[0];
  CHECK(model.source == "hub");
  CHECK(model.id == "HuggingFaceTB/SmolVLM2-2.2B-Instruct");
  CHECK(model.kind == "model");
  CHECK(model.url == s.hub.url() + "/HuggingFaceTB/SmolVLM2-2.2B-Instruct");
  CHECK(model.popularity == "1.2M downloads");
  REQUIRE_FALSE(model.facts.empty());
  CHECK(model.facts[0] == config::CatalogFact{"downloads", "1234567", model.url, "2026-01-01"});
  CHECK((*found)[1].id == "HuggingFaceTB/SmolVLM2-500M-Video-Instruct");
  const RemoteMatch& repo = (*found)[3];
  CHECK(repo.source == "github");
  CHECK(repo.id == "kennethreitz/legit");
  CHECK(repo.url == "https://github.com/kennethreitz/legit");
  CHECK(repo.popularity == "3.0k stars");
  REQUIRE_FALSE(repo.facts.empty());
  CHECK(repo.facts[0] == config::CatalogFact{"stars", "3036", repo.url, "2026-01-01"});
  CHECK((*found)[4].popularity == "1.1k stars");
  CHECK((*found)[5].id == "gelstudios/gitfiti");

  // The hub is asked for ids containing the name, GitHub for repositories named like it.
  REQUIRE(s.hub.requests().size() == 1);
  CHECK(s.hub.requests()[0].target.find("search=Smol-VLM") != std::string::npos);
  CHECK(s.hub.requests()[0].target.find("limit=3") != std::string::npos);
  REQUIRE(s.github.requests().size() == 1);
  CHECK(s.github.requests()[0].target.find("in%3Aname") != std::string::npos);
}

TEST_CASE("the resolver answers with one service's matches when the other is unreachable",
          "[resolve][remote]") {
  FakeHttpServer github;
  github.On("GET", "/search/repositories", {GithubSearchPage()});
  tools::BeastHttpClient http(Loopback());
  FakeClock clock;
  RemoteResolverOptions options;
  options.hub_url = "http://127.0.0.1:1";
  options.github_api_url = github.url();
  auto found = MakeHubGithubResolver(http, clock, options)->Search("legit");
  REQUIRE(found.ok());
  REQUIRE(found->size() == 3);
  CHECK((*found)[0].id == "kennethreitz/legit");
}

TEST_CASE("the resolver fails with kConnection when neither service can be reached",
          "[resolve][remote]") {
  tools::BeastHttpClient http(Loopback());
  FakeClock clock;
  RemoteResolverOptions options;
  options.hub_url = "http://127.0.0.1:1";
  options.github_api_url = "http://127.0.0.1:1";
  auto found = MakeHubGithubResolver(http, clock, options)->Search("legit");
  REQUIRE_FALSE(found.ok());
  CHECK(found.code() == ErrorCode::kConnection);
  CHECK(found.message().rfind("neither the Hugging Face Hub nor GitHub could be reached (", 0) ==
        0);
}

TEST_CASE("counts are shortened for the operator", "[resolve][remote]") {
  CHECK(ShortCount(0) == "0");
  CHECK(ShortCount(999) == "999");
  CHECK(ShortCount(1062) == "1.1k");
  CHECK(ShortCount(1234567) == "1.2M");
  CHECK(ShortCount(2'500'000'000) == "2.5B");
}

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run Cli(const std::filesystem::path& home, const Services& s, std::vector<const char*> args) {
  config::LoadOptions options;
  options.env = {{"INTERN_HOME", home.string()}};
  options.cwd = home;
  options.system_dir = home / "etc";
  options.home = home;
  const std::string github = "github.api_url=" + s.github.url();
  const std::string hub = "hub.url=" + s.hub.url();
  std::vector<const char*> argv = {"intern", "-c", github.c_str(), "-c", hub.c_str()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err, options);
  return {code, out.str(), err.str()};
}

TEST_CASE(
    "compare looks an unknown name up, tells the operator what it chose and keeps it in the "
    "store's catalog",
    "[compare][resolve][remote]") {
  Services s(FakeResponse::Json(200, "[]"), GithubSearchPage());
  testing::TempDir home;
  Run first = Cli(home.path(), s, {"compare", "legit", "SmolVLM2"});
  INFO(first.err);
  REQUIRE(first.code == kExitOk);
  CHECK(first.out.find("Note: Resolved \"legit\" to kennethreitz/legit (GitHub, 3.0k stars).\n") !=
        std::string::npos);
  CHECK(first.out.find(": legit vs SmolVLM2\n") != std::string::npos);
  CHECK(s.SearchesOn(s.github, "/search/repositories") == 1);
  CHECK(s.SearchesOn(s.hub, "/api/models") == 1);

  {
    sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
    std::vector<sessions::CatalogEntryRecord> entries = store.ListCatalogEntries();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].key == "kennethreitz-legit");
    CHECK(entries[0].name == "legit");
    CHECK(entries[0].source == "lookup");
    CHECK(entries[0].category == "Found by look-up");
    REQUIRE(store.ListDrafts().size() == 1);
    CHECK(store.ListDrafts()[0].title == "legit vs SmolVLM2");
  }

  // The next run finds it in the catalog: no search, no note.
  Run again = Cli(home.path(), s, {"compare", "kennethreitz/legit", "SmolVLM2"});
  INFO(again.err);
  REQUIRE(again.code == kExitOk);
  CHECK(again.out.find("Resolved") == std::string::npos);
  CHECK(s.SearchesOn(s.github, "/search/repositories") == 1);
}

TEST_CASE("compare lists the look-up's candidates and stops with exit 2, --pick chooses one",
          "[compare][resolve][remote]") {
  Services s(FakeResponse::Json(200, "[]"), GithubSearchPage());
  testing::TempDir home;
  Run listed = Cli(home.path(), s, {"compare", "webgl", "SmolVLM2"});
  CHECK(listed.code == kExitUsage);
  CHECK(listed.err ==
        "intern: \"webgl\" is not in the catalog and matches several tools on the hub and "
        "GitHub: 1. kennethreitz/legit (GitHub, 3.0k stars), 2. RuudBurger/CouchPotatoV1 "
        "(GitHub, 1.1k stars), 3. gelstudios/gitfiti (GitHub, 669 stars); add --pick N to "
        "choose one\n");
  CHECK(listed.out.empty());
  CHECK_FALSE(std::filesystem::exists(home.path() / "intern.db"));

  Run picked = Cli(home.path(), s, {"compare", "webgl", "SmolVLM2", "--pick", "3"});
  INFO(picked.err);
  REQUIRE(picked.code == kExitOk);
  CHECK(picked.out.find("Note: Resolved \"webgl\" to gelstudios/gitfiti (GitHub, 669 stars; "
                        "--pick 3 of 3 candidates).\n") != std::string::npos);
  CHECK(picked.out.find(": gitfiti vs SmolVLM2\n") != std::string::npos);
}

TEST_CASE("compare says so in one sentence when neither the hub nor GitHub knows the name",
          "[compare][resolve][remote]") {
  Services s(FakeResponse::Json(200, "[]"), GithubEmptySearch());
  testing::TempDir home;
  Run r = Cli(home.path(), s, {"compare", "Zyxwvut Quorblex", "SmolVLM2"});
  CHECK(r.code == kExitError);
  CHECK(r.err ==
        "intern: \"Zyxwvut Quorblex\" is not in the catalog, and neither the Hugging Face Hub nor "
        "GitHub has a match; add it with `intern catalog add` or check the spelling\n");
  CHECK_FALSE(std::filesystem::exists(home.path() / "intern.db"));
}

TEST_CASE("compare passes on a look-up failure that is not the network, with its own fix",
          "[compare][resolve][remote]") {
  Services s(FakeResponse::Json(200, "[]"),
             FakeResponse::Json(401, R"({"message":"Bad credentials"})"));
  s.hub.Stop();  // the hub unreachable, GitHub refusing the token: the token is what to fix
  testing::TempDir home;
  Run r = Cli(home.path(), s, {"compare", "Zyxwvut Quorblex", "SmolVLM2"});
  CHECK(r.code == kExitError);
  CHECK(r.err ==
        "intern: \"Zyxwvut Quorblex\" is not in the catalog, and looking it up failed: GitHub "
        "refused the token (HTTP 401): check GITHUB_TOKEN; or add it with `intern catalog add`\n");
  CHECK_FALSE(std::filesystem::exists(home.path() / "intern.db"));
}

}  // namespace
}  // namespace intern::agent
