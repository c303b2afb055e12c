// The pieces the offline researcher chains (DESIGN §8), end to end without I/O: ledger facts →
// rubric panel → key numbers → fills → validation → Markdown.
#include <catch2/catch.hpp>

#include "agent/comparison_markdown.h"
#include "agent/comparison_validator.h"
#include "agent/offline_rubric.h"
#include "tests/agent/comparison_fixture.h"

namespace intern::agent {
namespace {

using namespace std::chrono_literals;
using testing::FakeLedger;
using testing::Record;

std::vector<tools::EvidenceRecord> OfflineRecords() {
  return {
      Record("ev-1", "Gemma 3n", "licence", "Gemma", "https://ai.google.dev/gemma/terms",
             "Gemma Terms of Use", "catalog"),
      Record("ev-2", "Gemma 3n", "modalities", "text, image, audio",
             "https://huggingface.co/google/gemma-3n-E2B", "google/gemma-3n-E2B", "hub_lookup"),
      Record("ev-3", "Gemma 3n", "downloads", "310,000",
             "https://huggingface.co/google/gemma-3n-E2B", "google/gemma-3n-E2B", "hub_lookup"),
      Record("ev-4", "Gemma 3n", "on_device", "yes", "https://ai.google.dev/gemma/docs/gemma-3n",
             "Gemma 3n overview", "catalog"),
      Record("ev-5", "Gemma 3n", "pricing", "free", "https://ai.google.dev/gemma/docs/gemma-3n",
             "Gemma 3n overview", "catalog"),
      Record("ev-6", "Gemma 3n", "organisation", "Google DeepMind",
             "https://ai.google.dev/gemma/docs/gemma-3n", "Gemma 3n overview", "catalog"),
      Record("ev-7", "SmolVLM2", "licence", "Apache-2.0",
             "https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct", "SmolVLM2 card",
             "hub_lookup"),
      Record("ev-8", "SmolVLM2", "modalities", "text, image, video",
             "https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct", "SmolVLM2 card",
             "hub_lookup"),
      Record("ev-9", "SmolVLM2", "downloads", "95,000",
             "https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct", "SmolVLM2 card",
             "hub_lookup"),
      Record("ev-10", "SmolVLM2", "on_device", "yes", "https://huggingface.co/blog/smolvlm2",
             "SmolVLM2 blog post", "fetch_page"),
      Record("ev-11", "SmolVLM2", "pricing", "open-source", "https://github.com/huggingface/smollm",
             "huggingface/smollm", "github_lookup"),
      Record("ev-12", "SmolVLM2", "organisation", "Hugging Face",
             "https://github.com/huggingface/smollm", "huggingface/smollm", "github_lookup"),
  };
}

Subject SubjectFrom(const RubricFacts& facts, std::string pricing, std::string licence) {
  Subject s;
  s.name = facts.name;
  s.facts = facts.facts;
  s.pricing = {std::move(pricing), ""};
  s.licence = std::move(licence);
  return s;
}

TEST_CASE("an offline draft built from ledger facts passes validation and says who wrote it") {
  std::vector<tools::EvidenceRecord> records = OfflineRecords();
  FakeLedger ledger;
  for (const tools::EvidenceRecord& r : records) ledger.Add(r);
  RubricFacts a = RubricFactsFromLedger("Gemma 3n", records);
  RubricFacts b = RubricFactsFromLedger("SmolVLM2", records);

  Comparison c;
  c.title = "Gemma 3n vs SmolVLM2";
  c.provider = std::string(kOfflineProvider);
  c.generated_at = "2026-11-21T10:00:00Z";
  c.session = "s-7";
  c.subjects[0] = SubjectFrom(a, "free", "Gemma");
  c.subjects[1] = SubjectFrom(b, "open-source", "Apache-2.0");
  c.panel = ScorePanel(a, b, std::chrono::sys_days{2026y / 11 / 21});
  c.decision = KeyNumberRows(c, {"downloads", "modalities"});
  PrepareForValidation(c, ledger.Lookup());

  CHECK(Validate(c, ledger.Lookup()).empty());
  CHECK_FALSE(c.flags.one_sided);
  // Gemma 3n: skeptic 49, futurist 73, creator 75, founder 58. SmolVLM2: skeptic 59,
  // futurist 69, creator 75, founder 75. The builder abstains on both.
  CHECK(c.verdict[0].label == "Split · 2 ship / 2 skip");
  CHECK(c.verdict[1].label == "Ship · 3 ship / 1 skip");
  CHECK(c.panel[1].takes[0].score == 49);
  CHECK(c.panel[4].takes[0].score == 58);
  CHECK(c.panel[1].takes[1].score == 59);
  CHECK(c.panel[2].takes[1].score == 69);
  CHECK(c.panel[1].takes[1].rationale ==
        "Skips at 59: licence Apache-2.0 (open) and 6 ledger records fall short of 60.");
  CHECK(c.panel[1].takes[0].rationale ==
        "Skips at 49: licence Gemma (restricted) weighs against it; 6 ledger records and 3 "
        "distinct sources do not make up for it.");
  CHECK(c.panel[3].takes[0].signals[0] == "media: handles image, audio +15");
  CHECK(c.panel[0].takes[0].abstain);  // the builder has no docs, build or activity facts
  CHECK(c.panel[0].takes[0].abstain_reason ==
        "the evidence reaches only 1 of the builder's 7 signals (missing docs, installability, "
        "activity, recency, integrations and contributors)");

  std::string md = RenderMarkdown(c);
  CHECK(md.find("| Downloads [1][2] | 310,000 | 95,000 |\n") != std::string::npos);
  CHECK(md.find("| Builder | no panel take | no panel take |\n") != std::string::npos);
  CHECK(md.find("Written by intern's offline researcher: no language model wrote this draft.") !=
        std::string::npos);
}

}  // namespace
}  // namespace intern::agent
