#include "agent/workflow_tools.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "agent/comparison_json.h"
#include "agent/comparison_validator.h"
#include "agent/link_check.h"
#include "agent/resolve.h"

namespace intern::agent {
namespace {

// Where the entry-level fields (kind, licence, ...) are documented: the first link the catalog
// gives, so the row can be checked like any fact.
std::string EntrySource(const config::CatalogEntry& entry) {
  for (const std::string* url :
       {&entry.links.home, &entry.links.docs, &entry.links.repo, &entry.links.hf}) {
    if (!url->empty()) return *url;
  }
  if (!entry.github.empty()) return "https://github.com/" + entry.github;
  return "";
}

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(secs));
}

}  // namespace

std::string CatalogFactsTool::description() const {
  return "Record what intern's catalog knows about a tool (dated facts with their sources, plus "
         "kind, category, organisation, licence and pricing) as evidence you can cite. Call it "
         "once per subject before other look-ups.";
}

const nlohmann::json& CatalogFactsTool::schema() const {
  static const nlohmann::json kSchema = nlohmann::json::parse(R"({
    "type": "object",
    "properties": {
      "subject": {"type": "string", "minLength": 1,
                  "description": "The tool's name as the task gives it, e.g. \"Gemma 3n\""}
    },
    "required": ["subject"],
    "additionalProperties": false
  })");
  return kSchema;
}

tools::ToolResult CatalogFactsTool::Run(const nlohmann::json& args, tools::ToolContext& ctx) {
  const std::string subject = args.at("subject").get<std::string>();
  Result<Resolution> resolved = Resolve(subject, catalog_);
  if (!resolved.ok()) return tools::ToolResult::Error(resolved.message());
  if (!resolved.value().resolved()) {
    std::vector<std::string> names;
    for (const auto& c : resolved.value().candidates) names.push_back(c.entry.name);
    std::string message =
        fmt::format("no catalog entry matches \"{}\"; use the name the task gave", subject);
    if (!names.empty()) message += fmt::format(" (close: {})", fmt::join(names, ", "));
    return tools::ToolResult::Error(message);
  }
  const config::CatalogEntry& entry = *resolved.value().entry;
  const std::string title = fmt::format("{} (intern catalog)", entry.name);
  std::vector<tools::EvidenceDraft> drafts;
  auto add = [&](const std::string& field, const std::string& value, const std::string& source,
                 const std::string& quote) {
    if (value.empty() || source.empty()) return;
    tools::EvidenceDraft d;
    d.subject = entry.name;
    d.kind = "fact";
    d.field = field;
    d.value = value;
    d.source_url = source;
    d.title = title;
    d.quote = quote;
    d.tool = "catalog_facts";
    drafts.push_back(std::move(d));
  };
  const std::string home = EntrySource(entry);
  add("kind", entry.kind, home, "kind: " + entry.kind);
  add("category", entry.category, home, "category: " + entry.category);
  add("organisation", entry.organisation, home, "organisation: " + entry.organisation);
  add("licence", entry.licence, home, "licence: " + entry.licence);
  add("pricing", entry.pricing.model, home,
      fmt::format("pricing: {} ({})", entry.pricing.model, entry.pricing.entry));
  // A docs page or, for a model, its model card: whether a newcomer has something to read.
  const std::string& docs = entry.links.docs.empty() ? entry.links.hf : entry.links.docs;
  add("docs", docs, docs, "documentation: " + docs);
  if (std::find(entry.topics.begin(), entry.topics.end(), "on-device") != entry.topics.end()) {
    add("on_device", "yes", home, "catalog topic: on-device");
  }
  for (const auto& fact : entry.facts) {
    add(fact.field, fact.value, fact.source,
        fmt::format("{}: {} (checked {})", fact.field, fact.value, fact.checked));
  }
  tools::ToolResult result;
  result.content =
      fmt::format("{} — {} rows recorded from the catalog:\n", entry.name, drafts.size());
  for (const auto& d : drafts) {
    Result<std::string> id = ctx.ledger.Record(d);
    if (!id.ok()) return tools::ToolResult::Error("recording catalog facts: " + id.message());
    result.content += fmt::format("{} {}: {} <{}>\n", id.value(), d.field, d.value, d.source_url);
    result.evidence_ids.push_back(id.value());
  }
  return result;
}

