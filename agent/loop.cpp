#include "agent/loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "agent/budget.h"
#include "agent/compaction.h"
#include "agent/doom_loop.h"
#include "agent/loop_context.h"
#include "agent/loop_lock.h"
#include "agent/loop_state.h"
#include "agent/loop_status.h"
#include "agent/loop_tools.h"
#include "agent/message_json.h"
#include "config/error.h"

namespace intern::agent {
namespace {

using nlohmann::json;
using sessions::SessionStatus;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

sessions::Usage ToStore(const Usage& u) { return {u.input, u.output, u.cache_read, u.cache_write}; }
Usage FromStore(const sessions::Usage& u) {
  return {u.input, u.output, u.cache_read, u.cache_write};
}

tools::EvidenceRecord ToToolsRecord(const sessions::EvidenceRecord& r) {
  tools::EvidenceRecord out;
  out.id = r.id;
  out.session_id = r.session_id;
  out.draft = tools::EvidenceDraft{r.input.subject,    r.input.kind,  r.input.field, r.input.value,
                                   r.input.source_url, r.input.title, r.input.quote, "",
                                   r.input.tool};
  out.retrieved_at = r.retrieved_at;
  out.content_hash = r.content_hash;
  return out;
}

std::vector<ToolSpec> SpecsOf(const tools::ToolRegistry& registry,
                              const std::optional<std::string>& only) {
  std::vector<ToolSpec> specs;
  for (const tools::Tool* tool : registry.List()) {
    if (only && tool->name() != *only) continue;
    specs.push_back(ToolSpec{tool->name(), tool->description(), tool->schema().dump()});
  }
  return specs;
}

// One run of RunSession: the session's state in memory, and the steps of one iteration.
class Runner {
 public:
  Runner(const LoopDeps& deps, const LoopOptions& options, std::string session_id)
      : deps_(deps), opt_(options), id_(std::move(session_id)) {}

  LoopOutcome Run();

 private:
  void Load();
  LoopOutcome Finish(SessionStatus status, const std::string& reason, bool write_status = true);
  bool Interrupted(int level) const {
    return deps_.interrupt != nullptr && deps_.interrupt->load() >= level;
  }
  std::int64_t Estimate(const std::vector<ToolSpec>& specs) const;
  bool Fits(const std::vector<ToolSpec>& specs) const;
  // Runs the fall-back ladder from `outcome`; false when it ends context_exhausted.
  bool Compact(LadderOutcome outcome, const std::vector<ToolSpec>& specs);
  bool Summarise(const std::vector<ToolSpec>& specs);
  void ReplaceBodies();

  const LoopDeps& deps_;
  const LoopOptions& opt_;
  std::string id_;

  sessions::Session session_;
  Budget budget_;
  ModelInfo model_;
  ModelInfo compaction_model_;
  LoopState state_;
  Conversation convo_;
  std::vector<StepSummary> summaries_;
  std::set<std::string> seen_evidence_;
  std::optional<Response> pending_response_;  // for iteration iterations+1, from the store
  std::map<std::string, ExecutedCall> pending_results_;
  bool resumed_ = false;

  // Per iteration.
  LadderState ladder_;
  bool ladder_started_ = false;
  std::vector<sessions::CompactionRecord> step_compactions_;
  std::vector<sessions::EventRecord> step_events_;
  Usage step_usage_;
  double step_cost_ = 0.0;
  std::int64_t last_prompt_tokens_ = 0;
  std::int64_t last_chars_ = 0;
  double chars_per_token_ = kDefaultCharsPerToken;

