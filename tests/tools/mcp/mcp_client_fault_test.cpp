// The MCP client against the scripted fake server (fake_mcp_server.mjs): the protocol's
// lifecycle, and containment of a server that crashes, hangs, writes garbage or too much.
#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/memory_ledger.h"
#include "tests/tools/mcp/mcp_test_support.h"
#include "tools/docs/doc_index.h"
#include "tools/mcp/mcp_client.h"
#include "tools/mcp/mcp_resource_index.h"
#include "tools/mcp/mcp_tool.h"

namespace intern::tools {
namespace {

using nlohmann::json;
using testing::FakeClient;
using namespace std::chrono_literals;

std::vector<std::string> Names(const std::vector<McpToolInfo>& tools) {
  std::vector<std::string> names;
  for (const McpToolInfo& t : tools) names.push_back(t.name);
  return names;
}

const std::vector<std::string> kFakeTools = {"echo",    "crash", "hang",  "stall",
                                             "garbage", "huge",  "error", "change"};

TEST_CASE("the MCP client follows tools/list cursors and calls a tool", "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock, {{"FAKE_MCP_PAGE_SIZE", "3"}});
  REQUIRE(client->Connect().ok());
  CHECK(client->protocol_version() == "2025-11-25");
  CHECK(client->server_info() == "fake 1.0");
  CHECK(Names(client->Tools()) == kFakeTools);
  Result<McpCallOutcome> echoed = client->CallTool("echo", {{"text", "hi"}});
  REQUIRE(echoed.ok());
  CHECK(echoed->text == "echo: hi");
  CHECK_FALSE(echoed->is_error);
  // Three pages were asked for; the client said it was initialized before listing.
  CHECK(client->LogTail().find("got notifications/initialized \ngot tools/list 2\n"
                               "got tools/list 3\ngot tools/list 4\n") != std::string::npos);
}

TEST_CASE("a server answering an older protocol revision is spoken to at that revision",
          "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock, {{"FAKE_MCP_VERSION", "2025-03-26"}});
  REQUIRE(client->Connect().ok());
  CHECK(client->protocol_version() == "2025-03-26");
  CHECK(client->CallTool("echo", {{"text", "old"}})->text == "echo: old");
}

TEST_CASE("a server answering a protocol revision intern does not know is refused", "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock, {{"FAKE_MCP_VERSION", "1999-01-01"}});
  Status s = client->Connect();
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() ==
        "MCP server \"fake\" speaks protocol revision \"1999-01-01\", which intern does not "
        "(intern speaks 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05)");
  CHECK(client->state() == McpServerState::kBroken);
}

TEST_CASE("a server command that does not exist fails to start with a sentence naming it",
          "[mcp]") {
  StdioTransportOptions stdio;
  stdio.child.command = "/nonexistent/mcp-server";
  McpClientOptions options;
  options.server_name = "ghost";
  options.make_transport = [stdio] { return std::make_unique<StdioTransport>(stdio); };
  McpClient client(std::move(options));
  Status s = client.Connect();
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "MCP server \"ghost\" could not be started: cannot run "
                       "\"/nonexistent/mcp-server\": No such file or directory");
}

TEST_CASE("a server that crashes during a call fails that call and is restarted for the next",
          "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock);
  REQUIRE(client->Connect().ok());
  Result<McpCallOutcome> crashed = client->CallTool("crash", json::object());
  REQUIRE_FALSE(crashed.ok());
  CHECK(crashed.code() == ErrorCode::kConnection);
  CHECK(crashed.message().starts_with("MCP server \"fake\" exited with status 3 (its stderr ends: "));
  CHECK(crashed.message().ends_with("crashing now)."));

  Result<McpCallOutcome> after = client->CallTool("echo", {{"text", "back"}});
  REQUIRE(after.ok());
  CHECK(after->text == "echo: back");
  CHECK(client->restarts() == 1);
  CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{500ms});
}

TEST_CASE("a call to a hung server times out, and the server is restarted for the next call",
          "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock, {}, 300ms);
  REQUIRE(client->Connect().ok());
  Result<McpCallOutcome> hung = client->CallTool("hang", json::object());
  REQUIRE_FALSE(hung.ok());
  CHECK(hung.code() == ErrorCode::kTimeout);
  CHECK(hung.message() ==
        "MCP server \"fake\" did not answer tools/call within 0.3 s; the call was cancelled. It "
        "does not answer pings either and will be restarted.");
  CHECK(client->state() == McpServerState::kBroken);
  Result<McpCallOutcome> after = client->CallTool("echo", {{"text", "alive"}});
  REQUIRE(after.ok());
  CHECK(after->text == "echo: alive");
  CHECK(client->restarts() == 1);
}

