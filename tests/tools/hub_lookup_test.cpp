#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/support/fake_http_server.h"
#include "tests/support/lookup_test_ledger.h"
#include "tools/http/beast_http_client.h"
#include "tools/hub/hub_lookup_tool.h"
#include "tools/registry.h"
#include "tools/web/lookup_credentials.h"

namespace intern::tools {
namespace {

using intern::testing::FakeHttpServer;
using intern::testing::FakeResponse;

constexpr const char* kHfToken = "hf_test_token_456";
constexpr const char* kSmol = "HuggingFaceTB/SmolVLM2-2.2B-Instruct";

std::string HubFixture(const std::string& name) {
  std::ifstream in(std::string(INTERN_TEST_FIXTURES) + "/hub/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

HttpClientOptions HubHttpOptions(const FakeHttpServer& server) {
  HttpClientOptions options;
  options.use_system_cas = false;
  options.credentials.Add(*HubCredential(server.url(), kHfToken));
  options.default_timeouts = {std::chrono::seconds(2), std::chrono::seconds(2),
                              std::chrono::seconds(2), std::chrono::seconds(5)};
  return options;
}

struct Fixture {
  FakeHttpServer server;
  BeastHttpClient http{HubHttpOptions(server)};
  FakeClock clock;
  intern::testing::LookupTestLedger ledger;
  ToolContext ctx{ledger, clock, "s-1"};
  ToolRegistry registry;

  Fixture() {
    config::Config cfg;
    cfg.hub.url = server.url() + "/";
    registry.Register(MakeHubLookupTool(cfg, http));
  }
  ToolResult Invoke(const std::string& args) { return registry.Invoke("hub_lookup", args, ctx); }
  HubClient Client() {
    HubClientOptions o;
    o.url = server.url();
    return HubClient(http, o);
  }
};

TEST_CASE("hub model info parses downloads, licence, parameter count and gated flag") {
  Fixture f;
  f.server.On("GET", std::string("/api/models/") + kSmol,
              {FakeResponse::Json(200, HubFixture("model_smolvlm2.json"))});
  f.server.On("GET", "/api/models/google/gemma-3n-E4B-it",
              {FakeResponse::Json(200, HubFixture("model_gated.json"))});
  HubClient client = f.Client();

  auto smol = client.Model(kSmol);
  REQUIRE(smol.ok());
  CHECK(smol->id == kSmol);
  CHECK(smol->author == "HuggingFaceTB");
  CHECK(smol->downloads == 1234567);
  CHECK(smol->likes == 312);
  CHECK(smol->pipeline_tag == "image-text-to-text");
  CHECK(smol->library_name == "transformers");
  CHECK(smol->license == "apache-2.0");
  CHECK(smol->parameters == 2246784880);
  CHECK(smol->parameters_by_dtype ==
        std::vector<std::pair<std::string, std::int64_t>>{{"BF16", 2246784880}});
  CHECK(smol->gated.empty());
  CHECK(smol->last_modified == "2025-04-08T07:25:13.000Z");
  CHECK(smol->created_at == "2025-02-08T19:18:45.000Z");

  auto gemma = client.Model("google/gemma-3n-E4B-it");
  REQUIRE(gemma.ok());
  CHECK(gemma->gated == "manual");
  CHECK(gemma->license == "gemma");  // from the license: tag, the card data has none
  CHECK_FALSE(gemma->parameters.has_value());

  auto requests = f.server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].Header("Authorization") == std::string("Bearer ") + kHfToken);
}

TEST_CASE("hub_lookup records each model fact and the card, and shows the card's head") {
  Fixture f;
  f.server.On("GET", std::string("/api/models/") + kSmol,
              {FakeResponse::Json(200, HubFixture("model_smolvlm2.json"))});
  f.server.On("GET", std::string("/") + kSmol + "/resolve/main/README.md",
              {FakeResponse::Text(200, HubFixture("card_smolvlm2.md"))});
  ToolResult r = f.Invoke(std::string(R"({"model_id": "https://huggingface.co/)") + kSmol +
                          R"(", "subject": "SmolVLM2"})");
  INFO(r.content);
  REQUIRE_FALSE(r.is_error);
  const std::string page = f.server.url() + "/" + kSmol;
  CHECK(r.content ==
        "Hugging Face model HuggingFaceTB/SmolVLM2-2.2B-Instruct (" + page +
            ")\n"
            "- downloads: 1234567 (last 30 days) [ev-1]\n"
            "- likes: 312 [ev-2]\n"
            "- license: apache-2.0 [ev-3]\n"
            "- pipeline_tag: image-text-to-text [ev-4]\n"
            "- library: transformers [ev-5]\n"
            "- parameters: 2246784880 (2.25B; BF16 2246784880) [ev-6]\n"
            "- gated: false [ev-7]\n"
            "- last_modified: 2025-04-08T07:25:13.000Z [ev-8]\n"
            "- created_at: 2025-02-08T19:18:45.000Z [ev-9]\n"
            "- model_card: 427 bytes [ev-10]\n"
            "Model card (head):\n"
            "# SmolVLM2 2.2B\n\n"
            "SmolVLM2-2.2B is a lightweight multimodal model designed to analyze video content.\n"
            "The model processes videos, images, and text inputs to generate text outputs.\n\n"
            "## Model Summary\n\n"
            "- **Developed by:** Hugging Face\n"
            "- **Model type:** Multi-modal model (image/multi-image/video/text)\n"
            "- **License:** Apache 2.0");
  EvidenceDraft params = f.ledger.Field("parameters");
  CHECK(params.kind == "model");
  CHECK(params.value == "2246784880");
  CHECK(params.quote == "\"total\": 2246784880");
  CHECK(params.source_url == page);
  CHECK(params.subject == "SmolVLM2");
  CHECK(params.tool == "hub_lookup");
  EvidenceDraft card = f.ledger.Field("model_card");
  CHECK(card.kind == "document");
  CHECK(card.value == "SmolVLM2 2.2B");
  CHECK(card.body == HubFixture("card_smolvlm2.md"));
  auto requests = f.server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].target == std::string("/") + kSmol + "/resolve/main/README.md");
}