  // The threads every iteration's tool calls run on, kept for the session (agent/loop_workers.h).
  LoopWorkers workers_{static_cast<std::size_t>(std::max(1, opt_.parallel_tools))};
};

void Runner::Load() {
  auto history = deps_.store.LoadHistory(id_);
  if (!history) throw Error(fmt::format("there is no session {} in the store", id_));
  session_ = history->session;
  if (session_.status == SessionStatus::kDone) {
    throw Error(fmt::format("session {} is already done; nothing to resume", id_));
  }
  resumed_ = !history->steps.empty() || session_.status != SessionStatus::kRunning;
  budget_.max_iterations = static_cast<int>(
      session_.caps.max_iterations > 0 ? session_.caps.max_iterations : opt_.max_iterations);
  budget_.budget_tokens =
      session_.caps.budget_tokens > 0 ? session_.caps.budget_tokens : opt_.budget_tokens;
  budget_.budget_usd = session_.caps.budget_usd > 0 ? session_.caps.budget_usd : opt_.budget_usd;
  model_ = deps_.models.Find(opt_.model);
  compaction_model_ =
      deps_.models.Find(opt_.compaction_model.empty() ? opt_.model : opt_.compaction_model);
  state_ = LoopStateFromJson(session_.loop_state);
  if (session_.status == SessionStatus::kStuck) {
    state_.escalation = ResumeFromStuck(state_.escalation, history->steps.size());
  }
  convo_.SetReplaceBodiesBefore(state_.replace_bodies_before);

  for (const auto& step : history->steps) {
    std::optional<Message> assistant;
    std::vector<Message> results;
    bool draft = false;
    int new_evidence = 0;
    for (const auto& record : step.messages) {
      Message m = FromRecord(record);
      if (m.role == Role::kAssistant) assistant = m;
      if (m.role == Role::kTool) results.push_back(m);
      convo_.Append(std::move(m), record.seq);
    }
    for (const auto& call : step.tool_calls) {
      if (call.tool == opt_.final_tool) draft = true;
      for (const auto& ev : call.evidence_ids) {
        if (seen_evidence_.insert(ev).second) ++new_evidence;
      }
      convo_.NoteEvidence(call.call_id, call.evidence_ids);
    }
    for (const auto& c : step.compactions) convo_.SetCompaction(FromCompactionRecord(c));
    StepSummary summary =
        SummariseStep(assistant.value_or(Message::Assistant("")), results, new_evidence, draft);
    summary.replan = std::any_of(step.events.begin(), step.events.end(),
                                 [](const auto& e) { return e.kind == "replan_turn"; });
    summaries_.push_back(std::move(summary));
  }

  // Crash-safety records of the iteration that was under way.
  std::int64_t next = session_.iterations + 1;
  for (const auto& event : history->events) {
    if (event.kind == kPendingResponseEvent) {
      auto pending = PendingResponseFromJson(event.message);
      if (pending && pending->first == next) {
        pending_response_ = pending->second;
        pending_results_.clear();  // results of an older answer for the same n do not apply
      }
    } else if (event.kind == kPendingToolResultEvent) {
      auto pending = ExecutedCallFromJson(event.message);
      if (pending && pending->first == next) {
        pending_results_[pending->second.call.id] = pending->second;
      }
    }
  }
}

std::int64_t Runner::Estimate(const std::vector<ToolSpec>& specs) const {
  std::int64_t chars = static_cast<std::int64_t>(opt_.system_prompt.size()) + convo_.ViewChars();
  for (const auto& s : specs) {
    chars += static_cast<std::int64_t>(s.name.size() + s.description.size() + s.json_schema.size());
  }
  if (last_prompt_tokens_ > 0 && chars >= last_chars_) {
    return EstimateTokens(last_prompt_tokens_, chars - last_chars_, chars_per_token_);
  }
  return EstimateTokens(0, chars, chars_per_token_);
}

bool Runner::Fits(const std::vector<ToolSpec>& specs) const {
  return !ShouldCompact(Estimate(specs), model_.context_window, opt_.trigger_ratio);
}

bool Runner::Summarise(const std::vector<ToolSpec>& specs) {
  std::vector<std::int64_t> seqs;
  std::vector<Message> view = convo_.View(&seqs);
  CompactionPlan plan = PlanCompaction(view, opt_.keep_turns);
  // Messages of this iteration are not in the store yet: they stay in the tail.
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    if (seqs[i] == kUncommitted) {
      plan.tail_begin = std::min(plan.tail_begin, i);
      break;
    }
  }
  plan.prefix_end = std::min(plan.prefix_end, plan.tail_begin);
  if (!plan.HasMiddle()) return false;
  std::int64_t first_seq = seqs[plan.prefix_end];
  std::int64_t last_seq = seqs[plan.tail_begin - 1];
  const auto& previous = convo_.compaction();
  if (first_seq == kCompactionNote) first_seq = previous ? previous->first_seq : 0;
  if (last_seq == kCompactionNote) last_seq = previous ? previous->last_seq : 0;
  if (first_seq <= 0 || last_seq < first_seq) return false;

