#pragma once
// A small, valid comparison and the ledger behind it, shared by the comparison tests.

#include <map>
#include <string>

#include "agent/comparison.h"
#include "agent/comparison_validator.h"
#include "tools/evidence.h"

namespace intern::agent::testing {

inline tools::EvidenceRecord Record(std::string id, std::string subject, std::string field,
                                    std::string value, std::string url, std::string title,
                                    std::string tool) {
  tools::EvidenceRecord r;
  r.id = std::move(id);
  r.session_id = "s-42";
  r.draft.subject = std::move(subject);
  r.draft.kind = field.empty() ? "page" : "fact";
  r.draft.field = std::move(field);
  r.draft.value = std::move(value);
  r.draft.source_url = std::move(url);
  r.draft.title = std::move(title);
  r.draft.quote = "";
  r.draft.tool = std::move(tool);
  r.retrieved_at = "2026-11-21T09:15:00Z";
  return r;
}

struct FakeLedger {
  std::map<std::string, tools::EvidenceRecord> records;

  void Add(tools::EvidenceRecord r) { records[r.id] = std::move(r); }
  EvidenceLookup Lookup() const {
    return [this](const std::string& id) -> std::optional<tools::EvidenceRecord> {
      auto it = records.find(id);
      if (it == records.end()) return std::nullopt;
      return it->second;
    };
  }
};

inline FakeLedger SampleLedger() {
  FakeLedger l;
  l.Add(Record("ev-1", "Gemma 3n", "licence", "Gemma terms of use",
               "https://ai.google.dev/gemma/terms", "Gemma Terms of Use", "catalog"));
  l.Add(Record("ev-2", "gemma-3n", "parameters", "5B raw (2B effective)",
               "https://huggingface.co/google/gemma-3n-E2B", "google/gemma-3n-E2B", "hub_lookup"));
  l.Add(Record("ev-3", "SmolVLM2", "licence", "Apache-2.0",
               "https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct",
               "HuggingFaceTB/SmolVLM2-2.2B-Instruct", "hub_lookup"));
  l.Add(Record("ev-4", "SmolVLM2", "parameters", "2.2B", "https://github.com/huggingface/smollm",
               "huggingface/smollm", "github_lookup"));
  l.Add(Record("ev-5", "", "", "Open VLM leaderboard", "https://example.org/leaderboard",
               "Open VLM Leaderboard", "fetch_page"));
  l.Add(Record("ev-6", "SmolVLM2", "", "decode speed", "sandbox:rcpt-7", "run_benchmark receipt",
               "run_benchmark"));
  return l;
}

inline SubjectTake Take(int score, Verdict verdict, std::string rationale,
                        std::vector<std::string> ids) {
  SubjectTake t;
  t.score = score;
  t.verdict = verdict;
  t.rationale = std::move(rationale);
  t.evidence_ids = std::move(ids);
  return t;
}

inline SubjectTake Abstain(std::string reason) {
  SubjectTake t;
  t.abstain = true;
  t.abstain_reason = std::move(reason);
  return t;
}

// A submitted draft before the workflow's fills (no verdicts, derived rows or evidence list).
inline Comparison SampleSubmission() {
  Comparison c;
  c.title = "Gemma 3n vs SmolVLM2";
  c.question = "Which small multimodal model should a phone app ship with?";
  c.generated_at = "2026-11-21T10:00:00Z";
  c.session = "s-42";
  c.provider = "anthropic";
  c.model = "claude-sonnet-4-5";
  c.cost = {0.42, 12345};
  Subject& a = c.subjects[0];
  a.name = "Gemma 3n";
  a.tagline = "Multimodal model that runs on a phone";
  a.summary = "Open-weight model family from Google DeepMind for on-device use.";
  a.category = "Developer Tools";
  a.kind = "model";
  a.organisation = "Google DeepMind";
  a.pricing = {"free", "Free (open weights)"};
  a.licence = "Gemma terms of use";
  a.links = {{"Model card", "https://huggingface.co/google/gemma-3n-E2B"}};
  a.facts = {{"licence", "Gemma terms of use", {"ev-1"}},
             {"parameters", "5B raw (2B effective)", {"ev-2"}}};
  Subject& b = c.subjects[1];
  b.name = "SmolVLM2";
  b.tagline = "Small vision-language model for video and images";
  b.summary = "A 2.2B vision-language model from Hugging Face.";
  b.category = "Developer Tools";
  b.kind = "model";
  b.organisation = "Hugging Face";
  b.pricing = {"open-source", "Free"};
  b.licence = "Apache-2.0";
  b.links = {{"GitHub", "https://github.com/huggingface/smollm"}};
  b.facts = {{"licence", "Apache-2.0", {"ev-3"}}, {"parameters", "2.2B", {"ev-4"}}};

  c.panel = {
      {Persona::kBuilder,
       {Take(84, Verdict::kShip, "Official tooling and open weights.", {"ev-2"}),
        Take(80, Verdict::kShip, "Four lines to a first answer.", {"ev-3"})}},
      {Persona::kSkeptic,
       {Take(78, Verdict::kShip, "Terms are readable.", {"ev-1"}),
        Take(55, Verdict::kSkip, "Two billion parameters is a ceiling.", {"ev-4"})}},
      {Persona::kFuturist,
       {Take(87, Verdict::kShip, "Edge inference is where this goes.", {}),
        Take(70, Verdict::kShip, "Video on small models matters.", {"ev-5"})}},
      {Persona::kCreator,
       {Take(45, Verdict::kSkip, "Needs an app around it.", {}),
        Abstain("no evidence about creative tools")}},
      {Persona::kFounder,
       {Abstain("no pricing evidence"),
        Take(65, Verdict::kShip, "Apache-2.0 is a moat.", {"ev-3"})}},
  };
  c.decision = {{"Parameters", "5B raw (2B effective)", "2.2B", {"ev-2", "ev-4"}}};
  c.benchmarks = {
      {"SmolVLM2", "decode speed, 128 tokens", {21.5, 20.1, 22.8, "tokens/s"}, "rcpt-7", {"ev-6"}}};
  return c;
}

// SampleSubmission after the workflow's fills.
inline Comparison SampleComparison() {
  Comparison c = SampleSubmission();
  FakeLedger ledger = SampleLedger();
  PrepareForValidation(c, ledger.Lookup());
  return c;
}

}  // namespace intern::agent::testing
