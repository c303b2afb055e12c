#include "agent/providers/offline_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "agent/comparison_json.h"
#include "agent/offline_rubric.h"
#include "agent/resolve.h"
#include "agent/review/feedback.h"

namespace intern::agent {
namespace {

constexpr std::string_view kIdsPrefix = "Catalog ids: ";

tools::EvidenceRecord ToToolRecord(const sessions::EvidenceRecord& r) {
  const sessions::EvidenceInput& in = r.input;
  return tools::EvidenceRecord{
      r.id, r.session_id,
      tools::EvidenceDraft{in.subject, in.kind, in.field, in.value, in.source_url, in.title,
                           in.quote, in.body, in.tool},
      r.retrieved_at, r.content_hash};
}

bool SameName(const std::string& a, const std::string& b) {
  return NormaliseToolName(a) == NormaliseToolName(b);
}

// field -> (joined value, evidence ids), in order of first appearance.
struct FieldFacts {
  std::vector<std::string> order;
  std::map<std::string, Fact> by_field;
};

FieldFacts FactsAbout(const std::string& name, const std::vector<tools::EvidenceRecord>& records) {
  FieldFacts out;
  for (const auto& r : records) {
    if (r.draft.kind != "fact" || r.draft.field.empty() || r.draft.value.empty()) continue;
    if (!SameName(r.draft.subject, name)) continue;
    auto [it, inserted] = out.by_field.try_emplace(r.draft.field);
    Fact& f = it->second;
    if (inserted) {
      out.order.push_back(r.draft.field);
      f.field = r.draft.field;
      f.value = r.draft.value;
    } else if (f.value.find(r.draft.value) == std::string::npos) {
      f.value += "; " + r.draft.value;
    }
    f.evidence_ids.push_back(r.id);
  }
  return out;
}

Subject SubjectFrom(const config::CatalogEntry& e) {
  Subject s;
  s.name = e.name;
  s.tagline = e.tagline;
  s.summary = e.summary;
  s.category = e.category;
  s.kind = e.kind;
  s.organisation = e.organisation;
  s.pricing = Pricing{e.pricing.model.empty() ? "free" : e.pricing.model, e.pricing.entry};
  s.licence = e.licence;
  auto link = [&](const char* label, const std::string& url) {
    if (!url.empty()) s.links.push_back(Link{label, url});
  };
  link("Home", e.links.home);
  link("Docs", e.links.docs);
  link("Repository", e.links.repo);
  link("Model card", e.links.hf);
  return s;
}

// The tool call ids of earlier assistant turns, with their names and arguments.
std::map<std::string, ToolCall> CallsById(const std::vector<Message>& messages) {
  std::map<std::string, ToolCall> calls;
  for (const auto& m : messages) {
    for (const auto& c : m.ToolCalls()) calls[c.id] = c;
  }
  return calls;
}

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > 160) line = line.substr(0, 157) + "...";
  return line;
}

Response ToolCallResponse(std::vector<ToolUseBlock> calls) {
  Response r;
  r.message.role = Role::kAssistant;
  for (auto& c : calls) r.message.content.emplace_back(std::move(c));
  r.stop_reason = StopReason::kToolUse;
  r.model = "offline";
  return r;
}

Response TextResponse(std::string text) {
  Response r;
  r.message = Message::Assistant(std::move(text));
  r.stop_reason = StopReason::kEndTurn;
  r.model = "offline";
  return r;
}

bool Offers(const LlmRequest& request, std::string_view tool) {
  return std::any_of(request.tools.begin(), request.tools.end(),
                     [&](const ToolSpec& s) { return s.name == tool; });
}

}  // namespace

std::string CatalogIdsLine(const std::string& id_a, const std::string& id_b) {
  return fmt::format("{}{}, {}", kIdsPrefix, id_a, id_b);
}

const std::vector<std::string>& OfflineKeyNumberFields() {
  static const std::vector<std::string> kFields = {
      "parameters", "context_window", "modalities", "stars",   "downloads",
      "price",      "release_date",   "languages",  "licence", "pricing"};
  return kFields;
}

Comparison OfflineComparison(const config::CatalogEntry& a, const config::CatalogEntry& b,
                             const std::vector<tools::EvidenceRecord>& records,
                             std::chrono::sys_days today, std::vector<std::string> notes) {
  Comparison c;
  c.title = fmt::format("{} vs {}", a.name, b.name);
  c.question = fmt::format("Which should you ship with, {} or {}, and for what?", a.name, b.name);
  c.subjects = {SubjectFrom(a), SubjectFrom(b)};
  FieldFacts fa = FactsAbout(a.name, records);
  FieldFacts fb = FactsAbout(b.name, records);
  std::vector<std::string> only_one;
  for (const auto& field : fa.order) {
    if (fb.by_field.count(field)) {
      c.subjects[0].facts.push_back(fa.by_field[field]);
      c.subjects[1].facts.push_back(fb.by_field[field]);
    } else {
      only_one.push_back(fmt::format("{} ({})", field, a.name));
    }
  }
  for (const auto& field : fb.order) {
    if (!fa.by_field.count(field)) only_one.push_back(fmt::format("{} ({})", field, b.name));
  }
  c.panel = ScorePanel(RubricFactsFromLedger(a.name, records),
                       RubricFactsFromLedger(b.name, records), today);
  c.decision = KeyNumberRows(c, OfflineKeyNumberFields());
  notes.insert(notes.begin(), std::string(kOfflineDisclaimer));
  if (!only_one.empty()) {
    notes.push_back(
        fmt::format("Facts known for one side only are left out of the side-by-side facts: {}.",
                    fmt::join(only_one, ", ")));
  }
  c.flags.notes = std::move(notes);
  return c;
}

