// Inputs the fuzzers (tests/fuzz, scripts/fuzz) found to break something, kept as tests.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "agent/comparison_json.h"
#include "tools/registry.h"
#include "tests/support/memory_ledger.h"

namespace intern::tools {
namespace {

class CountTool final : public Tool {
 public:
  std::string name() const override { return "count"; }
  std::string description() const override { return "takes a count"; }
  const nlohmann::json& schema() const override {
    static const nlohmann::json kSchema = {
        {"type", "object"},
        {"properties", {{"count", {{"type", "number"}}}}},
        {"additionalProperties", false}};
    return kSchema;
  }
  ApprovalClass approval_class() const override { return ApprovalClass::kRead; }
  ToolResult Run(const nlohmann::json&, ToolContext&) override { return {"ran", false, {}}; }
};

// fuzz_tool_arguments: nlohmann's parser reports a number that overflows a double with
// out_of_range, which escaped the registry (only parse_error was caught) and ended the session.
TEST_CASE("tool arguments with a number too large for a double are an error result, not a crash",
          "[hardening][fuzz]") {
  ToolRegistry registry;
  registry.Register(std::make_unique<CountTool>());
  testing::MemoryLedger ledger;
  FakeClock clock;
  ToolContext ctx{ledger, clock, "s-1"};
  ToolResult result = registry.Invoke("count", R"({"count": 1E34567})", ctx);
  CHECK(result.is_error);
  CHECK(result.content ==
        "the arguments of count hold a number too large to read; send one JSON object matching "
        "its schema");
  CHECK(registry.Invoke("count", R"({"count": 1E300})", ctx).content == "ran");
}

TEST_CASE("a comparison document with a number too large for a double is refused in one sentence",
          "[hardening][fuzz]") {
  Result<agent::Comparison> read = agent::ComparisonFromJson(R"({"cost": {"usd": 1E34567}})");
  REQUIRE_FALSE(read.ok());
  CHECK(read.code() == ErrorCode::kInvalidArgument);
  CHECK(read.message() ==
        "comparison JSON: [json.exception.out_of_range.406] number overflow parsing '1E34567'");
}

}  // namespace
}  // namespace intern::tools
