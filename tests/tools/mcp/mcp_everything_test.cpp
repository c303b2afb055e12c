// Acceptance tests against the protocol's reference server, @modelcontextprotocol/server-everything
// from the npm registry, installed by scripts/setup into tests/.mcp (pinned version there). They
// fail, naming scripts/setup, when it is missing.
#include <catch2/catch.hpp>

#include "agent/approval.h"
#include "agent/loop_tools.h"
#include "agent/progress.h"
#include "config/config.h"
#include "sessions/store.h"
#include "tests/support/memory_ledger.h"
#include "tests/tools/mcp/mcp_test_support.h"
#include "tools/http/beast_http_client.h"
#include "tools/mcp/child_process.h"
#include "tools/mcp/http_transport.h"
#include "tools/mcp/mcp_servers.h"
#include "tools/mcp/mcp_tool.h"
#include "tools/registry.h"

namespace intern::tools {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// One connected client shared by the read-only tests: starting the server costs most of a
// second, and these tests only read from it.
std::shared_ptr<McpClient> EverythingOverStdio() {
  static std::shared_ptr<McpClient> shared;
  if (shared && shared->state() == McpServerState::kReady) return shared;
  StdioTransportOptions stdio = testing::StdioOptions({testing::EverythingServer(), "stdio"});
  McpClientOptions options;
  options.server_name = "everything";
  options.make_transport = [stdio] { return std::make_unique<StdioTransport>(stdio); };
  options.startup_timeout = 20'000ms;
  options.call_timeout = 20'000ms;
  shared = std::make_shared<McpClient>(std::move(options));
  Status connected = shared->Connect();
  INFO((connected.ok() ? std::string() : connected.message()));
  REQUIRE(connected.ok());
  return shared;
}

const McpToolInfo* FindTool(const std::vector<McpToolInfo>& tools, const std::string& name) {
  for (const McpToolInfo& t : tools)
    if (t.name == name) return &t;
  return nullptr;
}

TEST_CASE("the reference MCP server over stdio lists echo and get-sum with their schemas",
          "[mcp][mcp_everything]") {
  auto client = EverythingOverStdio();
  CHECK(client->protocol_version() == "2025-11-25");
  CHECK(client->server_info() == "mcp-servers/everything 2.0.0");
  std::vector<McpToolInfo> tools = client->Tools();
  const McpToolInfo* echo = FindTool(tools, "echo");
  const McpToolInfo* sum = FindTool(tools, "get-sum");
  REQUIRE(echo != nullptr);
  REQUIRE(sum != nullptr);
  CHECK(echo->description == "Echoes back the input string");
  CHECK(echo->input_schema["properties"]["message"]["type"] == "string");
  CHECK(sum->input_schema["required"] == json::array({"a", "b"}));

  // The registry's validator takes the server's schema as it comes.
  McpTool tool(client, *sum, ApprovalClass::kAsk);
  CHECK(ParseToolArguments(tool, R"({"a": 2, "b": 3})").ok());
  Result<json> wrong = ParseToolArguments(tool, R"({"a": "two", "b": 3})");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.message() == "invalid arguments for everything.get-sum: argument \"a\" must be a "
                           "number, got the string \"two\"");
}

TEST_CASE("the reference MCP server over stdio echoes and adds, and the result is evidence",
          "[mcp][mcp_everything]") {
  auto client = EverythingOverStdio();
  Result<McpCallOutcome> echoed = client->CallTool("echo", {{"message", "hello MCP"}});
  REQUIRE(echoed.ok());
  CHECK(echoed->text == "Echo: hello MCP");

  std::vector<McpToolInfo> tools = client->Tools();
  McpTool sum(client, *FindTool(tools, "get-sum"), ApprovalClass::kAsk);
  testing::MemoryLedger ledger;
  FakeClock clock;
  ToolContext ctx{ledger, clock, "s-1"};
  ToolResult result = sum.Run({{"a", 2}, {"b", 40}}, ctx);
  CHECK_FALSE(result.is_error);
  CHECK(result.content == "The sum of 2 and 40 is 42.");
  REQUIRE(result.evidence_ids.size() == 1);
  std::vector<EvidenceRecord> records = ledger.records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].draft.source_url == "mcp://everything/get-sum");
  CHECK(records[0].draft.tool == "everything.get-sum");
  CHECK(records[0].draft.body == "The sum of 2 and 40 is 42.");
}

TEST_CASE("the reference MCP server lists its resources and reads a text one",
          "[mcp][mcp_everything]") {
  auto client = EverythingOverStdio();
  REQUIRE(client->offers_resources());
  Result<std::vector<McpResourceInfo>> listed = client->ListResources();
  REQUIRE(listed.ok());
  const McpResourceInfo* doc = nullptr;
  for (const McpResourceInfo& r : *listed)
    if (r.uri.starts_with("demo://resource/static/document/") && r.mime_type == "text/markdown")
      doc = &r;
  REQUIRE(doc != nullptr);
  Result<std::vector<McpResourceContent>> read = client->ReadResource(doc->uri);
  REQUIRE(read.ok());
  REQUIRE(read->size() == 1);
  CHECK((*read)[0].uri == doc->uri);
  CHECK((*read)[0].is_text);
  CHECK((*read)[0].text.size() > 100);
}