nlohmann::json SubmissionArguments(const Comparison& comparison) {
  nlohmann::json j = ComparisonToJsonValue(comparison);
  for (const char* owned : {"schema", "generated_at", "session", "provider", "model", "cost",
                            "verdict", "evidence", "flags", "override_comment"}) {
    j.erase(owned);
  }
  j["notes"] = comparison.flags.notes;
  return j;
}

Result<Response> OfflineProvider::Complete(const LlmRequest& request,
                                           const std::function<void(std::string_view)>& on_delta) {
  auto answer = [&](Response r) -> Result<Response> {
    if (on_delta && !r.message.Text().empty()) on_delta(r.message.Text());
    return r;
  };
  if (request.tool_choice.mode == ToolChoice::Mode::kNone || request.tools.empty()) {
    return answer(TextResponse(
        "Offline researcher: the plan is fixed (catalog facts, look-ups, rubric panel, draft); "
        "nothing to re-plan or summarise beyond the evidence ledger."));
  }
  // The subjects, from the task line the compare workflow writes.
  std::string id_a, id_b;
  bool answered_before = false;
  for (const auto& m : request.messages) {
    if (m.role == Role::kAssistant) answered_before = true;
    if (m.role != Role::kUser || !id_a.empty()) continue;
    const std::string text = m.Text();
    std::size_t pos = text.find(kIdsPrefix);
    if (pos == std::string::npos) continue;
    std::string rest = text.substr(pos + kIdsPrefix.size());
    rest = rest.substr(0, rest.find('\n'));
    std::size_t comma = rest.find(", ");
    if (comma == std::string::npos) continue;
    id_a = rest.substr(0, comma);
    id_b = rest.substr(comma + 2);
  }
  const config::CatalogEntry* a = catalog_.FindById(id_a);
  const config::CatalogEntry* b = catalog_.FindById(id_b);
  if (a == nullptr || b == nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                "the offline researcher needs a task with a \"Catalog ids: a, b\" line naming two "
                "catalog entries");
  }
  const bool must_submit = request.tool_choice.mode == ToolChoice::Mode::kTool;
  if (!answered_before && !must_submit) {
    std::vector<ToolUseBlock> calls;
    int n = 0;
    auto call = [&](const char* tool, nlohmann::json args) {
      if (!Offers(request, tool)) return;
      calls.push_back(ToolUseBlock{fmt::format("offline-{}", ++n), tool, args.dump()});
    };
    for (const config::CatalogEntry* e : {a, b}) {
      call("catalog_facts", {{"subject", e->name}});
      call("doc_search", {{"query", e->name}, {"subject", e->name}});
      if (!e->github.empty()) call("github_lookup", {{"repo", e->github}});
      if (!e->hf_ids.empty()) call("hub_lookup", {{"model_id", e->hf_ids.front()}});
    }
    if (!calls.empty()) return answer(ToolCallResponse(std::move(calls)));
  }
  // A draft already rejected cannot be improved by a fixed plan: say so instead of resubmitting.
  std::map<std::string, ToolCall> calls = CallsById(request.messages);
  std::vector<std::string> notes;
  std::string evidence_id;
  static const std::regex kEvidenceId("\\bev-[0-9]+\\b");
  for (const auto& m : request.messages) {
    for (const auto& block : m.content) {
      const auto* result = std::get_if<ToolResultBlock>(&block);
      if (result == nullptr) continue;
      auto it = calls.find(result->tool_use_id);
      const std::string tool = it == calls.end() ? "" : it->second.name;
      if (tool == "submit_draft" && result->is_error) {
        return answer(TextResponse(
            "Offline researcher: submit_draft rejected the draft and a fixed plan cannot revise "
            "it; the problems are above."));
      }
      if (result->is_error && (tool == "github_lookup" || tool == "hub_lookup")) {
        nlohmann::json args = nlohmann::json::parse(it->second.arguments, nullptr, false);
        std::string target =
            args.is_object() ? args.value("repo", args.value("model_id", "")) : std::string();
        notes.push_back(
            fmt::format("{} {}: unreachable ({})", tool, target, FirstLine(result->content)));
      }
      std::smatch match;
      if (evidence_id.empty() && std::regex_search(result->content, match, kEvidenceId)) {
        evidence_id = match.str();
      }
    }
  }
  std::vector<tools::EvidenceRecord> records;
  if (!evidence_id.empty()) {
    if (auto first = store_.GetEvidence(evidence_id)) {
      for (const auto& r : store_.ListEvidence(first->session_id)) {
        records.push_back(ToToolRecord(r));
      }
    }
  }
  // A send-back (agent/review/feedback.h): a fixed plan cannot rewrite its text, so the revision
  // is the draft rebuilt from the ledger as it stands now, and says so with the feedback quoted.
  for (const auto& m : request.messages) {
    if (m.role != Role::kUser) continue;
    if (auto feedback = ParseReviewerFeedback(m.Text())) {
      notes.push_back(fmt::format(
          "Reviewer feedback on draft {}: \"{}\". The offline researcher cannot rewrite its "
          "text; this version was rebuilt from the evidence ledger as it stands now.",
          feedback->draft_id, feedback->feedback));
    }
  }
  const auto today = std::chrono::floor<std::chrono::days>(clock_.Now());
  Comparison draft = OfflineComparison(*a, *b, records, today, std::move(notes));
  return answer(ToolCallResponse(
      {ToolUseBlock{"offline-draft", "submit_draft", SubmissionArguments(draft).dump()}}));
}

}  // namespace intern::agent
