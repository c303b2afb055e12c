#include "sessions/export.h"

#include <nlohmann/json.hpp>
#include <ostream>

namespace intern::sessions {
namespace {

using nlohmann::json;

// Stored JSON text as JSON, or as a string when it is not JSON.
json Embedded(const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return text;
  return parsed;
}

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json UsageJson(const Usage& usage) {
  return {{"input", usage.input},
          {"output", usage.output},
          {"cache_read", usage.cache_read},
          {"cache_write", usage.cache_write}};
}

json OptionalStep(const std::optional<int64_t>& step) { return step ? json(*step) : json(nullptr); }

json SessionJson(const Session& s) {
  return {{"id", s.id},
          {"kind", s.kind},
          {"title", s.title},
          {"subjects", Embedded(s.subjects)},
          {"status", SessionStatusName(s.status)},
          {"phase", s.phase},
          {"provider", s.provider},
          {"model", s.model},
          {"created_at", s.created_at},
          {"updated_at", s.updated_at},
          {"iterations", s.iterations},
          {"usage", UsageJson(s.usage)},
          {"cost_usd", s.cost_usd},
          {"caps",
           {{"max_iterations", s.caps.max_iterations},
            {"budget_tokens", s.caps.budget_tokens},
            {"budget_usd", s.caps.budget_usd}}},
          {"loop_state", Embedded(s.loop_state)},
          {"settings", Embedded(s.settings)},
          {"last_error", s.last_error}};
}

json StepJson(const StepRecord& s) {
  return {{"n", s.n},
          {"phase", s.phase},
          {"provider", s.provider},
          {"model", s.model},
          {"started_at", s.started_at},
          {"finished_at", s.finished_at},
          {"usage", UsageJson(s.usage)},
          {"cost_usd", s.cost_usd},
          {"stop_reason", s.stop_reason}};
}

json MessageJson(const MessageRecord& m) {
  return {{"step", m.step},
          {"seq", m.seq},
          {"role", m.role},
          {"content", Embedded(m.content)},
          {"tool_call_id", m.tool_call_id},
          {"created_at", m.created_at}};
}

json ToolCallJson(const ToolCallRecord& c, bool with_result) {
  json j = {{"step", c.step},
            {"seq", c.seq},
            {"call_id", c.call_id},
            {"tool", c.tool},
            {"args", Embedded(c.args)},
            {"args_hash", c.args_hash},
            {"is_error", c.is_error},
            {"result_chars", c.result.size()},
            {"result_hash", c.result_hash},
            {"evidence_ids", c.evidence_ids},
            {"approval", c.approval},
            {"duration_ms", c.duration_ms},
            {"started_at", c.started_at}};
  if (with_result) j["result"] = c.result;
  return j;
}

json CompactionJson(const CompactionRecord& c) {
  return {{"step", c.step},
          {"first_seq", c.first_seq},
          {"last_seq", c.last_seq},
          {"summary", Embedded(c.summary)},
          {"model", c.model},
          {"tokens_before", c.tokens_before},
          {"tokens_after", c.tokens_after},
          {"created_at", c.created_at}};
}

json EventJson(const EventRecord& e) {
  return {{"id", e.id},     {"step", OptionalStep(e.step)},  {"at", e.at}, {"level", e.level},
          {"kind", e.kind}, {"message", Embedded(e.message)}};
}

json EvidenceJson(const EvidenceRecord& e) {
  return {{"id", e.id},
          {"step", OptionalStep(e.step)},
          {"subject", e.input.subject},
          {"kind", e.input.kind},
          {"field", e.input.field},
          {"value", e.input.value},
          {"source_url", e.input.source_url},
          {"title", e.input.title},
          {"quote", e.input.quote},
          {"body", e.input.body},
          {"tool", e.input.tool},
          {"retrieved_at", e.retrieved_at},
          {"content_hash", e.content_hash}};
}

json DraftJson(const DraftRecord& d, bool with_document) {
  json j = {{"id", d.id},
            {"version", d.version},
            {"status", DraftStatusName(d.status)},
            {"title", d.title},
            {"sha256", d.sha256},
            {"flags", d.flags},
            {"created_at", d.created_at},
            {"updated_at", d.updated_at},
            {"published_at", d.published_at},
            {"published_commit", d.published_commit}};
  if (with_document) j["document"] = Embedded(d.document);
  return j;
}

json ApprovalJson(const ApprovalRecord& a) {
  return {{"id", a.id},
          {"draft_id", a.draft_id},
          {"decision", ApprovalDecisionName(a.decision)},
          {"reviewer", a.reviewer},
          {"decided_at", a.decided_at},
          {"comment", a.comment},
          {"sha256", a.sha256}};
}

void WriteLine(std::ostream& out, const char* type, json object) {
  json line = {{"type", type}};
  line.update(object);
  out << Dump(line) << '\n';
}

}  // namespace

std::string SessionsToJson(const std::vector<Session>& sessions) {
  json list = json::array();
  for (const Session& s : sessions) list.push_back(SessionJson(s));
  return Dump(list);
}

std::string SessionShowJson(const SessionHistory& history) {
  json steps = json::array();
  for (const StepRecord& step : history.steps) {
    json j = StepJson(step);
    j["messages"] = step.messages.size();
    json calls = json::array();
    for (const ToolCallRecord& c : step.tool_calls) calls.push_back(ToolCallJson(c, false));
    j["tool_calls"] = std::move(calls);
    json events = json::array();
    for (const EventRecord& e : step.events) events.push_back(EventJson(e));
    j["events"] = std::move(events);
    j["compactions"] = step.compactions.size();
    steps.push_back(std::move(j));
  }
  json events = json::array();
  for (const EventRecord& e : history.events) events.push_back(EventJson(e));
  json evidence = json::array();
  for (const EvidenceRecord& e : history.evidence) evidence.push_back(e.id);
  json drafts = json::array();
  for (const DraftRecord& d : history.drafts) drafts.push_back(DraftJson(d, false));
  json show = SessionJson(history.session);
  show["steps"] = std::move(steps);
  show["events"] = std::move(events);
  show["evidence_ids"] = std::move(evidence);
  show["drafts"] = std::move(drafts);
  return Dump(show);
}

void WriteSessionJsonl(const SessionHistory& history, std::ostream& out) {
  json session = SessionJson(history.session);
  session["format"] = kExportFormat;
  WriteLine(out, "session", std::move(session));
  for (const StepRecord& step : history.steps) {
    WriteLine(out, "step", StepJson(step));
    for (const MessageRecord& m : step.messages) WriteLine(out, "message", MessageJson(m));
    for (const ToolCallRecord& c : step.tool_calls) {
      WriteLine(out, "tool_call", ToolCallJson(c, true));
    }
    for (const CompactionRecord& c : step.compactions) {
      WriteLine(out, "compaction", CompactionJson(c));
    }
    for (const EventRecord& e : step.events) WriteLine(out, "event", EventJson(e));
  }
  for (const EvidenceRecord& e : history.evidence) WriteLine(out, "evidence", EvidenceJson(e));
  for (const DraftRecord& d : history.drafts) WriteLine(out, "draft", DraftJson(d, true));
  for (const ApprovalRecord& a : history.approvals) WriteLine(out, "approval", ApprovalJson(a));
  for (const EventRecord& e : history.events) WriteLine(out, "event", EventJson(e));
}

}  // namespace intern::sessions