  LlmRequest request;
  request.model = compaction_model_.id;
  request.system = opt_.summariser_prompt;
  request.messages.push_back(Message::User(TranscriptText(view, plan.prefix_end, plan.tail_begin)));
  request.max_tokens = opt_.max_tokens;
  request.tool_choice = ToolChoice::None();
  LlmProvider& summariser =
      deps_.compaction_provider != nullptr ? *deps_.compaction_provider : deps_.provider;
  std::int64_t before = Estimate(specs);
  auto answer = summariser.Complete(request, {});
  if (!answer.ok()) return false;
  step_usage_ += answer->usage;
  step_cost_ += CostUsd(answer->usage, compaction_model_);
  ResearchSummary parsed = ParseSummary(answer->message.Text());
  if (parsed == ResearchSummary{}) return false;

  std::vector<DigestEntry> ledger;
  for (const auto& ev : deps_.store.ListEvidence(id_)) {
    ledger.push_back(DigestEntryFrom(ToToolsRecord(ev)));
  }
  ActiveCompaction compaction{first_seq, last_seq, LedgerDigest(ledger),
                              RepairSummary(parsed, ledger)};
  convo_.SetCompaction(compaction);
  last_prompt_tokens_ = 0;  // the view changed wholesale: estimate it from characters
  std::int64_t after = Estimate(specs);

