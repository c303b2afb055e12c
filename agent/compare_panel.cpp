#include "agent/compare_panel.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "agent/comparison_json.h"
#include "agent/comparison_validator.h"
#include "agent/loop_state.h"
#include "agent/prompts.h"
#include "agent/providers/offline_provider.h"
#include "agent/workflow_tools.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

constexpr std::string_view kPanelTool = "panel_take";
// Events that let a resume finish an interrupted panel (see PanelOwed).
constexpr const char* kTakeEvent = "panel_take";
constexpr const char* kDoneEvent = "panel_done";

// What an earlier run of the panel on one draft recorded for one persona.
struct RecordedTake {
  nlohmann::json takes;  // null when the call's answer was not accepted
  std::string problem;
};

// The panel_take events of `session_id` for research draft `draft_id`, by persona name.
std::map<std::string, RecordedTake> RecordedTakes(const sessions::Store& store,
                                                  const std::string& session_id,
                                                  const std::string& draft_id) {
  std::map<std::string, RecordedTake> out;
  for (const sessions::EventRecord& event : store.ListEvents(session_id)) {
    if (event.kind != kTakeEvent) continue;
    nlohmann::json m = nlohmann::json::parse(event.message, nullptr, false);
    if (!m.is_object() || m.value("draft_id", "") != draft_id) continue;
    RecordedTake take;
    if (m.contains("takes")) take.takes = m["takes"];
    take.problem = m.value("problem", "");
    out[m.value("persona", "")] = std::move(take);
  }
  return out;
}

// `takes` read with the draft reader into persona `p` of `doc`, so they get its lenient shape
// rules; "" on success, else the first problem.
std::string ApplyTakes(Comparison& doc, std::size_t p, const nlohmann::json& takes) {
  nlohmann::json submission = SubmissionArguments(doc);
  submission["panel"][p]["takes"] = takes;
  ParsedComparison read = ParseDraftSubmission(submission);
  if (!read.problems.empty()) return read.problems.front();
  doc.panel[p] = read.comparison.panel[p];
  return "";
}

const nlohmann::json& PanelTakeSchema() {
  static const nlohmann::json kSchema = [] {
    const nlohmann::json& draft = SubmitDraftSchema();
    nlohmann::json takes = draft["properties"]["panel"]["items"]["properties"]["takes"];
    return nlohmann::json{{"type", "object"},
                          {"properties", {{"takes", takes}}},
                          {"required", {"takes"}},
                          {"additionalProperties", false}};
  }();
  return kSchema;
}

std::string Instructions(const Comparison& doc, Persona persona) {
  return fmt::format(
      "You are the {} on the panel. Judge {} (first) and {} (second) from the evidence ledger "
      "below only. Call panel_take with two takes in that order: for each, a score 0-100, ship "
      "or skip (ship needs at least 60 unless you give an exception), a short rationale and the "
      "evidence ids it rests on — or abstain with the reason when the evidence does not reach "
      "your lens.\n\nEvidence ledger:\n",
      PersonaTitle(persona), doc.subjects[0].name, doc.subjects[1].name);
}

}  // namespace

std::string LedgerDigest(const sessions::Store& store, const std::string& session_id,
                         std::size_t max_chars) {
  std::string out;
  int left_out = 0;
  for (const auto& r : store.ListEvidence(session_id)) {
    const sessions::EvidenceInput& in = r.input;
    std::string line = in.field.empty() ? fmt::format("{} [{}] {}: {} <{}>\n", r.id, in.subject,
                                                      in.kind, in.value, in.source_url)
                                        : fmt::format("{} [{}] {}: {} <{}>\n", r.id, in.subject,
                                                      in.field, in.value, in.source_url);
    if (out.size() + line.size() > max_chars) {
      ++left_out;
      continue;
    }
    out += line;
  }
  if (left_out > 0) out += fmt::format("({} more records left out for length)\n", left_out);
  return out;
}

