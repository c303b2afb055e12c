#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/clock.h"
#include "tests/support/fake_ledger.h"
#include "tests/support/fake_sandbox.h"
#include "tools/bench/run_benchmark_tool.h"

namespace intern::tools {
namespace {

using nlohmann::json;
using testing::FakeLedger;
using testing::FakeSandbox;

constexpr const char* kSpec = "name = \"b\"\ncommand = [\"run\"]\nrepetitions = 1\n";

BenchSpec InlineSpec() {
  auto spec = ParseBenchSpec(kSpec, "inline", "/");
  REQUIRE(spec.ok());
  return *spec;
}

struct AskerLog {
  std::vector<std::string> asked;
  bool answer = true;
  Asker asker() {
    return [this](const std::string& s) {
      asked.push_back(s);
      return answer;
    };
  }
};

}  // namespace

TEST_CASE("approval decision table", "[bench][approval]") {
  BenchSpec spec = InlineSpec();
  const std::string sha = "sha256:" + spec.text_sha256;
  struct Row {
    std::optional<BenchApprovalMode> mode;
    bool listed;
    bool tty;
    BenchApproval expected;
  };
  const Row rows[] = {
      {std::nullopt, false, true, BenchApproval::kAsk},
      {std::nullopt, false, false, BenchApproval::kDeny},
      {std::nullopt, true, false, BenchApproval::kRun},
      {std::nullopt, true, true, BenchApproval::kRun},
      {BenchApprovalMode::kAsk, false, true, BenchApproval::kAsk},
      {BenchApprovalMode::kAsk, false, false, BenchApproval::kDeny},
      {BenchApprovalMode::kAsk, true, false, BenchApproval::kRun},
      {BenchApprovalMode::kAuto, false, false, BenchApproval::kRun},
      {BenchApprovalMode::kAuto, false, true, BenchApproval::kRun},
      {BenchApprovalMode::kDeny, true, true, BenchApproval::kDeny},
      {BenchApprovalMode::kDeny, false, true, BenchApproval::kDeny},
  };
  for (const Row& row : rows) {
    BenchApprovalPolicy policy;
    policy.mode = row.mode;
    policy.is_tty = row.tty;
    if (row.listed) policy.allow = {sha};
    INFO("mode " << (row.mode ? static_cast<int>(*row.mode) : -1) << " listed " << row.listed
                 << " tty " << row.tty);
    CHECK(DecideBenchApproval(policy, spec).action == row.expected);
  }
}

TEST_CASE("denials say why and name the fix", "[bench][approval]") {
  BenchSpec spec = InlineSpec();
  BenchApprovalPolicy no_tty;
  CHECK(DecideBenchApproval(no_tty, spec).reason ==
        "not run: there is no terminal to ask for approval; the operator can list this spec in "
        "bench.allow or set bench.approval = auto");
  BenchApprovalPolicy deny;
  deny.mode = BenchApprovalMode::kDeny;
  CHECK(DecideBenchApproval(deny, spec).reason ==
        "not run: benchmarks are disabled (bench.approval = deny); the operator can set "
        "bench.approval to ask or auto");
}

TEST_CASE("the allow list matches spec files by path and inline specs by hash, never by name",
          "[bench][approval]") {
  namespace fs = std::filesystem;
  std::string path = fs::temp_directory_path() / "intern-bench-allow-test.toml";
  std::ofstream(path) << kSpec;
  auto from_file = LoadBenchSpec(path);
  fs::remove(path);
  REQUIRE(from_file.ok());
  BenchApprovalPolicy policy;
  policy.allow = {fs::temp_directory_path().string() + "/./intern-bench-allow-test.toml"};
  CHECK(DecideBenchApproval(policy, *from_file).action == BenchApproval::kRun);
  CHECK(DecideBenchApproval(policy, InlineSpec()).action == BenchApproval::kDeny);
  policy.allow = {"b"};  // the spec's name
  CHECK(DecideBenchApproval(policy, InlineSpec()).action == BenchApproval::kDeny);
}

TEST_CASE("run_benchmark asks on a terminal and runs only when the operator agrees",
          "[bench][tool]") {
  FakeSandbox sandbox;
  FakeLedger ledger;
  FakeClock clock;
  ToolContext ctx{ledger, clock, "session-1"};
  AskerLog log;
  BenchApprovalPolicy policy;
  policy.is_tty = true;
  RunBenchmarkTool tool(sandbox, policy, log.asker());
  CHECK(tool.approval_class() == ApprovalClass::kExecute);

  log.answer = false;
  ToolResult declined = tool.Run(json{{"spec_toml", kSpec}}, ctx);
  CHECK(declined.is_error);
  CHECK(declined.content == "not run: the operator declined the benchmark `b`");
  CHECK(sandbox.specs().empty());
  REQUIRE(log.asked.size() == 1);
  CHECK(log.asked[0] ==
        "run benchmark `b` in the sandbox: run (0 warm-up, 1 repetitions, timeout 60 s, memory "
        "2048 MiB, network none)");

  log.answer = true;
  ToolResult ran = tool.Run(json{{"spec_toml", kSpec}, {"subject", "Gemma 3n"}}, ctx);
  CHECK_FALSE(ran.is_error);
  CHECK(sandbox.specs().size() == 1);
  CHECK(ran.evidence_ids == std::vector<std::string>{"ev-1"});
}

TEST_CASE("run_benchmark without a terminal is denied unless allowed", "[bench][tool]") {
  FakeSandbox sandbox;
  FakeLedger ledger;
  FakeClock clock;
  ToolContext ctx{ledger, clock, "session-1"};
  AskerLog log;
  RunBenchmarkTool denied_tool(sandbox, BenchApprovalPolicy{}, log.asker());
  ToolResult denied = denied_tool.Run(json{{"spec_toml", kSpec}}, ctx);
  CHECK(denied.is_error);
  CHECK(denied.content.rfind("not run: there is no terminal", 0) == 0);
  CHECK(log.asked.empty());
  CHECK(sandbox.specs().empty());

  BenchApprovalPolicy allowed;
  allowed.allow = {"sha256:" + InlineSpec().text_sha256};
  RunBenchmarkTool allowed_tool(sandbox, allowed, log.asker());
  CHECK_FALSE(allowed_tool.Run(json{{"spec_toml", kSpec}}, ctx).is_error);
  CHECK(log.asked.empty());
  CHECK(sandbox.specs().size() == 1);
}

TEST_CASE("run_benchmark records the result with its receipt in the evidence ledger",
          "[bench][tool]") {
  FakeSandbox sandbox([](const sandbox::RunSpec&, int) -> Result<sandbox::RunResult> {
    sandbox::RunResult r;
    r.exit_code = 0;
    r.wall_seconds = 0.25;
    r.out.sha256 = "abc";
    return r;
  });
  FakeLedger ledger;
  FakeClock clock;
  ToolContext ctx{ledger, clock, "session-1"};
  BenchApprovalPolicy policy;
  policy.mode = BenchApprovalMode::kAuto;
  RunBenchmarkTool tool(sandbox, policy, nullptr);
  ToolResult r = tool.Run(json{{"spec_toml", kSpec}, {"subject", "SmolVLM2"}}, ctx);
  REQUIRE_FALSE(r.is_error);
  auto records = ledger.records();
  REQUIRE(records.size() == 1);
  const EvidenceDraft& d = records[0].draft;
  CHECK(d.subject == "SmolVLM2");
  CHECK(d.kind == "benchmark");
  CHECK(d.field == "b");
  CHECK(d.tool == "run_benchmark");
  CHECK(d.value == "wall median 0.25 s (min 0.25, max 0.25); cpu median 0 s (min 0, max 0); "
                   "peak_memory median 0 MiB (min 0, max 0)");
  CHECK(d.source_url.rfind("sandbox-receipt:sha256:", 0) == 0);
  json body = json::parse(d.body);
  CHECK(body["outcome"] == "ok");
  CHECK(body["receipt"]["command"] == "run");
  CHECK(body["receipt"]["stdout_sha256"] == json::array({"abc"}));
  CHECK(json::parse(r.content)["evidence_id"] == "ev-1");
}

TEST_CASE("a setup failure is reported to the model but not recorded as evidence",
          "[bench][tool]") {
  FakeSandbox sandbox([](const sandbox::RunSpec&, int) -> Result<sandbox::RunResult> {
    return Fail(ErrorCode::kInvalidArgument, "sandbox setup failed: exec `run`: No such file or directory");
  });
  FakeLedger ledger;
  FakeClock clock;
  ToolContext ctx{ledger, clock, "session-1"};
  BenchApprovalPolicy policy;
  policy.mode = BenchApprovalMode::kAuto;
  RunBenchmarkTool tool(sandbox, policy, nullptr);
  ToolResult r = tool.Run(json{{"spec_toml", kSpec}}, ctx);
  CHECK(r.is_error);
  CHECK(json::parse(r.content)["outcome"] == "setup_failed");
  CHECK(ledger.record_calls() == 0);
}

TEST_CASE("run_benchmark refuses arguments without exactly one spec", "[bench][tool]") {
  FakeSandbox sandbox;
  FakeLedger ledger;
  FakeClock clock;
  ToolContext ctx{ledger, clock, "session-1"};
  RunBenchmarkTool tool(sandbox, BenchApprovalPolicy{}, nullptr);
  CHECK(tool.Run(json::object(), ctx).content == "give exactly one of spec_path or spec_toml");
  CHECK(tool.Run(json{{"spec_path", "a"}, {"spec_toml", "b"}}, ctx).content ==
        "give exactly one of spec_path or spec_toml");
  CHECK(tool.Run(json{{"spec_toml", "name = 1"}}, ctx).content ==
        "bench spec inline: `name` must be a string");
  CHECK(tool.Run(json{{"spec_toml", "name = \"x\""}}, ctx).content ==
        "bench spec inline: `command` is required");
}

}  // namespace intern::tools
