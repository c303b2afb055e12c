#pragma once
// Shared pieces of the agent loop tests: small fake tools, a blocking-free latch pair, and a
// fixture holding a real store in a temporary folder, a FakeClock and a recording progress sink.

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "agent/approval.h"
#include "agent/loop.h"
#include "agent/models.h"
#include "agent/progress.h"
#include "config/clock.h"
#include "sessions/store.h"
#include "tests/sessions/store_test_support.h"
#include "tests/support/scripted_provider.h"
#include "tools/registry.h"

namespace intern::testing {

inline const nlohmann::json& QuerySchema() {
  static const nlohmann::json kSchema = nlohmann::json::parse(R"({
    "type": "object",
    "properties": {"q": {"type": "string"}},
    "required": ["q"]
  })");
  return kSchema;
}

// A tool that answers "<name>: <q>" (or `fixed_result` when set), records one fact per distinct
// query when `record_evidence`, counts its runs and, when `marker_file` is set, appends
// "<q>\n" to it before answering (O_APPEND: survives a SIGKILL of the process).
class FakeTool final : public tools::Tool {
 public:
  FakeTool(std::string name, tools::ApprovalClass approval, bool record_evidence = true)
      : name_(std::move(name)), approval_(approval), record_evidence_(record_evidence) {}
  std::string name() const override { return name_; }
  std::string description() const override { return "fake tool " + name_; }
  const nlohmann::json& schema() const override { return QuerySchema(); }
  tools::ApprovalClass approval_class() const override { return approval_; }
  tools::ToolResult Run(const nlohmann::json& args, tools::ToolContext& ctx) override {
    runs_.fetch_add(1);
    std::string q = args.at("q").get<std::string>();
    if (!marker_file_.empty()) {
      int fd = ::open(marker_file_.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
      std::string line = q + "\n";
      if (fd >= 0) {
        (void)!::write(fd, line.data(), line.size());
        ::close(fd);
      }
    }
    tools::ToolResult result;
    result.content = fixed_result_.empty() ? name_ + ": " + q : fixed_result_;
    if (q.rfind("fail", 0) == 0) return tools::ToolResult::Error(name_ + " failed for " + q);
    if (record_evidence_) {
      auto id = ctx.ledger.Record(tools::EvidenceDraft{
          "Subject", "fact", "answer", q, "https://example.test/" + q, q, q, "", name_});
      if (id.ok()) result.evidence_ids.push_back(id.value());
    }
    return result;
  }
  int runs() const { return runs_.load(); }
  void set_marker_file(std::string path) { marker_file_ = std::move(path); }
  void set_fixed_result(std::string text) { fixed_result_ = std::move(text); }

 private:
  std::string name_;
  tools::ApprovalClass approval_;
  bool record_evidence_;
  std::atomic<int> runs_{0};
  std::string marker_file_;
  std::string fixed_result_;
};

// submit_draft: accepts any draft except one containing "bad" (an error result the model must
// fix).
class FakeSubmitDraft final : public tools::Tool {
 public:
  std::string name() const override { return "submit_draft"; }
  std::string description() const override { return "submit the comparison draft"; }
  const nlohmann::json& schema() const override { return QuerySchema(); }
  tools::ApprovalClass approval_class() const override { return tools::ApprovalClass::kRead; }
  tools::ToolResult Run(const nlohmann::json& args, tools::ToolContext&) override {
    std::string draft = args.at("q").get<std::string>();
    if (draft.find("bad") != std::string::npos) {
      return tools::ToolResult::Error("draft rejected: a fact has no evidence");
    }
    return tools::ToolResult{"draft accepted", false, {}};
  }
};

// Two of these that share a Rendezvous each arrive and wait (with a deadline) for the other:
// they only both succeed when they run at the same time.
struct Rendezvous {
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
};

class RendezvousTool final : public tools::Tool {
 public:
  RendezvousTool(std::string name, Rendezvous& r) : name_(std::move(name)), r_(r) {}
  std::string name() const override { return name_; }
  std::string description() const override { return "waits for its partner"; }
  const nlohmann::json& schema() const override { return QuerySchema(); }
  tools::ApprovalClass approval_class() const override { return tools::ApprovalClass::kRead; }
  tools::ToolResult Run(const nlohmann::json&, tools::ToolContext&) override {
    std::unique_lock lock(r_.mu);
    ++r_.arrived;
    r_.cv.notify_all();
    bool met = r_.cv.wait_for(lock, std::chrono::seconds(5), [&] { return r_.arrived >= 2; });
    return tools::ToolResult{met ? "met" : "partner never came", !met, {}};
  }

 private:
  std::string name_;
  Rendezvous& r_;
};

// Records which tools it was asked about, and answers `verdict`.
class RecordingApproval final : public agent::ApprovalPolicy {
 public:
  explicit RecordingApproval(agent::ApprovalVerdict verdict) : verdict_(verdict) {}
  agent::ApprovalVerdict Decide(const tools::Tool& tool, const std::string&,
                                const std::string& description) override {
    asked.push_back(tool.name() + " | " + description);
    return verdict_;
  }
  std::vector<std::string> asked;

 private:
  agent::ApprovalVerdict verdict_;
};

inline agent::ModelCatalog TestModels() {
  auto catalog = agent::ModelCatalog::Parse(R"(
[fallback]
context_window = 32768
max_output = 4096

[models.test-model]
provider = "test"
context_window = 4000
max_output = 1000
input = 1000.0
output = 1000.0

[models.test-cheap]
provider = "test"
context_window = 4000
max_output = 1000
input = 1.0
output = 1.0
)",
                                            "test models");
  return catalog.value();
}

inline agent::ToolUseBlock Use(std::string name, std::string q) {
  return agent::ToolUseBlock{"", std::move(name), nlohmann::json{{"q", q}}.dump()};
}

struct LoopFixture {
  LoopFixture() : store(sessions::Store::Open(dir.path() / "intern.db", {&clock})) {
    options.model = "test-model";
    options.compaction_model = "test-cheap";
    options.provider_name = "scripted";
    options.task_prompt = "Compare A and B.";
    options.max_iterations = 20;
    options.parallel_tools = 4;
  }

  std::string NewSession(sessions::SessionCaps caps = {}) {
    sessions::Session s;
    s.kind = "compare";
    s.title = "A vs B";
    s.caps = caps;
    return store.CreateSession(s).id;
  }

  agent::LoopOutcome Run(agent::LlmProvider& provider, const std::string& id,
                         agent::LlmProvider* compaction = nullptr) {
    agent::LoopDeps deps{provider, compaction, tools,    store,     clock,
                         models,   approval,   progress, &interrupt};
    return agent::RunSession(deps, options, id);
  }

  FakeTool& AddTool(std::string name, tools::ApprovalClass approval = tools::ApprovalClass::kRead,
                    bool record_evidence = true) {
    auto tool = std::make_unique<FakeTool>(std::move(name), approval, record_evidence);
    FakeTool& ref = *tool;
    tools.Register(std::move(tool));
    return ref;
  }

  sessions::testing::TempDir dir;
  FakeClock clock;
  sessions::Store store;
  tools::ToolRegistry tools;
  agent::ModelCatalog models = TestModels();
  RecordingApproval approval{agent::ApprovalVerdict::kAllow};
  agent::RecordingProgress progress;
  std::atomic<int> interrupt{0};
  agent::LoopOptions options;
};

}  // namespace intern::testing
