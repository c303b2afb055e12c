#pragma once
// What the scripted-model compare tests share: a Gemma 3n vs SmolVLM2 request over the openai
// wire, CompareServices whose provider is a ScriptedProvider, the model turn that calls tools,
// and the draft such a model submits (the offline researcher's document over the session's
// ledger, so every citation resolves).

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "agent/compare_workflow.h"
#include "agent/providers/offline_provider.h"
#include "config/catalog.h"
#include "sessions/store.h"
#include "tests/support/scripted_provider.h"
#include "tools/store_ledger.h"

namespace intern::agent::scripted {

// A model turn that calls `blocks` (1000 tokens in, 100 out).
inline Response Calls(std::vector<ToolUseBlock> blocks) {
  Response r;
  for (auto& b : blocks) r.message.content.emplace_back(std::move(b));
  r.stop_reason = StopReason::kToolUse;
  r.usage = Usage{1000, 100, 0, 0};
  return r;
}

// Every evidence record of `session_id`, whole.
inline std::vector<tools::EvidenceRecord> LedgerRecords(sessions::Store& store,
                                                        const std::string& session_id) {
  tools::StoreLedger ledger(store, session_id);
  std::vector<tools::EvidenceRecord> records;
  for (const auto& r : store.ListEvidence(session_id)) records.push_back(*ledger.Get(r.id));
  return records;
}

// The Gemma 3n vs SmolVLM2 document the offline researcher writes from the ledger of the newest
// session in `store`, with `notes`.
inline Comparison LedgerDraft(sessions::Store& store, const config::Catalog& catalog,
                              const Clock& clock, std::vector<std::string> notes = {}) {
  const std::string session_id = store.ListSessions().front().id;
  return OfflineComparison(*catalog.FindById("gemma-3n"), *catalog.FindById("smolvlm2"),
                           LedgerRecords(store, session_id),
                           std::chrono::floor<std::chrono::days>(clock.Now()), std::move(notes));
}

// Services whose every provider is a ScriptedProvider running `script`; the references must
// outlive them.
inline CompareServices ScriptedServices(sessions::Store& store, const config::Catalog& catalog,
                                        Clock& clock, const ModelCatalog& models,
                                        ApprovalPolicy& approval, ProgressSink& progress,
                                        intern::testing::ScriptedProvider::Script script) {
  return CompareServices{
      store,
      catalog,
      clock,
      models,
      approval,
      progress,
      ToolboxOptions{},
      nullptr,
      [script](const std::string&, const std::string&) -> Result<std::unique_ptr<LlmProvider>> {
        return std::unique_ptr<LlmProvider>(
            std::make_unique<intern::testing::ScriptedProvider>(script));
      },
      nullptr};
}

// Gemma 3n vs SmolVLM2 with gpt-4.1 over the openai wire.
inline CompareRequest GemmaSmolRequest() {
  CompareRequest request;
  request.name_a = "Gemma 3n";
  request.name_b = "SmolVLM2";
  request.provider = "openai";
  request.model = "gpt-4.1";
  return request;
}

}  // namespace intern::agent::scripted