TEST_CASE("hub_lookup of a gated model says so and still succeeds when its card is refused") {
  Fixture f;
  f.server.On("GET", "/api/models/google/gemma-3n-E4B-it",
              {FakeResponse::Json(200, HubFixture("model_gated.json"))});
  f.server.On("GET", "/google/gemma-3n-E4B-it/resolve/main/README.md",
              {FakeResponse::Json(
                   403, R"({"error":"Access to model google/gemma-3n-E4B-it is restricted."})")
                   .WithHeader("X-Error-Code", "GatedRepo")});
  ToolResult r = f.Invoke(R"({"model_id": "google/gemma-3n-E4B-it"})");
  INFO(r.content);
  REQUIRE_FALSE(r.is_error);
  CHECK(f.ledger.Field("gated").value == "manual");
  CHECK(r.content.find("\n- gated: manual (accept the terms on the model page) [ev-6]\n") !=
        std::string::npos);
  CHECK(r.content.find("\n- parameters: unknown (no safetensors metadata)\n") != std::string::npos);
  CHECK(r.content.find("\n- model_card: unavailable (google/gemma-3n-E4B-it is a gated model "
                       "(HTTP 403): accept its terms at " +
                       f.server.url() +
                       "/google/gemma-3n-E4B-it and set HF_TOKEN to a token of that account)") !=
        std::string::npos);
}

TEST_CASE("hub_lookup turns the Hub's 404, RepoNotFound 401 and plain 401 into sentences") {
  Fixture f;
  f.server.On("GET", "/api/models/nobody/nothing",
              {FakeResponse::Json(404, R"({"error":"Repository not found"})")});
  f.server.On("GET", "/api/models/someone/private-model",
              {FakeResponse::Json(401, R"({"error":"Repository not found"})")
                   .WithHeader("X-Error-Code", "RepoNotFound")});
  f.server.On(
      "GET", "/api/models/org/model",
      {FakeResponse::Json(401, R"({"error":"Invalid credentials in Authorization header"})")});
  CHECK(f.Invoke(R"({"model_id": "nobody/nothing"})").content ==
        "the Hugging Face Hub has no model nobody/nothing (HTTP 404): check the id as written on "
        "huggingface.co (owner/name)");
  CHECK(f.Invoke(R"({"model_id": "someone/private-model"})").content ==
        "the Hugging Face Hub has no model someone/private-model (HTTP 401): check the id as "
        "written on huggingface.co (owner/name)");
  ToolResult refused = f.Invoke(R"({"model_id": "org/model"})");
  CHECK(refused.is_error);
  CHECK(refused.content == "the Hugging Face Hub refused the token (HTTP 401): check HF_TOKEN");
  CHECK(f.ledger.records().empty());
}

