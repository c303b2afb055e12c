// `intern mcp list` and `intern mcp call`, run in-process against the scripted fake server.
#include <catch2/catch.hpp>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/cli/cli.h"
#include "agent/compare_workflow.h"
#include "agent/toolbox.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tests/tools/mcp/mcp_test_support.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

using nlohmann::json;

struct McpCli {
  testing::TempDir dir;
  config::LoadOptions options;
  std::ostringstream out, err;

  explicit McpCli(const std::string& servers) {
    testing::WriteFile(dir / "work/intern.toml", servers);
    options.env = {{"INTERN_HOME", (dir / "home").string()}};
    options.system_dir = dir / "etc";
    options.xdg_config_home = dir / "xdg";
    options.cwd = dir / "work";
    options.home = dir / "home";
  }
  int Run(std::vector<const char*> args) {
    args.insert(args.begin(), "intern");
    return RunCli(static_cast<int>(args.size()), args.data(), out, err, options);
  }
};

std::string FakeServerToml() {
  return "[[mcp.servers]]\nname = \"fake\"\ncommand = \"" + testing::NodeBinary() +
         "\"\nargs = [\"" + testing::FakeMcpServer() +
         "\"]\nallow = [\"echo\"]\ndeny = [\"crash\"]\n\n"
         "[[mcp.servers]]\nname = \"off\"\ncommand = \"nothing\"\nenabled = false\n";
}

TEST_CASE("intern mcp list --json shows each server's state and tools with approval classes",
          "[mcp]") {
  McpCli cli(FakeServerToml());
  REQUIRE(cli.Run({"mcp", "list", "--json"}) == 0);
  json listed = json::parse(cli.out.str());
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["name"] == "fake");
  CHECK(listed[0]["status"] == "ready");
  CHECK(listed[0]["server"] == "fake 1.0");
  CHECK(listed[0]["resources"] ==
        json::parse(R"([{"uri": "fake://notes", "name": "notes", "mime_type": "text/plain"}])"));
  CHECK(listed[0]["tools"][0]["name"] == "fake.echo");
  CHECK(listed[0]["tools"][0]["approval"] == "read");
  CHECK(listed[0]["tools"][1]["name"] == "fake.crash");
  CHECK(listed[0]["tools"][1]["approval"] == "hidden");
  CHECK(listed[0]["tools"][2]["approval"] == "ask");
  CHECK(listed[1]["status"] == "off");
  CHECK(listed[1]["detail"] == "enabled = false in " + (cli.dir / "work/intern.toml").string() + ":8");
}

TEST_CASE("intern mcp call runs a tool without asking and records its evidence", "[mcp]") {
  McpCli cli(FakeServerToml());
  REQUIRE(cli.Run({"mcp", "call", "fake", "echo", "--args", R"({"text":"by hand"})", "--json"}) ==
          0);
  json result = json::parse(cli.out.str());
  CHECK(result["content"] == "echo: by hand");
  CHECK(result["is_error"] == false);
  CHECK(result["evidence"].size() == 1);
}

TEST_CASE("intern mcp call fails with one sentence for a server, tool or argument that is wrong",
          "[mcp]") {
  McpCli cli(FakeServerToml());
  CHECK(cli.Run({"mcp", "call", "nope", "echo"}) == 2);
  CHECK(cli.err.str().find("there is no MCP server \"nope\"; the servers are fake, off") !=
        std::string::npos);
  CHECK(cli.Run({"mcp", "call", "fake", "missing"}) == 2);
  CHECK(cli.err.str().find("MCP server \"fake\" has no tool \"missing\"; its tools are echo, "
                           "crash, hang, stall, garbage, huge, error, change") != std::string::npos);
  CHECK(cli.Run({"mcp", "call", "fake", "echo", "--args", R"({"text": 5})"}) == 2);
  CHECK(cli.err.str().find("invalid arguments for fake.echo: argument \"text\" must be a string, "
                           "got the integer 5") != std::string::npos);
  CHECK(cli.Run({"mcp", "call", "fake", "error"}) == 1);
  CHECK(cli.out.str() == "fake.error reported an error: the widget is broken\n");
}

// A config with the scripted fake server as "fake" (stdio), given `server`'s approval lists.
config::Config FakeServerConfig(config::McpServerConfig server) {
  config::Config cfg;
  cfg.home = "/nonexistent-intern-home";
  server.name = "fake";
  server.transport = "stdio";
  server.command = testing::NodeBinary();
  server.args = {testing::FakeMcpServer()};
  cfg.mcp.servers.push_back(std::move(server));
  return cfg;
}

ToolboxOptions InMemoryDocs() {
  ToolboxOptions options;
  options.docs_index_path = ":memory:";
  return options;
}

TEST_CASE("the agent's toolbox offers the configured MCP servers' tools with their approval",
          "[mcp]") {
  config::McpServerConfig server;
  server.allow = {"echo"};
  server.deny = {"crash"};
  config::Config cfg = FakeServerConfig(server);
  sessions::Store store = sessions::Store::OpenInMemory();
  ToolboxOptions options = InMemoryDocs();
  Toolbox toolbox(cfg, store, options);
  const tools::ToolRegistry& registry = toolbox.registry();
  REQUIRE(registry.Find("fake.echo") != nullptr);
  CHECK(registry.Find("fake.echo")->approval_class() == tools::ApprovalClass::kRead);
  REQUIRE(registry.Find("fake.hang") != nullptr);
  CHECK(registry.Find("fake.hang")->approval_class() == tools::ApprovalClass::kAsk);
  CHECK(registry.Find("fake.crash") == nullptr);
  CHECK(registry.Find("doc_search") != nullptr);  // the research tools are still there
}

TEST_CASE("a tool an MCP server adds mid-session reaches the compare session's registry",
          "[mcp]") {
  config::McpServerConfig server;
  server.approval = "read";
  config::Config cfg = FakeServerConfig(server);
  sessions::Store store = sessions::Store::OpenInMemory();
  ToolboxOptions options = InMemoryDocs();
  tools::ToolRegistry registry;
  RegisterCompareTools(cfg, store, config::Catalog::Embedded(), DraftStamp{"offline", "offline"},
                       false, options, registry);
  REQUIRE(registry.Find("fake.echo") != nullptr);
  CHECK(registry.Find("fake.added") == nullptr);
  tools::Tool* echo = registry.Find("fake.echo");

  sessions::Session s;
  s.kind = "compare";
  const std::string session_id = store.CreateSession(s).id;
  tools::StoreLedger ledger(store, session_id);
  FakeClock clock;
  tools::ToolContext ctx{ledger, clock, session_id, nullptr};
  tools::ToolResult changed = registry.Invoke("fake.change", "{}", ctx);
  REQUIRE_FALSE(changed.is_error);

  // The server said its list changed: the next look lists again.
  REQUIRE(registry.Find("fake.added") != nullptr);
  std::vector<std::string> names;
  for (tools::Tool* t : registry.List()) names.push_back(t->name());
  CHECK(std::count(names.begin(), names.end(), "fake.added") == 1);
  CHECK(std::count(names.begin(), names.end(), "fake.echo") == 1);
  CHECK(registry.Find("fake.echo") == echo);  // an unchanged tool is the same object
  tools::ToolResult added = registry.Invoke("fake.added", "{}", ctx);
  CHECK_FALSE(added.is_error);
  CHECK(added.content.find("I am new") != std::string::npos);
}

}  // namespace
}  // namespace intern::agent