PanelPhaseOutcome RunPanelPhase(LlmProvider& provider, sessions::Store& store,
                                const config::Config& cfg, const ModelCatalog& models,
                                const Clock& clock, const std::string& session_id,
                                const std::string& draft_id, const std::string& provider_name,
                                const std::string& model, std::int64_t max_iterations,
                                ProgressSink* progress) {
  PanelPhaseOutcome outcome;
  std::optional<sessions::DraftRecord> record = store.GetDraft(draft_id);
  if (!record) return outcome;
  Result<Comparison> parsed = ComparisonFromJson(record->document);
  if (!parsed.ok()) return outcome;
  Comparison doc = std::move(parsed.value());
  const std::string digest = LedgerDigest(store, session_id);
  const ModelInfo info = models.Find(model);
  ToolSpec spec{std::string(kPanelTool),
                "Record your judgement of both subjects: one take per subject, in order.",
                PanelTakeSchema().dump()};
  bool changed = false;
  // A run killed part-way (the process, not a failed call) committed some persona calls: those
  // are not repeated, their takes are used as recorded.
  const std::map<std::string, RecordedTake> recorded = RecordedTakes(store, session_id, draft_id);
  for (std::size_t p = 0; p < kPersonas.size(); ++p) {
    const Persona persona = kPersonas[p];
    if (auto it = recorded.find(std::string(PersonaName(persona))); it != recorded.end()) {
      ++outcome.reused;
      std::string problem =
          it->second.takes.is_null() ? it->second.problem : ApplyTakes(doc, p, it->second.takes);
      if (problem.empty()) {
        changed = true;
      } else {
        outcome.notes.push_back(fmt::format("The {} keeps the research draft's take: {}.",
                                            PersonaName(persona), problem));
      }
      continue;
    }
    std::optional<sessions::Session> session = store.GetSession(session_id);
    if (!session) return outcome;
    const std::int64_t cap =
        session->caps.max_iterations > 0 ? session->caps.max_iterations : max_iterations;
    if (cap > 0 && session->iterations >= cap) {
      outcome.notes.push_back(
          fmt::format("The {} keeps the research draft's take: the iteration cap was reached.",
                      PersonaName(persona)));
      continue;
    }
    const bool tokens_spent = session->caps.budget_tokens > 0 &&
                              session->usage.total() >= 0.9 * session->caps.budget_tokens;
    const bool usd_spent =
        session->caps.budget_usd > 0 && session->cost_usd >= 0.9 * session->caps.budget_usd;
    if (tokens_spent || usd_spent) {
      outcome.notes.push_back(
          fmt::format("The {} keeps the research draft's take: the session's budget is at 90%.",
                      PersonaName(persona)));
      continue;
    }
    if (progress != nullptr) {
      progress->IterationStarted(ProgressSnapshot{session->iterations + 1, cap, "panel",
                                                  session->usage.total(), session->cost_usd});
    }
    LlmRequest request;
    request.model = model;
    request.system = Prompt("persona_" + std::string(PersonaName(persona)), cfg);
    request.messages = {Message::User(Instructions(doc, persona) + digest)};
    request.tools = {spec};
    request.tool_choice = ToolChoice::Only(std::string(kPanelTool));
    const std::string started_at = Rfc3339Utc(clock.Now());
    Result<Response> answer = provider.Complete(request, {});
    if (!answer.ok()) {
      outcome.notes.push_back(fmt::format("The {} keeps the research draft's take: {}",
                                          PersonaName(persona), answer.message()));
      continue;
    }
    std::vector<ToolCall> calls = answer.value().message.ToolCalls();
    sessions::StepRecord step;
    step.session_id = session_id;
    step.n = session->iterations + 1;
    step.phase = "panel";
    step.provider = provider_name;
    step.model = model;
    step.started_at = started_at;
    step.finished_at = Rfc3339Utc(clock.Now());
    const Usage& u = answer.value().usage;
    step.usage = sessions::Usage{u.input, u.output, u.cache_read, u.cache_write};
    step.cost_usd = CostUsd(u, info);
    step.stop_reason = StopReasonName(answer.value().stop_reason);
    std::string problem;
    nlohmann::json event{{"draft_id", draft_id}, {"persona", std::string(PersonaName(persona))}};
    if (calls.empty() || calls.front().name != kPanelTool) {
      problem = "the model did not call panel_take";
    } else {
      nlohmann::json args = nlohmann::json::parse(calls.front().arguments, nullptr, false);
      if (!args.is_object() || !args.contains("takes")) {
        problem = "panel_take arguments have no takes";
      } else {
        problem = ApplyTakes(doc, p, args["takes"]);
        if (problem.empty()) {
          changed = true;
          event["takes"] = args["takes"];
        }
      }
      sessions::ToolCallRecord call;
      call.call_id = calls.front().id;
      call.tool = calls.front().name;
      call.args = calls.front().arguments;
      call.result = problem.empty() ? "recorded" : problem;
      call.is_error = !problem.empty();
      call.approval = "auto";
      call.started_at = started_at;
      step.tool_calls.push_back(std::move(call));
    }
    if (!problem.empty()) event["problem"] = problem;
    // In the step's transaction: a persona call is either recorded with its take or not at all.
    sessions::EventRecord take_event;
    take_event.kind = kTakeEvent;
    take_event.message = event.dump();
    step.events.push_back(std::move(take_event));
    store.CommitStep(step);
    ++outcome.calls;
    if (progress != nullptr) {
      progress->UsageUpdated(session->usage.total() + u.Total(), session->cost_usd + step.cost_usd);
    }
    if (!problem.empty()) {
      outcome.notes.push_back(fmt::format("The {} keeps the research draft's take: {}.",
                                          PersonaName(persona), problem));
    }
  }
  // Whatever happens next, this draft's panel is over: a resume must not start it again.
  auto record_done = [&](const std::string& panel_draft_id) {
    sessions::EventRecord done;
    done.session_id = session_id;
    done.kind = kDoneEvent;
    done.message =
        nlohmann::json{{"draft_id", draft_id}, {"panel_draft_id", panel_draft_id}}.dump();
    store.AppendEvent(std::move(done));
  };
  if (!changed) {
    record_done("");
    return outcome;
  }
  if (auto session = store.GetSession(session_id)) {
    doc.cost.usd = session->cost_usd;
    doc.cost.tokens = session->usage.total();
  }
  tools::StoreLedger ledger(store, session_id);
  EvidenceLookup lookup = [&ledger, &session_id](const std::string& id) {
    std::optional<tools::EvidenceRecord> r = ledger.Get(id);
    if (r && r->session_id != session_id) return std::optional<tools::EvidenceRecord>();
    return r;
  };
  PrepareForValidation(doc, lookup);
  std::vector<ValidationProblem> problems = Validate(doc, lookup);
  if (!Storable(problems)) {
    outcome.notes.push_back("The panel's takes did not validate, so the research draft stays: " +
                            problems.front().message);
    record_done("");
    return outcome;
  }
  sessions::DraftRecord next;
  next.session_id = session_id;
  next.title = doc.title;
  next.document = ComparisonToJson(doc);
  if (doc.flags.one_sided) next.flags.push_back("one_sided");
  outcome.draft_id = store.CreateDraft(std::move(next)).id;
  record_done(outcome.draft_id);
  return outcome;
}

bool PanelOwed(const sessions::Store& store, const std::string& session_id) {
  std::optional<sessions::Session> session = store.GetSession(session_id);
  if (!session || session->kind != "compare" || session->provider.empty() ||
      session->provider == kOfflineProvider || session->status != sessions::SessionStatus::kDone) {
    return false;
  }
  const std::string latest = LatestDraftId(store, session_id);
  if (latest.empty()) return false;
  for (const sessions::EventRecord& event : store.ListEvents(session_id)) {
    if (event.kind != kDoneEvent) continue;
    nlohmann::json m = nlohmann::json::parse(event.message, nullptr, false);
    if (!m.is_object()) continue;
    if (m.value("draft_id", "") == latest || m.value("panel_draft_id", "") == latest) return false;
  }
  return true;
}

}  // namespace intern::agent
