#pragma once
// JSON at the edge of the comparison document: the stored/published form of
// `intern.comparison/v1`, the reader for the model's `submit_draft` arguments, and the JSON Schema
// of those arguments.
//
// Reading is lenient in shape and exact in its complaints. Accepted variations: a number or
// boolean where text is expected (kept as its JSON text), `license` for `licence`, a score given
// as 84.0, "84" or "84/100" (rounded to an integer), verdicts in any letter case, evidence ids as
// one string ("ev-1" or "ev-1, ev-2") instead of a list, `abstain` as true (with
// `abstain_reason`) or as the reason itself, `takes` as a list in subject order or as an object
// keyed by subject name, `pricing` as a bare string (taken as the entry), links as bare URLs.
// Anything else that does not fit becomes one problem sentence naming its path
// ("subjects[1].facts[3].value must be text, got an object"), and reading goes on so every
// problem is reported at once. Range and consistency checks (scores 0-100, citations, parity)
// are the validator's job (agent/comparison_validator.h), not the reader's.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "agent/comparison.h"
#include "config/result.h"

namespace intern::agent {

struct ParsedComparison {
  Comparison comparison;              // what could be read; defaults where a field was unusable
  std::vector<std::string> problems;  // empty when the shape was fine
};

// The full document as JSON (every field, fixed key order within each object).
nlohmann::json ComparisonToJsonValue(const Comparison& comparison);
// ComparisonToJsonValue dumped with 2-space indent; invalid UTF-8 becomes U+FFFD.
std::string ComparisonToJson(const Comparison& comparison);

// Reads a full document (as stored or as edited by a reviewer). `schema` must be
// "intern.comparison/v1".
ParsedComparison ParseComparison(const nlohmann::json& value);
// Failure (kInvalidArgument) when `text` is not JSON ("comparison JSON: ...parser message") or
// has shape problems (all of them, joined with "; ").
Result<Comparison> ComparisonFromJson(std::string_view text);

// Reads the model's `submit_draft` arguments: title, question, subjects, panel, decision (key
// numbers), benchmarks. Fields the workflow owns (schema, generated_at, session, provider, model,
// cost, verdict, evidence, flags, override_comment) are ignored if present.
ParsedComparison ParseDraftSubmission(const nlohmann::json& arguments);

// JSON Schema of the `submit_draft` arguments, in the subset tools/schema_validator.h checks.
const nlohmann::json& SubmitDraftSchema();

}  // namespace intern::agent
