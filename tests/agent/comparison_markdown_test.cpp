#include "agent/comparison_markdown.h"

#include <catch2/catch.hpp>

#include "tests/agent/comparison_fixture.h"

namespace intern::agent {
namespace {

using testing::Abstain;
using testing::FakeLedger;
using testing::SampleComparison;
using testing::SampleLedger;
using testing::Take;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_CASE("a small comparison renders to the exact Markdown") {
  const std::string expected = R"md(# Gemma 3n vs SmolVLM2

**Question:** Which small multimodal model should a phone app ship with?

## Decision

| | Gemma 3n | SmolVLM2 |
|---|---|---|
| Panel verdict | Ship · 3 ship / 1 skip | Ship · 3 ship / 1 skip |
| Panel ship | 75% | 75% |
| Pricing | Free (open weights) | Free |
| Best for | Multimodal model that runs on a phone | Small vision-language model for video and images |
| Category | Developer Tools | Developer Tools |
| Licence | Gemma terms of use | Apache-2.0 |
| Parameters [1][2] | 5B raw (2B effective) | 2.2B |

## Gemma 3n

*Multimodal model that runs on a phone*

Open-weight model family from Google DeepMind for on-device use.

Category: Developer Tools · Kind: model · Organisation: Google DeepMind

Links: Model card <https://huggingface.co/google/gemma-3n-E2B>

- **licence**: Gemma terms of use [3]
- **parameters**: 5B raw (2B effective) [1]

## SmolVLM2

*Small vision-language model for video and images*

A 2.2B vision-language model from Hugging Face.

Category: Developer Tools · Kind: model · Organisation: Hugging Face

Links: GitHub <https://github.com/huggingface/smollm>

- **licence**: Apache-2.0 [4]
- **parameters**: 2.2B [2]

## Scorecard

| Persona | Gemma 3n | SmolVLM2 |
|---|---|---|
| Builder | 84/100 · ship | 80/100 · ship |
| Skeptic | 78/100 · ship | 55/100 · skip |
| Futurist | 87/100 · ship | 70/100 · ship |
| Creator | 45/100 · skip | no panel take |
| Founder | no panel take | 65/100 · ship |

## Panel

### Builder

**Gemma 3n — 84/100 · ship.** Official tooling and open weights. [1]

**SmolVLM2 — 80/100 · ship.** Four lines to a first answer. [4]

### Skeptic

**Gemma 3n — 78/100 · ship.** Terms are readable. [3]

**SmolVLM2 — 55/100 · skip.** Two billion parameters is a ceiling. [2]

### Futurist

**Gemma 3n — 87/100 · ship.** Edge inference is where this goes.

**SmolVLM2 — 70/100 · ship.** Video on small models matters. [5]

### Creator

**Gemma 3n — 45/100 · skip.** Needs an app around it.

**SmolVLM2 — no panel take:** no evidence about creative tools

### Founder

**Gemma 3n — no panel take:** no pricing evidence

**SmolVLM2 — 65/100 · ship.** Apache-2.0 is a moat. [4]

## Measured in our sandbox

Run by intern in its sandbox, kept apart from the vendors' own figures above.

| Subject | Benchmark | Median | Min | Max | Receipt |
|---|---|---|---|---|---|
| SmolVLM2 | decode speed, 128 tokens | 21.5 tokens/s | 20.1 tokens/s | 22.8 tokens/s | rcpt-7 [6] |

## Evidence

[1]: <https://huggingface.co/google/gemma-3n-E2B> — google/gemma-3n-E2B, retrieved 2026-11-21, via hub_lookup

[2]: <https://github.com/huggingface/smollm> — huggingface/smollm, retrieved 2026-11-21, via github_lookup

[3]: <https://ai.google.dev/gemma/terms> — Gemma Terms of Use, retrieved 2026-11-21, via catalog

[4]: <https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct> — HuggingFaceTB/SmolVLM2-2.2B-Instruct, retrieved 2026-11-21, via hub_lookup

[5]: <https://example.org/leaderboard> — Open VLM Leaderboard, retrieved 2026-11-21, via fetch_page

[6]: sandbox:rcpt-7 — run_benchmark receipt, retrieved 2026-11-21, via run_benchmark

---

*Generated 2026-11-21T10:00:00Z. Written by anthropic / claude-sonnet-4-5. Cost $0.42 (12,345 tokens). Session s-42.*
)md";
  CHECK(RenderMarkdown(SampleComparison()) == expected);
}

// The sample with everything optional switched on: offline provider, signals, an exception,
// flags, no benchmarks, hostile text from a model.
Comparison LargerComparison() {
  Comparison c = SampleComparison();
  c.provider = std::string(kOfflineProvider);
  c.model = "";
  c.cost = {0.0, 0};
  c.subjects[0].summary = "Fast | small <script>alert(1)</script> model";
  c.subjects[1].summary = "[1]: <https://evil.example/> hijack";
  c.subjects[0].facts[1].value = "5B | 2B effective";
  c.subjects[0].tagline = "![pixel](https://tracker.example/p.gif) [click](javascript:alert(1))";
  c.subjects[1].links.push_back({"Docs", "javascript:alert(1)"});
  c.panel[1].takes[1] = Take(55, Verdict::kShip, "Line one\n# not a heading <b>bold</b>", {"ev-4"});
  c.panel[1].takes[1].exception = "the only small model with video";
  c.panel[1].takes[1].signals = {"licence openness: licence Apache-2.0 (open) +12",
                                 "recency: last commit 400 days ago -10"};
  c.panel[3].takes[1] = Abstain("no evidence about creative tools");
  c.panel[2].takes[1].evidence_ids = {"ev-5", "ev-4", "ev-5", "ev-404"};
  c.benchmarks.clear();
  c.flags.over_budget = true;
  c.flags.notes = {"GitHub was unreachable"};
  c.override_comment = "reviewed the licence by hand";
  FakeLedger ledger = SampleLedger();
  PrepareForValidation(c, ledger.Lookup());
  c.flags.one_sided = true;  // as if the parity check had failed
  c.flags.gaps = {"SmolVLM2: no downloads fact"};
  return c;
}

TEST_CASE("model text cannot inject HTML, break a table or define citation links") {
  std::string md = RenderMarkdown(LargerComparison());
  CHECK_FALSE(Contains(md, "<script>"));
  CHECK_FALSE(Contains(md, "<b>"));
  CHECK(Contains(md, "Fast | small &lt;script&gt;alert(1)&lt;/script&gt; model\n"));
  CHECK(Contains(md, "| Parameters [1][2] | 5B raw (2B effective) | 2.2B |\n"));
  CHECK(Contains(md, "- **parameters**: 5B | 2B effective [1]\n"));
  CHECK(Contains(md, "\n\\[1]: &lt;https://evil.example/&gt; hijack\n"));
  CHECK(
      Contains(md, "*![pixel]\\(https://tracker.example/p.gif) [click]\\(javascript:alert(1))*\n"));
  CHECK(Contains(
      md,
      "| Best for | ![pixel]\\(https://tracker.example/p.gif) [click]\\(javascript:alert(1)) |"));
  CHECK(Contains(md, "Line one # not a heading &lt;b&gt;bold&lt;/b&gt; [2]"));
  CHECK(Contains(
      md, "Links: GitHub <https://github.com/huggingface/smollm> · Docs javascript:alert(1)\n"));
}

TEST_CASE("a table cell escapes pipes and backslashes and folds line breaks") {
  CHECK(MarkdownCell("a|b\\c\r\nd<e>") == "a\\|b\\\\c d&lt;e&gt;");
  CHECK(MarkdownText("x < y > z | w") == "x &lt; y &gt; z | w");
  Comparison c = SampleComparison();
  c.decision.back().left = "5B | 2B";
  CHECK(Contains(RenderMarkdown(c), "| Parameters [1][2] | 5B \\| 2B | 2.2B |\n"));
}

TEST_CASE("an offline draft says no language model wrote it") {
  std::string md = RenderMarkdown(LargerComparison());
  CHECK(Contains(md,
                 "\n---\n\n*Generated 2026-11-21T10:00:00Z. Written by intern's offline "
                 "researcher: no language model wrote this draft. Cost $0.00 (0 tokens). "
                 "Session s-42.*\n"));
}

TEST_CASE("flags, exceptions and rubric signals are shown plainly") {
  std::string md = RenderMarkdown(LargerComparison());
  CHECK(Contains(md,
                 "## Flags\n\n"
                 "- **One-sided:** the evidence does not cover both tools comparably; approving "
                 "this draft needs an override comment.\n"
                 "- **Gaps:** SmolVLM2: no downloads fact.\n"
                 "- **Over budget:** research stopped at the session's budget; the draft may be "
                 "incomplete.\n"
                 "- GitHub was unreachable\n"
                 "- **Override:** reviewed the licence by hand\n\n"));
  CHECK(Contains(md, "**SmolVLM2 — 55/100 · ship.** Line one"));
  CHECK(Contains(md, "**SmolVLM2 — 70/100 · ship.** Video on small models matters. [2][5]\n"));
  CHECK(Contains(md, "*Verdict differs from the score:* the only small model with video\n"));
  CHECK(Contains(md,
                 "Signals:\n\n- licence openness: licence Apache-2.0 (open) +12\n"
                 "- recency: last commit 400 days ago -10\n"));
  CHECK(Contains(md, "| Skeptic | 78/100 · ship | 55/100 · ship |\n"));
}

TEST_CASE("without benchmarks the sandbox section says nothing was measured") {
  std::string md = RenderMarkdown(LargerComparison());
  CHECK(Contains(md,
                 "## Measured in our sandbox\n\nNothing was measured in the sandbox for "
                 "this comparison; every figure above is a published claim with its "
                 "source.\n\n"));
  CHECK_FALSE(Contains(md, "| Subject | Benchmark |"));
}

TEST_CASE("benchmark figures read as plain numbers with their unit and receipt") {
  Comparison c = SampleComparison();
  c.benchmarks = {{"Gemma 3n", "peak memory", {1048576, 1000000, 1100000.25, "KiB"}, "rcpt-1", {}},
                  {"SmolVLM2", "first token", {0.00123, 0.001, 0.5, "s"}, "rcpt-2", {"ev-6"}}};
  std::string md = RenderMarkdown(c);
  CHECK(Contains(md,
                 "| Gemma 3n | peak memory | 1,048,576 KiB | 1,000,000 KiB | 1100000.25 KiB | "
                 "rcpt-1 |\n"));
  CHECK(Contains(md, "| SmolVLM2 | first token | 0.00123 s | 0.001 s | 0.5 s | rcpt-2 [6] |\n"));
}

TEST_CASE("a draft with nothing flagged has no flags section") {
  CHECK_FALSE(Contains(RenderMarkdown(SampleComparison()), "## Flags"));
}

}  // namespace
}  // namespace intern::agent