TEST_CASE("hub_lookup search lists the most downloaded models as one search row") {
  Fixture f;
  f.server.On("GET", "/api/models", {FakeResponse::Json(200, HubFixture("search_smol.json"))});
  ToolResult r = f.Invoke(R"({"query": "SmolVLM2", "limit": 3})");
  INFO(r.content);
  REQUIRE_FALSE(r.is_error);
  CHECK(r.content ==
        "Hugging Face search \"SmolVLM2\": 3 models, most downloaded first [ev-1]\n"
        "1. HuggingFaceTB/SmolVLM2-2.2B-Instruct (1234567 downloads, 312 likes, "
        "image-text-to-text)\n"
        "2. HuggingFaceTB/SmolVLM2-500M-Video-Instruct (45678 downloads, 98 likes, "
        "image-text-to-text)\n"
        "3. HuggingFaceTB/SmolVLM2-256M-Video-Instruct (23456 downloads, 61 likes, "
        "image-text-to-text)\n");
  CHECK(f.server.requests().at(0).target ==
        "/api/models?search=SmolVLM2&sort=downloads&direction=-1&limit=3");
  EvidenceDraft row = f.ledger.records().at(0).draft;
  CHECK(row.kind == "search");
  CHECK(row.source_url == f.server.url() + "/models?search=SmolVLM2");
}

TEST_CASE("HF_TOKEN goes to the hub host only, not to a redirect target on another port") {
  FakeHttpServer cdn;
  cdn.On("GET", "/card", {FakeResponse::Text(200, "# Card\n")});
  Fixture f;
  f.server.On("GET", std::string("/") + kSmol + "/resolve/main/README.md",
              {FakeResponse::Status(302).WithHeader("Location", cdn.url() + "/card")});
  HubClient client = f.Client();
  auto card = client.ModelCard(kSmol);
  REQUIRE(card.ok());
  CHECK(*card == "# Card\n");
  REQUIRE(cdn.request_count() == 1);
  CHECK(f.server.requests().at(0).Header("Authorization").has_value());
  CHECK_FALSE(cdn.requests().at(0).Header("Authorization").has_value());
}

TEST_CASE("an unreachable hub fails at once with the unreachable sentence") {
  std::string url;
  {
    FakeHttpServer gone;
    url = gone.url();
  }
  BeastHttpClient http{HttpClientOptions{}};
  HubClientOptions options;
  options.url = url;
  HubClient client(http, options);
  auto model = client.Model(kSmol);
  REQUIRE_FALSE(model.ok());
  CHECK(model.code() == ErrorCode::kConnection);
  const std::string prefix = "the Hugging Face Hub at " + url.substr(7) + " is unreachable (";
  CHECK(model.message().substr(0, prefix.size()) == prefix);
}

TEST_CASE("HumanCount writes parameter counts the way model names do") {
  CHECK(HumanCount(2246784880) == "2.25B");
  CHECK(HumanCount(135000000) == "135M");
  CHECK(HumanCount(70553706496) == "70.6B");
  CHECK(HumanCount(7600) == "7.60K");
  CHECK(HumanCount(12) == "12");
}

