// catalog_facts and submit_draft against a real in-memory store.
#include "agent/workflow_tools.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "agent/comparison.h"
#include "agent/comparison_json.h"
#include "agent/providers/offline_provider.h"
#include "config/catalog.h"
#include "config/clock.h"
#include "sessions/store.h"
#include "tools/registry.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

struct Bench {
  FakeClock clock;
  sessions::Store store = sessions::Store::OpenInMemory();
  config::Catalog catalog = config::Catalog::Embedded();
  std::string session_id;
  tools::ToolRegistry registry;

  Bench() {
    sessions::Session s;
    s.kind = "compare";
    session_id = store.CreateSession(s).id;
    registry.Register(std::make_unique<CatalogFactsTool>(catalog));
    registry.Register(
        std::make_unique<SubmitDraftTool>(store, catalog, DraftStamp{"offline", "offline"}));
  }
  tools::ToolResult Call(const std::string& tool, const nlohmann::json& args) {
    tools::StoreLedger ledger(store, session_id);
    tools::ToolContext ctx{ledger, clock, session_id, nullptr};
    return registry.Invoke(tool, args.dump(), ctx);
  }
  std::vector<tools::EvidenceRecord> Records() {
    tools::StoreLedger ledger(store, session_id);
    std::vector<tools::EvidenceRecord> out;
    for (const auto& r : store.ListEvidence(session_id)) out.push_back(*ledger.Get(r.id));
    return out;
  }
  Comparison Draft(const char* a, const char* b) {
    const config::CatalogEntry* ea = catalog.FindById(a);
    const config::CatalogEntry* eb = catalog.FindById(b);
    return OfflineComparison(*ea, *eb, Records(),
                             std::chrono::floor<std::chrono::days>(clock.Now()), {});
  }
};

TEST_CASE("catalog_facts records every dated fact with its source plus the entry's fields",
          "[workflow_tools]") {
  Bench b;
  tools::ToolResult r = b.Call("catalog_facts", {{"subject", "smolvlm 2"}});
  REQUIRE_FALSE(r.is_error);
  // kind, category, organisation, licence, pricing, docs, on_device + 6 dated facts.
  CHECK(r.evidence_ids.size() == 13);
  auto records = b.Records();
  REQUIRE(records.size() == 13);
  CHECK(records[3].draft.subject == "SmolVLM2");
  CHECK(records[3].draft.field == "licence");
  CHECK(records[3].draft.value == "Apache-2.0");
  CHECK(records[3].draft.source_url == "https://huggingface.co/blog/smolvlm2");
  CHECK(records[5].draft.field == "docs");
  CHECK(records[5].draft.value == "https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct");
  CHECK(records[6].draft.field == "on_device");
  CHECK(records[6].draft.value == "yes");
  CHECK(records[7].draft.field == "parameters");
  CHECK(records[7].draft.source_url == "https://github.com/huggingface/blog/pull/2691");
  CHECK(records[7].draft.quote == "parameters: 2.2B, 500M and 256M variants (checked 2026-11-21)");
  CHECK(r.content.rfind("SmolVLM2 — 13 rows recorded from the catalog:\n", 0) == 0);
}

TEST_CASE("catalog_facts on a name the catalog does not know is an error the model can read",
          "[workflow_tools]") {
  Bench b;
  tools::ToolResult r = b.Call("catalog_facts", {{"subject", "Zyxwvut Frobnicator"}});
  CHECK(r.is_error);
  CHECK(r.content.rfind("no catalog entry matches \"Zyxwvut Frobnicator\"; use the name the task "
                        "gave",
                        0) == 0);
}

TEST_CASE("submit_draft rejects a dangling citation, then stores the corrected draft",
          "[workflow_tools]") {
  Bench b;
  b.Call("catalog_facts", {{"subject", "Gemma 3n"}});
  b.Call("catalog_facts", {{"subject", "SmolVLM2"}});
  Comparison good = b.Draft("gemma-3n", "smolvlm2");
  Comparison bad = good;
  bad.subjects[1].facts[0].evidence_ids = {"ev-999"};

  tools::ToolResult rejected = b.Call("submit_draft", SubmissionArguments(bad));
  CHECK(rejected.is_error);
  CHECK(rejected.content ==
        "The draft was not stored. Fix these problems and call submit_draft again:\n"
        "- subjects[1].facts[0].evidence_ids: ev-999 is not in the ledger\n");
  CHECK(b.store.ListDrafts().empty());

  tools::ToolResult accepted = b.Call("submit_draft", SubmissionArguments(good));
  REQUIRE_FALSE(accepted.is_error);
  auto drafts = b.store.ListDrafts();
  REQUIRE(drafts.size() == 1);
  CHECK(accepted.content == "Draft " + drafts[0].id + " stored for review (pending_review).");
  CHECK(drafts[0].status == sessions::DraftStatus::kPendingReview);
  CHECK(drafts[0].title == "Gemma 3n vs SmolVLM2");
  CHECK(drafts[0].flags == std::vector<std::string>{"offline"});
  Comparison stored = ComparisonFromJson(drafts[0].document).value();
  CHECK(stored.session == b.session_id);
  CHECK(stored.provider == "offline");
  CHECK(stored.generated_at == "2026-01-01T00:00:00Z");
  CHECK(stored.flags.notes.front() == kOfflineDisclaimer);
  CHECK(stored.panel.size() == 5);
}

TEST_CASE("submit_draft stores a one-sided draft with the one_sided flag and says why",
          "[workflow_tools]") {
  Bench b;
  b.Call("catalog_facts", {{"subject", "Gemma 3n"}});
  b.Call("catalog_facts", {{"subject", "SmolVLM2"}});
  Comparison doc = b.Draft("gemma-3n", "smolvlm2");
  // Keep only one fact for the second subject, citing a single source.
  doc.subjects[1].facts.resize(1);
  doc.subjects[1].facts[0].field = "licence";
  doc.subjects[1].facts[0].value = "Apache-2.0";
  for (const auto& r : b.Records()) {
    if (r.draft.subject == "SmolVLM2" && r.draft.field == "licence") {
      doc.subjects[1].facts[0].evidence_ids = {r.id};
    }
  }
  for (auto& take : doc.panel) {
    take.takes[1] = SubjectTake{};
    take.takes[1].abstain = true;
    take.takes[1].abstain_reason = "not enough evidence";
  }
  doc.decision.clear();
  tools::ToolResult r = b.Call("submit_draft", SubmissionArguments(doc));
  REQUIRE_FALSE(r.is_error);
  auto drafts = b.store.ListDrafts();
  REQUIRE(drafts.size() == 1);
  CHECK(drafts[0].flags == std::vector<std::string>{"one_sided", "offline"});
  CHECK(r.content.find("\nFlag: ") != std::string::npos);
  CHECK(ComparisonFromJson(drafts[0].document).value().flags.one_sided);
}

}  // namespace
}  // namespace intern::agent
