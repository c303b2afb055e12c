// The JSON Schema of the submit_draft tool's arguments (agent/comparison_json.h).
#include "agent/comparison_json.h"

namespace intern::agent {

using nlohmann::json;

const json& SubmitDraftSchema() {
  static const json schema = [] {
    json ids = {{"type", "array"},
                {"items", {{"type", "string"}}},
                {"description", "ledger ids (ev-…) of the evidence that supports this"}};
    json fact = {
        {"type", "object"},
        {"properties",
         {{"field",
           {{"type", "string"}, {"description", "use the same field names for both subjects"}}},
          {"value", {{"type", "string"}}},
          {"evidence_ids", ids}}},
        {"required", {"field", "value", "evidence_ids"}},
        {"additionalProperties", false}};
    json subject = {
        {"type", "object"},
        {"properties",
         {{"name", {{"type", "string"}}},
          {"tagline", {{"type", "string"}, {"description", "what it is best for, one line"}}},
          {"summary", {{"type", "string"}}},
          {"category", {{"type", "string"}}},
          {"kind", {{"type", "string"}}},
          {"organisation", {{"type", "string"}}},
          {"pricing",
           {{"type", "object"},
            {"properties",
             {{"model",
               {{"type", "string"}, {"enum", {"free", "open-source", "paid", "usage-based"}}}},
              {"entry", {{"type", "string"}}}}},
            {"required", {"model"}},
            {"additionalProperties", false}}},
          {"licence", {{"type", "string"}}},
          {"links",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties", {{"label", {{"type", "string"}}}, {"url", {{"type", "string"}}}}},
              {"required", {"url"}},
              {"additionalProperties", false}}}}},
          {"facts", {{"type", "array"}, {"items", fact}}}}},
        {"required", {"name", "tagline", "summary", "category", "pricing", "licence", "facts"}},
        {"additionalProperties", false}};
    json take = {
        {"type", "object"},
        {"description",
         "either {score, verdict, rationale, evidence_ids} or {abstain: true, abstain_reason}"},
        {"properties",
         {{"score", {{"type", "integer"}, {"minimum", 0}, {"maximum", 100}}},
          {"verdict", {{"type", "string"}, {"enum", {"ship", "skip"}}}},
          {"rationale", {{"type", "string"}}},
          {"exception",
           {{"type", "string"},
            {"description",
             "only when the verdict deliberately disagrees with the score "
             "(ship needs at least 60): the reason"}}},
          {"evidence_ids", ids},
          {"abstain", {{"type", "boolean"}}},
          {"abstain_reason", {{"type", "string"}}}}},
        {"additionalProperties", false}};
    json persona_take = {{"type", "object"},
                         {"properties",
                          {{"persona",
                            {{"type", "string"},
                             {"enum", {"builder", "skeptic", "futurist", "creator", "founder"}}}},
                           {"takes",
                            {{"type", "array"},
                             {"items", take},
                             {"minItems", 2u},
                             {"maxItems", 2u},
                             {"description", "one take per subject, in the order of subjects"}}}}},
                         {"required", {"persona", "takes"}},
                         {"additionalProperties", false}};
    json row = {{"type", "object"},
                {"properties",
                 {{"label", {{"type", "string"}}},
                  {"left", {{"type", "string"}}},
                  {"right", {{"type", "string"}}},
                  {"evidence_ids", ids}}},
                {"required", {"label", "left", "right"}},
                {"additionalProperties", false}};
    json benchmark = {{"type", "object"},
                      {"properties",
                       {{"subject", {{"type", "string"}}},
                        {"name", {{"type", "string"}}},
                        {"figures",
                         {{"type", "object"},
                          {"properties",
                           {{"median", {{"type", "number"}}},
                            {"min", {{"type", "number"}}},
                            {"max", {{"type", "number"}}},
                            {"unit", {{"type", "string"}}}}},
                          {"required", {"median", "min", "max", "unit"}},
                          {"additionalProperties", false}}},
                        {"receipt_id", {{"type", "string"}}},
                        {"evidence_ids", ids}}},
                      {"required", {"subject", "name", "figures", "receipt_id"}},
                      {"additionalProperties", false}};
    return json{
        {"type", "object"},
        {"properties",
         {{"title", {{"type", "string"}, {"description", "\"A vs B\""}}},
          {"question", {{"type", "string"}}},
          {"subjects", {{"type", "array"}, {"items", subject}, {"minItems", 2u}, {"maxItems", 2u}}},
          {"panel",
           {{"type", "array"},
            {"items", persona_take},
            {"minItems", 5u},
            {"maxItems", 5u},
            {"description", "builder, skeptic, futurist, creator and founder, each once"}}},
          {"decision",
           {{"type", "array"},
            {"items", row},
            {"description", "key numbers side by side (left = first subject)"}}},
          {"benchmarks",
           {{"type", "array"},
            {"items", benchmark},
            {"description", "only results measured with run_benchmark"}}}}},
        {"required", {"title", "question", "subjects", "panel"}},
        {"additionalProperties", false}};
  }();
  return schema;
}

}  // namespace intern::agent