  sessions::CompactionRecord record;
  record.first_seq = first_seq;
  record.last_seq = last_seq;
  record.summary = CompactionSummaryJson(compaction.digest, compaction.summary);
  record.model = answer->model.empty() ? compaction_model_.id : answer->model;
  record.tokens_before = before;
  record.tokens_after = after;
  step_compactions_.push_back(record);
  deps_.progress.Compacted(before, after);
  return true;
}

void Runner::ReplaceBodies() {
  // Everything committed before this iteration's tail loses its bodies.
  std::vector<std::int64_t> seqs;
  std::vector<Message> view = convo_.View(&seqs);
  CompactionPlan plan = PlanCompaction(view, opt_.keep_turns);
  std::int64_t cut = 0;
  for (std::size_t i = plan.tail_begin; i < seqs.size(); ++i) {
    if (seqs[i] >= 0) {
      cut = seqs[i];
      break;
    }
  }
  if (cut == 0) {  // the tail holds only new messages: every committed one may go
    for (auto s : convo_.seqs()) cut = std::max(cut, s + 1);
  }
  state_.replace_bodies_before = cut;
  convo_.SetReplaceBodiesBefore(cut);
  last_prompt_tokens_ = 0;
  step_events_.push_back(sessions::EventRecord{0, "", std::nullopt, "", "info",
                                               "compaction_bodies_replaced",
                                               Dump(json{{"before_seq", cut}})});
}

bool Runner::Compact(LadderOutcome outcome, const std::vector<ToolSpec>& specs) {
  for (int guard = 0; guard < opt_.max_summary_attempts + 4; ++guard) {
    LadderStep step = NextLadderStep(ladder_, outcome, opt_.max_summary_attempts);
    ladder_ = step.next;
    switch (step.action) {
      case LadderAction::kSend:
        return true;
      case LadderAction::kContextExhausted:
        return false;
      case LadderAction::kSummarise:
        outcome = !Summarise(specs) ? LadderOutcome::kSummariserFailed
                  : Fits(specs)     ? LadderOutcome::kFits
                                    : LadderOutcome::kStillTooLarge;
        break;
      case LadderAction::kReplaceBodies:
        ReplaceBodies();
        outcome = Fits(specs) ? LadderOutcome::kFits : LadderOutcome::kStillTooLarge;
        break;
    }
  }
  return false;  // unreachable: the ladder ends within max + 2 steps
}

LoopOutcome Runner::Finish(SessionStatus status, const std::string& reason, bool write_status) {
  if (write_status) {
    sessions::SessionUpdate update;
    update.status = status;
    update.loop_state = LoopStateToJson(state_);
    update.last_error = status == SessionStatus::kFailed ? reason : std::string();
    deps_.store.UpdateSession(id_, update);
  }
  LoopOutcome out;
  out.status = status;
  out.iterations = session_.iterations;
  out.usage = FromStore(session_.usage);
  out.cost_usd = session_.cost_usd;
  out.sentence =
      StopSentence(status, StopDetails{id_, session_.iterations, budget_.max_iterations, reason});
  deps_.progress.Stopped(sessions::SessionStatusName(status), out.sentence);
  return out;
}

LoopOutcome Runner::Run() {
  Load();
  // Held until Run returns (or the process dies): tells `sessions list` this session is live, and
  // keeps a second process from running it at the same time.
  SessionRunLock lock(deps_.store.path(), id_);
  deps_.store.UpdateSession(id_, sessions::SessionUpdate{SessionStatus::kRunning, std::nullopt,
                                                         std::nullopt, std::string()});
  deps_.progress.SessionStarted(id_, model_.id, resumed_);

  EscalationOptions escalation_options;
  escalation_options.detection.stagnation_steps = opt_.stall_iterations;

  while (true) {
    if (Interrupted(1)) return Finish(SessionStatus::kInterrupted, "");
    BudgetState spent{static_cast<int>(session_.iterations), session_.usage.total(),
                      session_.cost_usd, state_.final_turn_taken};
    BudgetCheck check = CheckBudget(budget_, spent);
    if (check.verdict == BudgetVerdict::kStop) {
      return Finish(check.status == BudgetStatus::kOverBudget ? SessionStatus::kOverBudget
                                                              : SessionStatus::kCapped,
                    check.reason);
    }
    const std::int64_t n = session_.iterations + 1;
    const bool final_turn = check.verdict == BudgetVerdict::kFinalTurn;
    const bool replan = !final_turn && !state_.pending_replan.empty();
    const std::string phase = final_turn ? "final_turn" : replan ? "replan" : opt_.phase;
    const std::string started_at = Rfc3339Utc(deps_.clock.Now());
    ladder_ = {};
    step_compactions_.clear();
    step_events_.clear();
    step_usage_ = {};
    step_cost_ = 0.0;

    std::size_t first_new = convo_.messages().size();
    if (convo_.empty()) convo_.Append(Message::User(opt_.task_prompt));
    if (!state_.pending_guard.empty()) convo_.Append(Message::User(state_.pending_guard));
    if (replan) {
      convo_.Append(Message::User(
          ReplaceAll(ReplaceAll(opt_.replan_message, "{description}", state_.pending_replan),
                     "{pattern}", state_.escalation.last_pattern)));
    }
    if (final_turn) convo_.Append(Message::User(opt_.final_turn_message));

    deps_.progress.IterationStarted(ProgressSnapshot{n, budget_.max_iterations, phase,
                                                     session_.usage.total(), session_.cost_usd});

    std::optional<std::string> only_tool;
    if (final_turn) only_tool = opt_.final_tool;
    std::vector<ToolSpec> specs =
        replan ? std::vector<ToolSpec>{} : SpecsOf(deps_.tools, only_tool);

    // Compaction is decided before the call even when a recorded answer will be reused, so the
    // resumed iteration commits the same compaction the lost one would have.
    if (!Fits(specs)) {
      ladder_started_ = true;
      if (!Compact(LadderOutcome::kStart, specs)) {
        return Finish(SessionStatus::kContextExhausted, "");
      }
    }
    Response response;
    if (pending_response_) {
      response = *pending_response_;
    } else {
      while (true) {
        LlmRequest request;
        request.model = model_.id;
        request.system = opt_.system_prompt;
        request.messages = convo_.View();
        request.tools = specs;
        request.max_tokens = opt_.max_tokens;
        request.tool_choice = final_turn ? ToolChoice::Only(opt_.final_tool)
                              : replan   ? ToolChoice::None()
                                         : ToolChoice::Auto();
        // Counted on the view just built rather than on a second copy of it.
        std::int64_t chars = static_cast<std::int64_t>(opt_.system_prompt.size());
        for (const auto& m : request.messages) chars += static_cast<std::int64_t>(m.CharCount());
        for (const auto& s : specs) {
          chars += static_cast<std::int64_t>(s.name.size() + s.description.size() +
                                             s.json_schema.size());
        }
        auto answer = deps_.provider.Complete(
            request, [this](std::string_view delta) { deps_.progress.TextDelta(delta); });
        if (answer.ok()) {
          response = std::move(answer.value());
          chars_per_token_ =
              CalibrateCharsPerToken(chars_per_token_, chars, response.usage.Prompt());
          last_prompt_tokens_ = response.usage.Prompt();
          last_chars_ = chars;
          break;
        }
        if (answer.code() == ErrorCode::kContextLength) {
          // The estimate was wrong: take the next rung of the same ladder (never a fresh one).
          LadderOutcome outcome = LadderOutcome::kStart;
          if (ladder_started_ || ladder_.done) {
            ladder_.done = false;
            ladder_.summary_attempts =
                std::max(ladder_.summary_attempts, opt_.max_summary_attempts);
            outcome = LadderOutcome::kStillTooLarge;
          }
          ladder_started_ = true;
          if (!Compact(outcome, specs)) return Finish(SessionStatus::kContextExhausted, "");
          continue;
        }
        if (answer.code() == ErrorCode::kCancelled && Interrupted(1)) {
          return Finish(SessionStatus::kInterrupted, "");
        }
        return Finish(SessionStatus::kFailed, answer.message());
      }
      sessions::EventRecord pending;
      pending.session_id = id_;
      pending.level = "debug";
      pending.kind = kPendingResponseEvent;
      pending.message = PendingResponseJson(n, response);
      deps_.store.AppendEvent(std::move(pending));
    }
    ladder_started_ = false;
    if (Interrupted(2)) return Finish(SessionStatus::kInterrupted, "");

    step_usage_ += response.usage;
    step_cost_ += CostUsd(response.usage, model_);
    deps_.progress.UsageUpdated(session_.usage.total() + step_usage_.Total(),
                                session_.cost_usd + step_cost_);
    Message assistant = response.message;
    assistant.role = Role::kAssistant;
    convo_.Append(assistant);

    std::vector<ToolCall> calls = assistant.ToolCalls();
    ToolRunEnv env{
        deps_.tools, deps_.store, deps_.clock,         deps_.approval,        deps_.progress,
        id_,         n,           opt_.parallel_tools, opt_.max_result_chars, deps_.interrupt,
        only_tool,   replan};
    auto executed = ExecuteToolCalls(env, calls, pending_results_, &workers_);
    if (!executed) return Finish(SessionStatus::kInterrupted, "");
    std::vector<ToolResultBlock> blocks;
    int new_evidence = 0;
    bool draft_called = false;
    bool accepted = false;
    for (const auto& call : *executed) {
      blocks.push_back(call.result);
      for (const auto& ev : call.evidence_ids) {
        if (seen_evidence_.insert(ev).second) ++new_evidence;
      }
      convo_.NoteEvidence(call.call.id, call.evidence_ids);
      if (call.call.name == opt_.final_tool && call.approval != "refused" &&
          call.approval != "denied") {
        draft_called = true;
        if (!call.result.is_error) accepted = true;
      }
    }
    std::vector<Message> result_messages;
    if (!blocks.empty()) {
      result_messages.push_back(Message::ToolResults(blocks));
      convo_.Append(result_messages.back());
    }

    // Doom-loop detection over the whole history, this step included.
    StepSummary summary = SummariseStep(assistant, result_messages, new_evidence, draft_called);
    summary.replan = replan;
    summaries_.push_back(summary);
    state_.pending_guard.clear();
    if (replan) state_.pending_replan.clear();
    if (final_turn) state_.final_turn_taken = true;
    std::optional<SessionStatus> stop;
    std::string stop_reason;
    if (accepted) {
      stop = SessionStatus::kDone;
    } else if (!replan) {
      EscalationDecision decision = Escalate(state_.escalation, summaries_, escalation_options);
      state_.escalation = decision.next;
      if (decision.detection) {
        const Detection& d = *decision.detection;
        std::string pattern = DoomPatternName(d.pattern);
        step_events_.push_back(
            sessions::EventRecord{0, "", std::nullopt, "", "warn", "loop_detected",
                                  Dump(json{{"pattern", pattern},
                                            {"description", d.description},
                                            {"action", EscalationActionName(decision.action)}})});
        deps_.progress.LoopGuard(pattern, EscalationActionName(decision.action));
        if (decision.action == EscalationAction::kGuard) {
          state_.pending_guard = ReplaceAll(
              ReplaceAll(opt_.guard_message, "{description}", d.description), "{pattern}", pattern);
        } else if (decision.action == EscalationAction::kReplan) {
          state_.pending_replan = d.description;
        } else if (decision.action == EscalationAction::kStop) {
          stop = SessionStatus::kStuck;
          stop_reason = d.description;
        }
      }
    }
    if (replan) {
      step_events_.push_back(
          sessions::EventRecord{0, "", std::nullopt, "", "info", "replan_turn", "{}"});
    }
    if (final_turn) {
      step_events_.push_back(sessions::EventRecord{0, "", std::nullopt, "", "info", "final_turn",
                                                   Dump(json{{"reason", check.reason}})});
    }

    sessions::StepRecord record;
    record.session_id = id_;
    record.n = n;
    record.phase = phase;
    record.provider = opt_.provider_name;
    record.model = response.model.empty() ? model_.id : response.model;
    record.started_at = started_at;
    record.finished_at = Rfc3339Utc(deps_.clock.Now());
    record.usage = ToStore(step_usage_);
    record.cost_usd = step_cost_;
    record.stop_reason = StopReasonName(response.stop_reason);
    for (std::size_t i = first_new; i < convo_.messages().size(); ++i) {
      record.messages.push_back(ToRecord(convo_.messages()[i]));
    }
    for (const auto& call : *executed) {
      sessions::ToolCallRecord tc;
      tc.call_id = call.call.id;
      tc.tool = call.call.name;
      tc.args = call.call.arguments;
      tc.result = call.result.content;
      tc.is_error = call.result.is_error;
      tc.evidence_ids = call.evidence_ids;
      tc.approval = call.approval;
      tc.duration_ms = call.duration_ms;
      tc.started_at = call.started_at;
      record.tool_calls.push_back(std::move(tc));
    }
    record.compactions = step_compactions_;
    record.events = step_events_;
    record.session.loop_state = LoopStateToJson(state_);
    record.session.phase = phase;
    if (stop) {
      record.session.status = *stop;
      if (*stop == SessionStatus::kStuck) record.session.last_error = stop_reason;
    }
    sessions::CommitResult committed = deps_.store.CommitStep(record);
    convo_.MarkCommitted(committed.first_message_seq);
    pending_response_.reset();
    pending_results_.clear();
    session_.iterations = n;
    session_.usage.input += step_usage_.input;
    session_.usage.output += step_usage_.output;
    session_.usage.cache_read += step_usage_.cache_read;
    session_.usage.cache_write += step_usage_.cache_write;
    session_.cost_usd += step_cost_;
    if (stop) return Finish(*stop, stop_reason, /*write_status=*/false);
  }
}

}  // namespace

LoopOutcome RunSession(const LoopDeps& deps, const LoopOptions& options,
                       const std::string& session_id) {
  Runner runner(deps, options, session_id);
  return runner.Run();
}

}  // namespace intern::agent
