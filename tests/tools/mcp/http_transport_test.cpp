// The Streamable HTTP transport against a scripted loopback server: JSON and event-stream
// answers, the session and protocol headers, a forgotten session, and an oversized message.
#include "tools/mcp/http_transport.h"

#include <catch2/catch.hpp>
#include <mutex>

#include "tests/support/fake_http_server.h"
#include "tools/http/beast_http_client.h"
#include "tools/mcp/mcp_client.h"

namespace intern::tools {
namespace {

using nlohmann::json;
using testing::FakeResponse;
using namespace std::chrono_literals;

std::string Sse(const json& message) { return "event: message\ndata: " + message.dump() + "\n\n"; }

json RpcResult(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

// A scripted MCP endpoint at /mcp; sessions are numbered "s1", "s2", ... per initialize.
struct ScriptedMcp {
  testing::FakeHttpServer server;
  std::mutex mu;
  int sessions = 0;
  std::string live_session;

  ScriptedMcp() {
    server.On("POST", "/mcp", [this](const testing::RecordedRequest& r) { return Answer(r); });
    server.On("DELETE", "/mcp", {FakeResponse::Status(200)});
  }

  FakeResponse Answer(const testing::RecordedRequest& r) {
    std::lock_guard lock(mu);
    json m = json::parse(r.body);
    std::string method = m.value("method", "");
    if (method == "initialize") {
      live_session = "s" + std::to_string(++sessions);
      return FakeResponse::Json(
                 200, RpcResult(m["id"], {{"protocolVersion", "2025-06-18"},
                                       {"capabilities", {{"tools", json::object()}}},
                                       {"serverInfo", {{"name", "scripted"}, {"version", "0"}}}})
                          .dump())
          .WithHeader("Mcp-Session-Id", live_session);
    }
    if (r.Header("Mcp-Session-Id") != live_session) return FakeResponse::Status(404);
    if (!m.contains("id")) return FakeResponse::Status(202);
    if (method == "tools/list") {
      json log = {{"jsonrpc", "2.0"},
                  {"method", "notifications/message"},
                  {"params", {{"level", "info"}, {"data", "listing"}}}};
      json tools = {{"tools", {{{"name", "echo"}, {"inputSchema", {{"type", "object"}}}}}}};
      return FakeResponse::Sse({{Sse(log)}, {Sse(RpcResult(m["id"], tools))}});
    }
    std::string tool = m["params"].value("name", "");
    if (tool == "forget") {
      live_session.clear();
      return FakeResponse::Status(404);
    }
    if (tool == "big") {
      json big = RpcResult(m["id"], {{"content", {{{"type", "text"}, {"text", std::string(3 << 20, 'x')}}}}});
      return FakeResponse::Json(200, big.dump());
    }
    json text = {{"content", {{{"type", "text"}, {"text", "echo over " + live_session}}}}};
    return FakeResponse::Sse({{Sse(RpcResult(m["id"], text))}});
  }
};

std::unique_ptr<McpClient> Client(BeastHttpClient& http, const std::string& url,
                                  FakeClock& clock,
                                  HttpHeaders headers = {{"Authorization", "Bearer test-token"}},
                                  const std::string& name = "scripted") {
  HttpTransportOptions transport;
  transport.url = url + "/mcp";
  transport.headers = std::move(headers);
  transport.max_message_bytes = 1 << 20;
  McpClientOptions options;
  options.server_name = name;
  options.make_transport = [&http, transport] {
    return std::make_unique<HttpTransport>(http, transport);
  };
  options.call_timeout = 5'000ms;
  options.clock = &clock;
  return std::make_unique<McpClient>(std::move(options));
}

TEST_CASE("the HTTP transport keeps the session id and protocol version on later requests",
          "[mcp]") {
  ScriptedMcp mcp;
  BeastHttpClient http(HttpClientOptions{});
  FakeClock clock;
  auto client = Client(http, mcp.server.url(), clock);
  REQUIRE(client->Connect().ok());
  CHECK(client->protocol_version() == "2025-06-18");
  REQUIRE(client->Tools().size() == 1);
  CHECK(client->LogTail() == "[info] listing\n");
  Result<McpCallOutcome> echoed = client->CallTool("echo", json::object());
  REQUIRE(echoed.ok());
  CHECK(echoed->text == "echo over s1");

  std::vector<testing::RecordedRequest> requests = mcp.server.requests();
  REQUIRE(requests.size() == 4);  // initialize, initialized, tools/list, tools/call
  CHECK(requests[0].Header("Accept") == "application/json, text/event-stream");
  CHECK(requests[0].Header("Content-Type") == "application/json");
  CHECK(requests[0].Header("Authorization") == "Bearer test-token");
  CHECK_FALSE(requests[0].Header("Mcp-Session-Id").has_value());
  CHECK_FALSE(requests[0].Header("MCP-Protocol-Version").has_value());
  for (size_t i = 1; i < requests.size(); ++i) {
    CHECK(requests[i].Header("Mcp-Session-Id") == "s1");
    CHECK(requests[i].Header("MCP-Protocol-Version") == "2025-06-18");
  }
}

TEST_CASE("an MCP server's configured secret headers are not sent on when it redirects to another "
          "origin",
          "[mcp]") {
  ScriptedMcp elsewhere;
  testing::FakeHttpServer front;
  front.On("POST", "/mcp", [&](const testing::RecordedRequest&) {
    return FakeResponse::Status(307).WithHeader("Location", elsewhere.server.url() + "/mcp");
  });
  BeastHttpClient http(HttpClientOptions{});
  FakeClock clock;
  auto client = Client(http, front.url(), clock,
                       {{"Authorization", "Bearer test-token"}, {"X-MCP-Token", "mcp-secret"}},
                       "moved");
  static_cast<void>(client->Connect());

  // The configured origin got them; the one it redirected to (another port) did not.
  REQUIRE_FALSE(front.requests().empty());
  CHECK(front.requests()[0].Header("Authorization") == "Bearer test-token");
  CHECK(front.requests()[0].Header("X-MCP-Token") == "mcp-secret");
  REQUIRE_FALSE(elsewhere.server.requests().empty());
  for (const testing::RecordedRequest& r : elsewhere.server.requests()) {
    CHECK_FALSE(r.Header("Authorization").has_value());
    CHECK_FALSE(r.Header("X-MCP-Token").has_value());
    CHECK(r.Header("Content-Type") == "application/json");
  }
}

TEST_CASE("a session the HTTP server forgot fails that call and the next call starts a new one",
          "[mcp]") {
  ScriptedMcp mcp;
  BeastHttpClient http(HttpClientOptions{});
  FakeClock clock;
  auto client = Client(http, mcp.server.url(), clock);
  REQUIRE(client->Connect().ok());
  Result<McpCallOutcome> forgotten = client->CallTool("forget", json::object());
  REQUIRE_FALSE(forgotten.ok());
  CHECK(forgotten.code() == ErrorCode::kConnection);
  CHECK(forgotten.message() == "MCP server \"scripted\" ended the session (HTTP 404).");
  Result<McpCallOutcome> again = client->CallTool("echo", json::object());
  REQUIRE(again.ok());
  CHECK(again->text == "echo over s2");
  CHECK(client->restarts() == 1);
}

TEST_CASE("an HTTP answer over the message size limit fails its call, and the session stays",
          "[mcp]") {
  ScriptedMcp mcp;
  BeastHttpClient http(HttpClientOptions{});
  FakeClock clock;
  auto client = Client(http, mcp.server.url(), clock);
  REQUIRE(client->Connect().ok());
  Result<McpCallOutcome> big = client->CallTool("big", json::object());
  REQUIRE_FALSE(big.ok());
  CHECK(big.code() == ErrorCode::kTooLarge);
  CHECK(big.message() == "MCP server \"scripted\" sent a message larger than 1024 KiB (the "
                         "limit, mcp.max_message_kb).");
  CHECK(client->CallTool("echo", json::object())->text == "echo over s1");
  CHECK(client->restarts() == 0);
}

}  // namespace
}  // namespace intern::tools
