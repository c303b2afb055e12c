// Fuzzes the one door of every tool call (tools/registry ParseToolArguments, which runs
// tools/schema_validator): any text a model could send as arguments, against the largest schema
// the agent offers (submit_draft) and a schema using every keyword the validator supports.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "agent/comparison_json.h"
#include "tools/registry.h"

namespace {

class SchemaOnlyTool final : public intern::tools::Tool {
 public:
  explicit SchemaOnlyTool(nlohmann::json schema) : schema_(std::move(schema)) {}
  std::string name() const override { return "probe"; }
  std::string description() const override { return "fuzz probe"; }
  const nlohmann::json& schema() const override { return schema_; }
  intern::tools::ApprovalClass approval_class() const override {
    return intern::tools::ApprovalClass::kRead;
  }
  intern::tools::ToolResult Run(const nlohmann::json&, intern::tools::ToolContext&) override {
    return {};
  }

 private:
  nlohmann::json schema_;
};

const nlohmann::json& EveryKeywordSchema() {
  static const nlohmann::json schema = nlohmann::json::parse(R"({
    "type": "object",
    "properties": {
      "name": {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^[a-z][a-z0-9-]*$"},
      "mode": {"type": "string", "enum": ["fast", "full"], "default": "fast"},
      "count": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
      "ratio": {"type": "number", "minimum": 0, "maximum": 1},
      "flag": {"type": "boolean"},
      "maybe": {"type": ["string", "null"]},
      "tags": {"type": "array", "items": {"type": "string", "maxLength": 8}, "minItems": 1,
               "maxItems": 4},
      "filters": {"type": "array", "items": {"type": "object",
                  "properties": {"field": {"type": "string"}, "value": {"type": "integer"}},
                  "required": ["field"]}},
      "extra": {"type": "object", "additionalProperties": true}
    },
    "required": ["name"],
    "additionalProperties": false
  })");
  return schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static SchemaOnlyTool every_keyword(EveryKeywordSchema());
  static SchemaOnlyTool submit_draft(intern::agent::SubmitDraftSchema());
  std::string arguments(reinterpret_cast<const char*>(data), size);
  for (const SchemaOnlyTool* tool : {&every_keyword, &submit_draft}) {
    intern::Result<nlohmann::json> parsed = intern::tools::ParseToolArguments(*tool, arguments);
    (void)parsed;
  }
  return 0;
}