TEST_CASE("every bad argument of hub_lookup gets its own sentence") {
  Fixture f;
  auto message = [&](const std::string& args) {
    ToolResult r = f.Invoke(args);
    CHECK(r.is_error);
    return r.content;
  };
  CHECK(message("{}") ==
        "hub_lookup needs model_id (\"owner/name\") or query (a search): pass one of them");
  CHECK(message(R"({"model_id": "a/b", "query": "x"})") ==
        "hub_lookup takes model_id or query, not both: make one call for each");
  const std::string bad_id =
      "model_id must name a Hugging Face model as owner/name (for example "
      "\"HuggingFaceTB/SmolVLM2-2.2B-Instruct\"), got ";
  CHECK(message(R"({"model_id": "a/b/c"})") == bad_id + "\"a/b/c\"");
  CHECK(message(R"({"model_id": "/b"})") == bad_id + "\"/b\"");
  CHECK(message(R"({"model_id": "a b/c"})") == bad_id + "\"a b/c\"");
  CHECK(message(R"({"model_id": "../x"})") == bad_id + "\"../x\"");
  CHECK(message(R"({"model_id": ""})") ==
        "invalid arguments for hub_lookup: argument \"model_id\" must not be empty");
  CHECK(message(R"({"model_id": 7})") ==
        "invalid arguments for hub_lookup: argument \"model_id\" must be a string, got the "
        "integer 7");
  CHECK(message(R"({"query": ""})") ==
        "invalid arguments for hub_lookup: argument \"query\" must not be empty");
  CHECK(message(R"({"query": "x", "limit": 51})") ==
        "invalid arguments for hub_lookup: argument \"limit\" must be at most 50, got 51");
  CHECK(message(R"({"query": "x", "limit": 0})") ==
        "invalid arguments for hub_lookup: argument \"limit\" must be at least 1, got 0");
  CHECK(message(R"({"model_id": "a/b", "card": "yes"})") ==
        "invalid arguments for hub_lookup: argument \"card\" must be a boolean, got the string "
        "\"yes\"");
  CHECK(message(R"({"model_id": "a/b", "subject": false})") ==
        "invalid arguments for hub_lookup: argument \"subject\" must be a string, got the "
        "boolean false");
  CHECK(message(R"({"model": "a/b"})") ==
        "invalid arguments for hub_lookup: unknown argument \"model\" (allowed: card, limit, "
        "model_id, query, subject)");
  CHECK(message("[1]") == "the arguments of hub_lookup must be a JSON object, got array");
  CHECK(f.server.request_count() == 0);
}

}  // namespace
}  // namespace intern::tools

namespace intern::tools {
namespace {

TEST_CASE("a Hub 429 becomes the rate-limit sentence with the asked wait") {
  intern::testing::FakeHttpServer server;
  server.On("GET", "/api/models/a/b",
            {intern::testing::FakeResponse::Json(429, R"({"error":"Too many requests"})")
                 .WithHeader("Retry-After", "30")});
  BeastHttpClient http{HubHttpOptions(server)};
  HubClientOptions options;
  options.url = server.url();
  HubClient client(http, options);
  auto model = client.Model("a/b");
  REQUIRE_FALSE(model.ok());
  CHECK(model.code() == ErrorCode::kRateLimited);
  CHECK(model.message() ==
        "the Hugging Face Hub is rate limiting requests (HTTP 429) for 30 s: set HF_TOKEN for a "
        "higher limit, or try again later");
}

}  // namespace
}  // namespace intern::tools

namespace intern::tools {
namespace {

TEST_CASE("hub_lookup and fetch_page are read tools that describe their calls") {
  intern::testing::FakeHttpServer server;
  BeastHttpClient http{HubHttpOptions(server)};
  config::Config cfg;
  auto hub = MakeHubLookupTool(cfg, http);
  CHECK(hub->name() == "hub_lookup");
  CHECK(hub->approval_class() == ApprovalClass::kRead);
  CHECK(hub->schema()["properties"].size() == 5);
  CHECK(hub->Describe({{"model_id", "a/b"}}) == "look up a/b on the Hugging Face Hub");
  CHECK(hub->Describe({{"query", "smol"}}) == "search Hugging Face Hub models for \"smol\"");
}

TEST_CASE("AddLookupCredentials sends each token to its own host only") {
  config::Config cfg;
  cfg.github.api_url = "https://api.github.com";
  cfg.github.token = "gh-secret";
  cfg.hub.url = "https://huggingface.co";
  cfg.hub.token = "hf-secret";
  CredentialStore store;
  AddLookupCredentials(cfg, store);
  CHECK(store.HeadersFor(*ParseUrl("https://api.github.com/repos/a/b")) ==
        HttpHeaders{{"Authorization", "Bearer gh-secret"}});
  CHECK(store.HeadersFor(*ParseUrl("https://huggingface.co/api/models/a/b")) ==
        HttpHeaders{{"Authorization", "Bearer hf-secret"}});
  CHECK(store.HeadersFor(*ParseUrl("https://github.com/a/b")).empty());
  CHECK(store.HeadersFor(*ParseUrl("http://api.github.com/repos/a/b")).empty());
  CHECK(store.HintFor(*ParseUrl("https://huggingface.co/x")) == "HF_TOKEN");

  config::Config anonymous;
  CredentialStore none;
  AddLookupCredentials(anonymous, none);
  CHECK(none.empty());
}

}  // namespace
}  // namespace intern::tools
