// Tools that appear while a session runs (an MCP server's after notifications/tools/list_changed,
// tools/registry.h ToolSource) are offered to the very next model call, and can be called then.

#include <algorithm>
#include <catch2/catch.hpp>
#include <mutex>

#include "agent/loop.h"
#include "tests/agent/loop_test_support.h"

namespace intern::testing {
namespace {

using agent::LlmRequest;
using agent::Response;
using sessions::SessionStatus;

// Offers "srv.one"; once grown, also "srv.two". Keeps every tool it made, as ToolSource requires.
class GrowingSource final : public tools::ToolSource {
 public:
  GrowingSource() {
    tools_.push_back(std::make_unique<FakeTool>("srv.one", tools::ApprovalClass::kRead));
  }
  std::vector<tools::Tool*> Tools() override {
    std::lock_guard lock(mu_);
    std::vector<tools::Tool*> out;
    for (size_t i = 0; i < (grown_ ? tools_.size() : 1); ++i) out.push_back(tools_[i].get());
    return out;
  }
  void Grow() {
    std::lock_guard lock(mu_);
    if (!grown_)
      tools_.push_back(std::make_unique<FakeTool>("srv.two", tools::ApprovalClass::kRead));
    grown_ = true;
  }

 private:
  std::mutex mu_;
  bool grown_ = false;
  std::vector<std::unique_ptr<FakeTool>> tools_;
};

// A registered tool that makes the source grow, as an MCP tool call can make its server add one.
class GrowTool final : public tools::Tool {
 public:
  explicit GrowTool(GrowingSource& source) : source_(source) {}
  std::string name() const override { return "grow"; }
  std::string description() const override { return "adds srv.two"; }
  const nlohmann::json& schema() const override { return QuerySchema(); }
  tools::ApprovalClass approval_class() const override { return tools::ApprovalClass::kRead; }
  tools::ToolResult Run(const nlohmann::json&, tools::ToolContext&) override {
    source_.Grow();
    return {"grown", false, {}};
  }

 private:
  GrowingSource& source_;
};

bool Offers(const LlmRequest& request, const std::string& name) {
  return std::any_of(request.tools.begin(), request.tools.end(),
                     [&](const agent::ToolSpec& s) { return s.name == name; });
}

TEST_CASE("a tool a source adds mid-session is offered to the next model call and runs",
          "[loop][mcp]") {
  LoopFixture f;
  auto source = std::make_shared<GrowingSource>();
  f.tools.Register(std::make_unique<GrowTool>(*source));
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  f.tools.AddSource(source);
  ScriptedProvider model([](int turn, const LlmRequest&) -> Result<Response> {
    if (turn == 1) return ScriptedProvider::Calls({Use("grow", "now")});
    if (turn == 2) return ScriptedProvider::Calls({Use("srv.two", "hello")});
    return ScriptedProvider::Calls({Use("submit_draft", "good draft")});
  });
  std::string id = f.NewSession();
  auto outcome = f.Run(model, id);

  REQUIRE(outcome.status == SessionStatus::kDone);
  REQUIRE(model.requests().size() == 3);
  CHECK(Offers(model.requests()[0], "srv.one"));
  CHECK_FALSE(Offers(model.requests()[0], "srv.two"));
  CHECK(Offers(model.requests()[1], "srv.two"));
  auto history = f.store.LoadHistory(id);
  REQUIRE(history);
  REQUIRE(history->steps.size() == 3);
  REQUIRE(history->steps[1].tool_calls.size() == 1);
  CHECK_FALSE(history->steps[1].tool_calls[0].is_error);
  CHECK(history->steps[1].tool_calls[0].result == "srv.two: hello");
}

TEST_CASE("a registered tool wins over a source's tool of the same name", "[loop][mcp]") {
  LoopFixture f;
  FakeTool& registered = f.AddTool("srv.one");
  auto source = std::make_shared<GrowingSource>();
  f.tools.AddSource(source);
  std::vector<tools::Tool*> listed = f.tools.List();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0] == &registered);
  CHECK(f.tools.Find("srv.one") == &registered);
  CHECK(f.tools.Registered().size() == 1);
  source->Grow();
  CHECK(f.tools.List().size() == 2);
  CHECK(f.tools.Find("srv.two") != nullptr);
  CHECK(f.tools.Find("srv.three") == nullptr);
}

}  // namespace
}  // namespace intern::testing
