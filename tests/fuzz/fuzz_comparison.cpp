// Fuzzes the comparison reader and validator (agent/comparison_json_read, comparison_validator):
// any JSON text as a model's submit_draft arguments and as a stored document, then the
// workflow's fills, Validate against a small ledger, the JSON writer and the Markdown renderer.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "agent/comparison_json.h"
#include "agent/comparison_markdown.h"
#include "agent/comparison_validator.h"
#include "tests/agent/comparison_fixture.h"

namespace {

void Exercise(intern::agent::Comparison comparison) {
  static const intern::agent::testing::FakeLedger ledger = intern::agent::testing::SampleLedger();
  intern::agent::EvidenceLookup lookup = ledger.Lookup();
  intern::agent::PrepareForValidation(comparison, lookup);
  auto problems = intern::agent::Validate(comparison, lookup);
  (void)intern::agent::FormatProblems(problems);
  (void)intern::agent::Storable(problems);
  std::string json = intern::agent::ComparisonToJson(comparison);
  // What was written must read back (the review gate edits and re-reads stored documents);
  // a document read with a wrong schema name keeps it, and is refused again, rightly.
  if (comparison.schema != intern::agent::kComparisonSchema) return;
  if (auto reread = intern::agent::ComparisonFromJson(json); !reread) {
    std::fprintf(stderr, "the written comparison does not read back: %s\n%s\n",
                 reread.message().c_str(), json.c_str());
    __builtin_trap();
  }
  (void)intern::agent::RenderMarkdown(comparison);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  // The reader of stored and reviewer-edited documents, from text.
  (void)intern::agent::ComparisonFromJson(text);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return 0;
  Exercise(intern::agent::ParseDraftSubmission(value).comparison);
  intern::agent::ParsedComparison stored = intern::agent::ParseComparison(value);
  Exercise(stored.comparison);
  return 0;
}
