#pragma once
// The "compare" job of a sweep: runs the compare workflow (agent/compare_workflow.h RunCompare)
// for the payload's two catalog ids, with the configured provider (the offline researcher when
// none is configured), unattended: tools that need approval are denied.
//
// Outcomes: a stored draft completes the job (result {"draft", "session"}); a run the operator
// stopped is released; anything else fails it with the loop's sentence. A job whose earlier
// attempt already stored a draft (its session is recorded on the job) completes with that draft
// and runs nothing, so a retried job never leaves two drafts.
//
// The session budget is the smaller of agent.budget_usd and what is left of the sweep budget.
// Thread safety: the handler may run concurrently; everything it borrows must allow that.

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "agent/compare_workflow.h"
#include "agent/sweep/job_worker.h"
#include "config/catalog.h"
#include "sessions/store.h"

namespace intern::agent {

struct CompareJobServices {
  const config::Config& cfg;
  sessions::Store& store;
  Clock& clock;
  const ModelCatalog& models;
  ToolboxOptions toolbox_options;
  // As CompareServices::make_provider (tests); empty = from the config.
  std::function<Result<std::unique_ptr<LlmProvider>>(const std::string& provider,
                                                     const std::string& model)>
      make_provider = nullptr;
};

// The payload of a compare job for the catalog ids `a` (the newcomer) and `b` (the incumbent).
std::string ComparePayload(const std::string& a, const std::string& b, const std::string& sweep);

// The embedded catalog with the entries kept in `store`, and which of those a sweep added.
// Throws intern::Error when a stored entry is unreadable.
config::Catalog CatalogFromStore(const sessions::Store& store);
std::set<std::string> SweepAddedIds(const sessions::Store& store);

// `services` is copied; what it references must outlive the handler.
JobHandler MakeCompareJobHandler(CompareJobServices services);

}  // namespace intern::agent