std::string SubmitDraftTool::description() const {
  return "Submit the comparison draft for human review. Every fact and panel take must cite "
         "evidence ids from this session's ledger; both subjects should use the same fact "
         "fields. If the result lists problems, fix them and submit again.";
}

const nlohmann::json& SubmitDraftTool::schema() const {
  static const nlohmann::json kSchema = [] {
    nlohmann::json s = SubmitDraftSchema();
    s["properties"]["notes"] = {
        {"type", "array"},
        {"items", {{"type", "string"}}},
        {"description",
         "Things the reader must know that are not facts: sources that were unreachable, "
         "gaps in the evidence."}};
    // The offline researcher lists the rubric signals behind each score; a model may too.
    s["properties"]["panel"]["items"]["properties"]["takes"]["items"]["properties"]["signals"] = {
        {"type", "array"},
        {"items", {{"type", "string"}}},
        {"description", "what produced the score, one signal each"}};
    return s;
  }();
  return kSchema;
}

tools::ToolResult SubmitDraftTool::Run(const nlohmann::json& args, tools::ToolContext& ctx) {
  nlohmann::json submission = args;
  std::vector<std::string> notes;
  if (submission.contains("notes")) {
    for (const auto& n : submission["notes"]) notes.push_back(n.get<std::string>());
    submission.erase("notes");
  }
  ParsedComparison parsed = ParseDraftSubmission(submission);
  if (!parsed.problems.empty()) {
    std::string text =
        "The draft was not stored. Fix these problems and call submit_draft again:\n";
    for (const auto& p : parsed.problems) text += "- " + p + "\n";
    return tools::ToolResult::Error(text);
  }
  Comparison doc = std::move(parsed.comparison);
  doc.session = ctx.session_id;
  doc.provider = stamp_.provider;
  doc.model = stamp_.model;
  doc.generated_at = Rfc3339(ctx.clock.Now());
  if (auto session = store_.GetSession(ctx.session_id)) {
    doc.cost.usd = session->cost_usd;
    doc.cost.tokens = session->usage.total();
  }
  doc.flags.notes = notes;
  // Only this session's evidence may be cited: another session's ids are not what it researched.
  const std::string session_id = ctx.session_id;
  tools::EvidenceLedger& ledger = ctx.ledger;
  EvidenceLookup lookup = [&ledger, session_id](const std::string& id) {
    std::optional<tools::EvidenceRecord> record = ledger.Get(id);
    if (record && record->session_id != session_id) return std::optional<tools::EvidenceRecord>();
    return record;
  };
  PrepareForValidation(doc, lookup);
  std::vector<ValidationProblem> problems = Validate(doc, lookup);
  KnownLinks known;
  for (const sessions::EvidenceRecord& r : store_.ListEvidence(session_id))
    known.Add(r.input.source_url);
  for (const Subject& subject : doc.subjects) {
    Result<Resolution> resolved = Resolve(subject.name, catalog_);
    if (resolved.ok() && resolved.value().resolved())
      known.AddCatalogEntry(*resolved.value().entry);
  }
  for (ValidationProblem& p : CheckLinks(doc, known)) problems.push_back(std::move(p));
  if (!Storable(problems)) {
    return tools::ToolResult::Error(
        "The draft was not stored. Fix these problems and call submit_draft again:\n" +
        FormatProblems(problems));
  }
  sessions::DraftRecord record;
  record.session_id = ctx.session_id;
  record.title = doc.title;
  record.document = ComparisonToJson(doc);
  if (doc.flags.one_sided) record.flags.push_back("one_sided");
  if (doc.provider == kOfflineProvider) record.flags.push_back("offline");
  sessions::DraftRecord stored = store_.CreateDraft(std::move(record));
  std::string text = fmt::format("Draft {} stored for review (pending_review).", stored.id);
  for (const auto& p : problems) text += "\nFlag: " + p.message;
  return {text, false, {}};
}

std::string LatestDraftId(const sessions::Store& store, const std::string& session_id) {
  std::vector<sessions::DraftRecord> drafts = store.ListDrafts(std::nullopt, session_id);
  return drafts.empty() ? std::string() : drafts.front().id;
}

}  // namespace intern::agent
