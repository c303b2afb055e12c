#include "tools/registry.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "config/error.h"
#include "tools/schema_validator.h"

namespace intern::tools {
namespace {

using nlohmann::json;

// A tool whose Run echoes its (validated, defaulted) arguments, or throws on request.
class EchoTool : public Tool {
 public:
  std::string name() const override { return "echo"; }
  std::string description() const override { return "Echoes its arguments."; }
  const json& schema() const override {
    static const json kSchema = json::parse(R"({
      "type": "object",
      "properties": {
        "query": {"type": "string", "minLength": 1, "maxLength": 20},
        "k": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5},
        "mode": {"type": "string", "enum": ["fast", "full"]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
        "boom": {"type": "boolean"}
      },
      "required": ["query"]
    })");
    return kSchema;
  }
  ApprovalClass approval_class() const override { return ApprovalClass::kRead; }
  ToolResult Run(const json& args, ToolContext&) override {
    if (args.value("boom", false)) throw std::runtime_error("disk on fire");
    return {args.dump(), false, {}};
  }
};

class NullLedger : public EvidenceLedger {
 public:
  Result<std::string> Record(const EvidenceDraft&) override { return std::string("ev-1"); }
  std::optional<EvidenceRecord> Get(const std::string&) const override { return std::nullopt; }
};

struct Fixture {
  Fixture() { registry.Register(std::make_unique<EchoTool>()); }
  ToolResult Call(const std::string& args, const std::string& name = "echo") {
    return registry.Invoke(name, args, ctx);
  }
  ToolRegistry registry;
  NullLedger ledger;
  FakeClock clock;
  ToolContext ctx{ledger, clock, "s-test"};
};

TEST_CASE("valid arguments reach the tool with schema defaults filled in") {
  Fixture f;
  ToolResult r = f.Call(R"({"query":"gemma"})");
  REQUIRE_FALSE(r.is_error);
  CHECK(json::parse(r.content) == json::parse(R"({"query":"gemma","k":5})"));
}

TEST_CASE("bad tool arguments come back as errors the model can act on") {
  Fixture f;
  struct Case {
    const char* args;
    const char* message;
  };
  const Case cases[] = {
      {R"({"query": "x",)", "the arguments of echo are not valid JSON (at byte 15); send one JSON "
                           "object matching its schema"},
      {R"(["query"])", "the arguments of echo must be a JSON object, got array"},
      {R"({})", "invalid arguments for echo: missing required argument \"query\""},
      {R"({"query": 5})",
       "invalid arguments for echo: argument \"query\" must be a string, got the integer 5"},
      {R"({"query": ""})", "invalid arguments for echo: argument \"query\" must not be empty"},
      {R"({"query": "abcdefghijklmnopqrstuvwxyz"})",
       "invalid arguments for echo: argument \"query\" must be at most 20 characters long (got "
       "26)"},
      {R"({"query": "x", "k": "5"})",
       "invalid arguments for echo: argument \"k\" must be an integer, got the string \"5\""},
      {R"({"query": "x", "k": 2.5})",
       "invalid arguments for echo: argument \"k\" must be an integer, got the number 2.5"},
      {R"({"query": "x", "k": 0})",
       "invalid arguments for echo: argument \"k\" must be at least 1, got 0"},
      {R"({"query": "x", "k": 51})",
       "invalid arguments for echo: argument \"k\" must be at most 50, got 51"},
      {R"({"query": "x", "mode": "slow"})",
       "invalid arguments for echo: argument \"mode\" must be one of \"fast\", \"full\", got the "
       "string \"slow\""},
      {R"({"query": "x", "tags": ["a", 3]})",
       "invalid arguments for echo: argument \"tags[1]\" must be a string, got the integer 3"},
      {R"({"query": "x", "tags": ["a", "b", "c"]})",
       "invalid arguments for echo: argument \"tags\" must have at most 2 items, got 3"},
      {R"({"qeury": "x"})",
       "invalid arguments for echo: missing required argument \"query\"; unknown argument "
       "\"qeury\" (allowed: boom, k, mode, query, tags)"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    ToolResult r = f.Call(c.args);
    CHECK(r.is_error);
    CHECK(r.content == c.message);
  }
}

TEST_CASE("an empty argument string is taken as an empty object") {
  Fixture f;
  ToolResult r = f.Call("  ");
  CHECK(r.is_error);
  CHECK(r.content == "invalid arguments for echo: missing required argument \"query\"");
}

TEST_CASE("an unknown tool name lists the available tools") {
  Fixture f;
  ToolResult r = f.Call("{}", "ecko");
  CHECK(r.is_error);
  CHECK(r.content == "unknown tool \"ecko\" (available: echo)");
}

TEST_CASE("an exception escaping a tool becomes an error result, not a crash") {
  Fixture f;
  ToolResult r = f.Call(R"({"query":"x","boom":true})");
  CHECK(r.is_error);
  CHECK(r.content == "tool echo failed: disk on fire");
}

TEST_CASE("registering two tools with one name is refused") {
  Fixture f;
  CHECK_THROWS_WITH(f.registry.Register(std::make_unique<EchoTool>()),
                    "a tool named \"echo\" is already registered");
}

TEST_CASE("an integral float counts as an integer and a schema may allow extra fields") {
  json schema = json::parse(R"({"type":"object","properties":{"n":{"type":"integer"}},
                                "additionalProperties":true})");
  CHECK(ValidateAgainstSchema(json::parse(R"({"n": 3.0, "extra": 1})"), schema).empty());
}

}  // namespace
}  // namespace intern::tools

namespace intern::tools {
namespace {

TEST_CASE("length and item counts are enforced whether the schema stores them signed or not") {
  nlohmann::json schema = {{"type", "object"},
                           {"properties",
                            {{"ids", {{"type", "array"}, {"minItems", 2}}},
                             {"name", {{"type", "string"}, {"maxLength", 3}}}}}};
  REQUIRE(schema["properties"]["ids"]["minItems"].is_number_integer());
  CHECK(ValidateAgainstSchema(nlohmann::json::parse(R"({"ids": ["a"], "name": "abcd"})"), schema) ==
        std::vector<std::string>{
            "argument \"ids\" must have at least 2 items, got 1",
            "argument \"name\" must be at most 3 characters long (got 4)"});
}

}  // namespace
}  // namespace intern::tools
