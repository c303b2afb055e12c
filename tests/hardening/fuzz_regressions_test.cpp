// Inputs the fuzzers (tests/fuzz, scripts/fuzz) found to break something, kept as tests.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "agent/comparison_json.h"
#include "agent/providers/anthropic_wire.h"
#include "agent/providers/openai_wire.h"
#include "tools/http/sse_parser.h"
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

// Every event of `body` through `decoder`, then Finish, as the providers do.
Result<agent::Response> Decode(std::string_view body, agent::StreamDecoder& decoder) {
  SseParser parser;
  std::vector<SseEvent> events;
  REQUIRE(parser.Feed(body, events));
  for (const SseEvent& event : events) REQUIRE(decoder.OnEvent(event, [](std::string_view) {}));
  return decoder.Finish();
}

// fuzz_anthropic_stream and fuzz_openai_stream: a token count too large for an int64 (1e24) was
// cast from double to int64, which is undefined (UBSan stopped there; plain builds read garbage).
// Such a count is treated as absent, and so is a negative one (it would run the budget backwards).
TEST_CASE("a streamed token count too large for an integer, or negative, is read as absent",
          "[hardening][fuzz]") {
  agent::anthropic::StreamDecoderImpl anthropic;
  Result<agent::Response> a = Decode(
      "event: message_start\n"
      "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\","
      "\"usage\":{\"input_tokens\":1.666e32,\"output_tokens\":18446744073709551615,"
      "\"cache_read_input_tokens\":-5}}}\n\n"
      "event: message_delta\n"
      "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
      "\"usage\":{\"output_tokens\":7.9}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
      anthropic);
  REQUIRE(a.ok());
  CHECK(a.value().usage.input == 0);
  CHECK(a.value().usage.output == 7);
  CHECK(a.value().usage.cache_read == 0);  // a negative count is absent too

  agent::openai::StreamDecoderImpl openai;
  Result<agent::Response> o = Decode(
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
      "\"finish_reason\":\"stop\"}]}\n\n"
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1e24,\"completion_tokens\":-7,"
      "\"prompt_tokens_details\":{\"cached_tokens\":-1e300}}}\n\n"
      "data: [DONE]\n\n",
      openai);
  REQUIRE(o.ok());
  CHECK(o.value().usage.input == 0);
  CHECK(o.value().usage.output == 0);
}

}  // namespace
}  // namespace intern::tools
