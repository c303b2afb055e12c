#include "agent/sweep/compare_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "agent/approval.h"
#include "agent/catalog_store.h"
#include "agent/progress.h"
#include "config/error.h"

namespace intern::agent {
namespace {

// Silent progress that tells the worker which session the job runs in.
class JobProgress final : public ProgressSink {
 public:
  explicit JobProgress(const JobContext& context) : context_(context) {}
  void SessionStarted(const std::string& session_id, const std::string&, bool) override {
    if (context_.set_session) context_.set_session(session_id);
  }
  void IterationStarted(const ProgressSnapshot&) override {}
  void TextDelta(std::string_view) override {}
  void ToolStarted(const std::string&, const std::string&) override {}
  void ToolFinished(const std::string&, bool, std::int64_t, int) override {}
  void UsageUpdated(std::int64_t, double) override {}
  void Compacted(std::int64_t, std::int64_t) override {}
  void LoopGuard(const std::string&, const std::string&) override {}
  void Stopped(const std::string&, const std::string&) override {}

 private:
  const JobContext& context_;
};

std::string ResultJson(const std::string& draft, const std::string& session, bool reused) {
  nlohmann::json j = {{"draft", draft}, {"session", session}};
  if (reused) j["reused"] = true;
  return j.dump();
}

}  // namespace

std::string ComparePayload(const std::string& a, const std::string& b, const std::string& sweep) {
  return nlohmann::json{{"a", a}, {"b", b}, {"sweep", sweep}}.dump();
}

config::Catalog CatalogFromStore(const sessions::Store& store) {
  config::InMemoryCatalogOverlay overlay;
  std::vector<sessions::CatalogEntryRecord> records = store.ListCatalogEntries();
  std::stable_sort(records.begin(), records.end(),
                   [](const auto& x, const auto& y) { return x.created_at < y.created_at; });
  for (const sessions::CatalogEntryRecord& r : records) {
    Result<config::CatalogEntry> entry = CatalogEntryFromJson(r.data);
    if (!entry) throw Error(fmt::format("{} (key {})", entry.message(), r.key));
    (void)overlay.Add(*entry);
  }
  Result<config::Catalog> catalog = config::Catalog::WithOverlay(config::Catalog::Embedded(), overlay);
  if (!catalog) throw Error(catalog.message());
  return std::move(*catalog);
}

std::set<std::string> SweepAddedIds(const sessions::Store& store) {
  std::set<std::string> ids;
  for (const sessions::CatalogEntryRecord& r : store.ListCatalogEntries()) {
    if (r.source == "sweep") ids.insert(r.key);
  }
  return ids;
}

JobHandler MakeCompareJobHandler(CompareJobServices services) {
  return [services](const JobContext& context) -> JobOutcome {
    JobOutcome outcome;
    nlohmann::json payload = nlohmann::json::parse(context.job.payload, nullptr, false);
    if (!payload.is_object() || !payload.value("a", nlohmann::json()).is_string() ||
        !payload.value("b", nlohmann::json()).is_string()) {
      outcome.kind = JobOutcome::Kind::kFailed;
      outcome.error = fmt::format("job {} has no two tools to compare in its payload {}",
                                  context.job.id, context.job.payload);
      return outcome;
    }
    if (!context.job.session_id.empty()) {
      for (const sessions::DraftRecord& d :
           services.store.ListDrafts(std::nullopt, context.job.session_id)) {
        if (d.status == sessions::DraftStatus::kSuperseded) continue;
        outcome.draft_id = d.id;
        outcome.result = ResultJson(d.id, context.job.session_id, true);
        return outcome;
      }
    }
    const config::Catalog catalog = CatalogFromStore(services.store);
    CompareRequest request;
    request.name_a = payload["a"].get<std::string>();
    request.name_b = payload["b"].get<std::string>();
    request.bench = false;  // unattended: nobody is there to approve a benchmark
    if (context.budget_left_usd > 0) {
      const double own = services.cfg.agent.budget_usd;
      request.budget_usd = own > 0 ? std::min(own, context.budget_left_usd) : context.budget_left_usd;
    }
    FixedApproval deny(ApprovalVerdict::kDeny);
    JobProgress progress(context);
    CompareServices compare{services.store,
                            catalog,
                            services.clock,
                            services.models,
                            deny,
                            progress,
                            services.toolbox_options,
                            context.interrupt,
                            services.make_provider,
                            nullptr};
    CompareOutcome run = RunCompare(services.cfg, request, compare);
    outcome.cost_usd = run.loop.cost_usd;
    if (!run.draft_id.empty()) {
      outcome.draft_id = run.draft_id;
      outcome.result = ResultJson(run.draft_id, run.session_id, false);
    } else if (run.loop.status == sessions::SessionStatus::kInterrupted) {
      outcome.kind = JobOutcome::Kind::kReleased;
    } else {
      outcome.kind = JobOutcome::Kind::kFailed;
      outcome.error = run.loop.sentence.empty()
                          ? fmt::format("session {} stored no draft", run.session_id)
                          : run.loop.sentence;
    }
    return outcome;
  };
}

}  // namespace intern::agent
