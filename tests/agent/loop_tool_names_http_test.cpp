// An MCP-style tool name (`srv.echo`) through the loop and the real HTTP path: the FakeLlm
// refuses any tool name outside ^[a-zA-Z0-9_-]{1,64}$ as the vendor APIs do, calls the tool by
// the wire name it was offered, and the loop runs the registry's `srv.echo`.

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/loop.h"
#include "agent/models.h"
#include "tests/agent/loop_test_support.h"
#include "tests/agent/providers/provider_harness.h"
#include "tests/support/fake_llm.h"

namespace intern::testing {
namespace {

using agent::testing::Harness;
using agent::testing::Wire;
using agent::testing::WireName;
using nlohmann::json;

// wire_tool_names.h: "srv.echo" sanitised, with 8 hex digits of its hash.
constexpr const char* kEchoWire = "srv_echo_c3486075";

std::vector<std::string> OfferedNames(const json& body) {
  std::vector<std::string> out;
  for (const auto& tool : body["tools"]) {
    out.push_back(tool.contains("function") ? tool["function"]["name"] : tool["name"]);
  }
  return out;
}

}  // namespace

TEST_CASE("a tool registered as srv.echo is offered and called by a valid wire name and runs",
          "[loop][http]") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  bool stream = GENERATE(true, false);
  CAPTURE(WireName(wire), stream);
  const char* model = wire == Wire::kAnthropic ? "claude-sonnet-5" : "gpt-5-mini";
  Harness h(wire, stream,
            {FakeTurn::Call({FakeToolCall{"call_1", kEchoWire, R"({"q":"ping"})"}}),
             FakeTurn::Call({FakeToolCall{"call_2", "submit_draft", R"({"q":"good draft"})"}})});
  h.options.model = model;
  LoopFixture f;
  FakeTool& echo = f.AddTool("srv.echo", tools::ApprovalClass::kRead, /*record_evidence=*/false);
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  f.models = agent::ModelCatalog::Embedded();
  f.options.model = model;
  f.options.compaction_model = model;
  f.options.provider_name = WireName(wire);
  std::string id = f.NewSession();
  agent::LoopOutcome outcome = f.Run(h.provider(), id);

  CHECK(h.llm.rejections().empty());
  CHECK(outcome.status == sessions::SessionStatus::kDone);
  CHECK(echo.runs() == 1);
  std::vector<json> bodies = h.llm.requests();
  REQUIRE(bodies.size() == 2);
  for (const auto& body : bodies) {
    std::vector<std::string> names = OfferedNames(body);
    CHECK(std::count(names.begin(), names.end(), kEchoWire) == 1);
    CHECK(std::count(names.begin(), names.end(), "srv.echo") == 0);
  }
  auto history = f.store.LoadHistory(id);
  REQUIRE(history);
  REQUIRE(history->steps.size() == 2);
  REQUIRE(history->steps[0].tool_calls.size() == 1);
  CHECK(history->steps[0].tool_calls[0].tool == "srv.echo");
  CHECK(history->steps[0].tool_calls[0].result == "srv.echo: ping");
  CHECK_FALSE(history->steps[0].tool_calls[0].is_error);
}

}  // namespace intern::testing
