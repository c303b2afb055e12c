// Push credentials over https/http: taken from the environment, sent only as the answer to the
// remote's challenge, and a refusal ends the push at once instead of asking again and again.
// The remote is a loopback fake that challenges every request.

#include <catch2/catch.hpp>

#include "agent/publish/publish.h"
#include "tests/agent/publish/publish_fixture.h"
#include "tests/config/temp_dir.h"
#include "tests/support/fake_http_server.h"

namespace intern::agent::publish {
namespace {

using intern::testing::FakeHttpServer;
using intern::testing::FakeResponse;

struct HttpPush {
  intern::testing::TempDir dir;
  FakeHttpServer server;
  config::Config cfg;
  sessions::Store store = sessions::Store::OpenInMemory();
  std::string id;

  HttpPush() {
    cfg = testing::SiteConfig(dir.path());
    cfg.publish.remote = server.url() + "/site.git";
    server.OnPrefix("GET", "/site.git/info/refs", [](const intern::testing::RecordedRequest&) {
      return FakeResponse::Status(401).WithHeader("WWW-Authenticate", "Basic realm=\"site\"");
    });
    id = testing::AddApprovedDraft(store, agent::testing::SampleComparison());
  }
};

TEST_CASE("an https push answers the remote's challenge with INTERN_PUBLISH_TOKEN once",
          "[publish][push]") {
  HttpPush t;
  PublishOptions options;
  options.push = true;
  options.env = {{"INTERN_PUBLISH_TOKEN", "t0ken"}};
  Result<PublishOutcome> outcome = PublishDraft(t.store, t.cfg, t.id, options);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.code() == ErrorCode::kUnauthorized);
  CHECK(outcome.message().find("the remote refused the credentials from the environment") !=
        std::string::npos);
  std::vector<intern::testing::RecordedRequest> requests = t.server.requests();
  REQUIRE(requests.size() == 2);
  CHECK_FALSE(requests[0].Header("Authorization").has_value());
  // base64("x-access-token:t0ken")
  CHECK(requests[1].Header("Authorization") == "Basic eC1hY2Nlc3MtdG9rZW46dDBrZW4=");
  // Committed locally all the same.
  CHECK(t.store.GetDraft(t.id)->status == sessions::DraftStatus::kPublished);
}

TEST_CASE("an https push uses GIT_USERNAME and GIT_PASSWORD when no token is set",
          "[publish][push]") {
  HttpPush t;
  PublishOptions options;
  options.push = true;
  options.env = {{"GIT_USERNAME", "bot"}, {"GIT_PASSWORD", "pw"}};
  REQUIRE_FALSE(PublishDraft(t.store, t.cfg, t.id, options).ok());
  std::vector<intern::testing::RecordedRequest> requests = t.server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].Header("Authorization") == "Basic Ym90OnB3");  // base64("bot:pw")
}

TEST_CASE("an https push without credentials says which variables to set", "[publish][push]") {
  HttpPush t;
  PublishOptions options;
  options.push = true;
  Result<PublishOutcome> outcome = PublishDraft(t.store, t.cfg, t.id, options);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.code() == ErrorCode::kUnauthorized);
  CHECK(outcome.message().find("the remote wants credentials and none are set: "
                               "INTERN_PUBLISH_TOKEN, or GIT_USERNAME and GIT_PASSWORD, for "
                               "https; a running ssh-agent for ssh") != std::string::npos);
  CHECK(t.server.requests().size() == 1);
}

}  // namespace
}  // namespace intern::agent::publish