TEST_CASE("a stalled call is cancelled with notifications/cancelled and the server stays up",
          "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock);
  REQUIRE(client->Connect().ok());
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    // The operator stops once the server has started working on the call.
    testing::WaitFor([&] { return client->LogTail().find("stalling") != std::string::npos; });
    cancel = true;
  });
  Result<McpCallOutcome> stalled = client->CallTool("stall", json::object(), &cancel);
  canceller.join();
  REQUIRE_FALSE(stalled.ok());
  CHECK(stalled.code() == ErrorCode::kCancelled);
  CHECK(stalled.message() ==
        "MCP server \"fake\" was asked for tools/call, and the call was cancelled.");
  CHECK(testing::WaitFor([&] {
    return client->LogTail().find("got notifications/cancelled  for 3") != std::string::npos;
  }));
  CHECK(client->CallTool("echo", {{"text", "still here"}})->text == "echo: still here");
  CHECK(client->restarts() == 0);
}

TEST_CASE("garbage on a server's stdout fails the call, and the server is restarted", "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock);
  REQUIRE(client->Connect().ok());
  Result<McpCallOutcome> garbled = client->CallTool("garbage", json::object());
  REQUIRE_FALSE(garbled.ok());
  CHECK(garbled.code() == ErrorCode::kProtocol);
  CHECK(garbled.message().starts_with(
      "MCP server \"fake\" wrote something that is not a JSON-RPC message on stdout: \"this is "
      "not json\""));
  CHECK(client->CallTool("echo", {{"text", "clean"}})->text == "echo: clean");
  CHECK(client->restarts() == 1);
}

TEST_CASE("a 10 MB message fails its call at the size limit and the server carries on", "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock, {}, 10'000ms, 4 * 1024 * 1024);
  REQUIRE(client->Connect().ok());
  Result<McpCallOutcome> huge = client->CallTool("huge", {{"mb", 10}});
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.code() == ErrorCode::kTooLarge);
  CHECK(huge.message() == "MCP server \"fake\" sent a message larger than 4096 KiB (the limit, "
                          "mcp.max_message_kb).");
  CHECK(client->CallTool("echo", {{"text", "small"}})->text == "echo: small");
  CHECK(client->restarts() == 0);
}

TEST_CASE("a server that keeps failing is disabled after max_restarts with one sentence",
          "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock, {{"FAKE_MCP_EXIT_AT_START", "1"}});
  REQUIRE_FALSE(client->Connect().ok());
  for (int i = 0; i < 3; ++i) CHECK_FALSE(client->CallTool("echo", {{"text", "x"}}).ok());
  Result<McpCallOutcome> last = client->CallTool("echo", {{"text", "x"}});
  REQUIRE_FALSE(last.ok());
  CHECK(last.code() == ErrorCode::kUnavailable);
  CHECK(last.message().starts_with(
      "MCP server \"fake\" is disabled for the rest of this session after 3 restarts; the last "
      "failure: MCP server \"fake\" "));
  CHECK(client->state() == McpServerState::kDisabled);
  CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{500ms, 1000ms, 2000ms});
}

TEST_CASE("tools/list_changed makes the client list the tools again", "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock);
  REQUIRE(client->Connect().ok());
  REQUIRE(client->CallTool("change", json::object())->text == "changed");
  std::vector<std::string> expected = kFakeTools;
  expected.push_back("added");
  CHECK(Names(client->Tools()) == expected);
  CHECK(client->CallTool("added", json::object())->text == "I am new");
}

TEST_CASE("an MCP tool's own error is an error result carrying the server's text", "[mcp]") {
  FakeClock clock;
  std::shared_ptr<McpClient> client = FakeClient(clock);
  REQUIRE(client->Connect().ok());
  McpToolInfo info;
  info.name = "error";
  info.input_schema = json{{"type", "object"}};
  McpTool tool(client, info, ApprovalClass::kAsk);
  testing::MemoryLedger ledger;
  ToolContext ctx{ledger, clock, "s-1"};
  ToolResult result = tool.Run(json::object(), ctx);
  CHECK(result.is_error);
  CHECK(result.content == "fake.error reported an error: the widget is broken");
  CHECK(ledger.records().empty());
}

TEST_CASE("the fake server's resources are listed and read", "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock);
  REQUIRE(client->Connect().ok());
  REQUIRE(client->offers_resources());
  auto listed = client->ListResources();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].uri == "fake://notes");
  auto read = client->ReadResource("fake://notes");
  REQUIRE(read.ok());
  REQUIRE(read->size() == 1);
  CHECK((*read)[0].text == "the notes");
}

TEST_CASE("a server's text resources are indexed for doc_search under their own URIs", "[mcp]") {
  FakeClock clock;
  auto client = FakeClient(clock);
  REQUIRE(client->Connect().ok());
  DocIndex index(":memory:");
  McpIndexReport report = IndexMcpResources(*client, index);
  CHECK(report.indexed == 1);
  CHECK(report.skipped == 0);
  CHECK(report.problem.empty());
  Result<std::vector<DocHit>> hits = index.Search("notes");
  REQUIRE(hits.ok());
  REQUIRE(hits->size() == 1);
  CHECK((*hits)[0].uri == "fake://notes");
  CHECK((*hits)[0].text == "the notes");
}

}  // namespace
}  // namespace intern::tools