// Records what it was asked, and says no.
class RecordingApproval final : public agent::ApprovalPolicy {
 public:
  agent::ApprovalVerdict Decide(const Tool& tool, const std::string&,
                                const std::string& description) override {
    asked.push_back(tool.name() + ": " + description);
    return agent::ApprovalVerdict::kDeny;
  }
  std::vector<std::string> asked;
};

class QuietProgress final : public agent::ProgressSink {
 public:
  void SessionStarted(const std::string&, const std::string&, bool) override {}
  void IterationStarted(const agent::ProgressSnapshot&) override {}
  void TextDelta(std::string_view) override {}
  void ToolStarted(const std::string&, const std::string&) override {}
  void ToolFinished(const std::string&, bool, std::int64_t, int) override {}
  void UsageUpdated(std::int64_t, double) override {}
  void Compacted(std::int64_t, std::int64_t) override {}
  void LoopGuard(const std::string&, const std::string&) override {}
  void Stopped(const std::string&, const std::string&) override {}
};

TEST_CASE("the loop's approval gate asks before an un-allowed MCP tool runs, not an allowed one",
          "[mcp][mcp_everything]") {
  config::Config cfg;
  config::McpServerConfig server;
  server.name = "everything";
  server.transport = "stdio";
  server.command = testing::NodeBinary();
  server.args = {testing::EverythingServer(), "stdio"};
  server.allow = {"echo"};
  server.deny = {"get-env"};
  cfg.mcp.servers.push_back(server);
  BeastHttpClient http(HttpClientOptions{});
  ToolRegistry registry;
  AddMcpTools(cfg, http, registry);

  REQUIRE(registry.Find("everything.echo") != nullptr);
  REQUIRE(registry.Find("everything.get-sum") != nullptr);
  CHECK(registry.Find("everything.get-env") == nullptr);  // denied: never offered
  CHECK(registry.Find("everything.echo")->approval_class() == ApprovalClass::kRead);
  CHECK(registry.Find("everything.get-sum")->approval_class() == ApprovalClass::kAsk);

  sessions::Store store = sessions::Store::OpenInMemory();
  sessions::Session session;
  session.kind = "test";
  std::string session_id = store.CreateSession(session).id;
  FakeClock clock;
  RecordingApproval approval;
  QuietProgress progress;
  agent::ToolRunEnv env{registry, store, clock, approval, progress, session_id,
                        /*step=*/1,  /*parallel_tools=*/4, /*max_result_chars=*/20'000,
                        /*interrupt=*/nullptr, /*only_tool=*/std::nullopt, /*tools_off=*/false};
  std::vector<agent::ToolCall> calls = {
      {"c1", "everything.echo", R"({"message": "free"})"},
      {"c2", "everything.get-sum", R"({"a": 1, "b": 2})"},
  };
  auto done = agent::ExecuteToolCalls(env, calls, {});
  REQUIRE(done.has_value());
  REQUIRE(done->size() == 2);
  CHECK(approval.asked == std::vector<std::string>{
                              "everything.get-sum: call get-sum on the MCP server \"everything\" "
                              "with {\"a\":1,\"b\":2}"});
  CHECK((*done)[0].approval == "auto");
  CHECK((*done)[0].result.content == "Echo: free");
  CHECK((*done)[1].approval == "denied");
  CHECK((*done)[1].result.is_error);
}

TEST_CASE("the reference MCP server over Streamable HTTP lists tools, adds and reads",
          "[mcp][mcp_everything]") {
  int port = testing::FreeLoopbackPort();
  ChildSpec spec{testing::NodeBinary(),
                 {testing::EverythingServer(), "streamableHttp"},
                 {{"PORT", std::to_string(port)}},
                 {}};
  Result<std::unique_ptr<ChildProcess>> server = ChildProcess::Spawn(spec);
  REQUIRE(server.ok());
  REQUIRE(testing::WaitFor([&] { return testing::AcceptsConnections(port); }));

  BeastHttpClient http(HttpClientOptions{});
  HttpTransportOptions transport;
  transport.url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
  McpClientOptions options;
  options.server_name = "everything-http";
  options.make_transport = [&http, transport] {
    return std::make_unique<HttpTransport>(http, transport);
  };
  options.call_timeout = 20'000ms;
  McpClient client(std::move(options));
  Status connected = client.Connect();
  INFO((connected.ok() ? std::string() : connected.message()));
  REQUIRE(connected.ok());
  CHECK(client.protocol_version() == "2025-11-25");
  CHECK(FindTool(client.Tools(), "get-sum") != nullptr);
  Result<McpCallOutcome> sum = client.CallTool("get-sum", {{"a", 20}, {"b", 22}});
  REQUIRE(sum.ok());
  CHECK(sum->text == "The sum of 20 and 22 is 42.");
  Result<McpCallOutcome> echoed = client.CallTool("echo", {{"message", "over http"}});
  REQUIRE(echoed.ok());
  CHECK(echoed->text == "Echo: over http");
  Result<std::vector<McpResourceInfo>> listed = client.ListResources();
  REQUIRE(listed.ok());
  CHECK_FALSE(listed->empty());
}

}  // namespace
}  // namespace intern::tools
