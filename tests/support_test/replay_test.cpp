#include <catch2/catch.hpp>

#include "tests/support/fake_http_server.h"
#include "tests/support/raw_client.h"

namespace intern::testing {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(INTERN_TEST_FIXTURES) + "/github/" + name;
}

TEST_CASE("LoadExchanges reads every recorded request and response of a fixture") {
  std::vector<RecordedExchange> exchanges = LoadExchanges(Fixture("not_found.json"));
  REQUIRE(exchanges.size() == 2);
  CHECK(exchanges[1].method == "GET");
  CHECK(exchanges[1].host == "api.github.com");
  CHECK(exchanges[1].path == "/repos/jacquev6/Xxx");
  CHECK(exchanges[1].request_body == std::nullopt);
  CHECK(exchanges[1].status == 404);
  CHECK(FindHeader(exchanges[1].headers, "Status") == "404 Not Found");
  CHECK(exchanges[1].body ==
        R"({"message":"Not Found"})");
}

TEST_CASE("LoadExchanges names the file and the problem when it cannot read it") {
  CHECK_THROWS_WITH(LoadExchanges("/nonexistent/x.json"),
                    "reading exchanges from /nonexistent/x.json: cannot open the file");
  CHECK_THROWS_WITH(LoadExchanges(std::string(INTERN_TEST_FIXTURES) + "/README.md"),
                    Catch::StartsWith("reading exchanges from " +
                                      std::string(INTERN_TEST_FIXTURES) +
                                      "/README.md: [json.exception.parse_error"));
}

TEST_CASE("replaying repo.json answers the recorded path with the recorded body, unencoded") {
  std::vector<RecordedExchange> exchanges = LoadExchanges(Fixture("repo.json"));
  REQUIRE(exchanges.size() == 1);
  FakeHttpServer server;
  server.Replay(exchanges);
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("GET", "/repos/PyGithub/PyGithub")) == "");
  RawResponse response = client.ReadResponse();
  REQUIRE(response.error == "");
  CHECK(response.status == 200);
  CHECK(response.body == exchanges[0].body);
  CHECK(response.body.find(R"("full_name":"PyGithub/PyGithub")") != std::string::npos);
  CHECK_FALSE(response.chunked);
  CHECK(response.head.find("Content-Encoding") == std::string::npos);
  CHECK(response.head.find("X-RateLimit-Remaining: 4999\r\n") != std::string::npos);
}

TEST_CASE("replayed link headers point at the fake so pagination can be followed") {
  FakeHttpServer server;
  server.Replay(LoadExchanges(Fixture("search_repos.json")));
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest(
              "GET", "/search/repositories?sort=stars&q=github+language%3APython&order=desc")) ==
          "");
  RawResponse first = client.ReadResponse();
  REQUIRE(first.status == 200);
  const std::string next = server.url() +
                           "/search/repositories?sort=stars&q=github+language%3APython&order=desc"
                           "&page=2>; rel=\"next\"";
  CHECK(first.head.find("link: <" + next) != std::string::npos);
  CHECK(first.head.find("api.github.com") == std::string::npos);
  REQUIRE(client.Write(RawRequest(
              "GET",
              "/search/repositories?sort=stars&q=github+language%3APython&order=desc&page=2")) ==
          "");
  RawResponse second = client.ReadResponse();
  CHECK(second.status == 200);
  CHECK(second.body.size() == 146436);
}

TEST_CASE("a replayed fixture with a wrong recorded content-length is sent with the true one") {
  FakeHttpServer server;
  server.Replay(LoadExchanges(Fixture("search_repos_empty.json")));
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("GET", "/search/repositories?q=doesnotexist&per_page=1")) == "");
  RawResponse response = client.ReadResponse();
  CHECK(response.error == "");
  CHECK(response.head.find("Content-Length: 55\r\n") != std::string::npos);
  CHECK(response.body.size() == 55);
}

TEST_CASE("every shared GitHub fixture loads and replays its first exchange") {
  for (const char* name :
       {"bad_auth.json", "contributors.json", "languages.json", "license.json", "not_found.json",
        "rate_limiting.json", "repo.json", "search_repos.json", "search_repos_empty.json",
        "topics.json"}) {
    INFO(name);
    std::vector<RecordedExchange> exchanges = LoadExchanges(Fixture(name));
    REQUIRE_FALSE(exchanges.empty());
    FakeHttpServer server;
    server.Replay(exchanges);
    RawClient client;
    REQUIRE(client.Connect(server.port()) == "");
    REQUIRE(client.Write(RawRequest(exchanges[0].method, exchanges[0].path)) == "");
    RawResponse response = client.ReadResponse();
    CHECK(response.error == "");
    CHECK(response.status == exchanges[0].status);
    CHECK(response.body == exchanges[0].body);
  }
}

}  // namespace
}  // namespace intern::testing
