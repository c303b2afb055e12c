// Writing the comparison document as JSON (agent/comparison_json.h).
#include "agent/comparison_json.h"

namespace intern::agent {
namespace {

using nlohmann::json;

json Ids(const std::vector<std::string>& ids) { return json(ids); }

json TakeToJson(const SubjectTake& t) {
  if (t.abstain) return json{{"abstain", true}, {"abstain_reason", t.abstain_reason}};
  json j = json::object();
  j["score"] = t.score;
  j["verdict"] = std::string(VerdictName(t.verdict));
  j["rationale"] = t.rationale;
  if (!t.exception.empty()) j["exception"] = t.exception;
  j["evidence_ids"] = Ids(t.evidence_ids);
  if (!t.signals.empty()) j["signals"] = t.signals;
  return j;
}

json SubjectToJson(const Subject& s) {
  json links = json::array();
  for (const Link& l : s.links) links.push_back({{"label", l.label}, {"url", l.url}});
  json facts = json::array();
  for (const Fact& f : s.facts)
    facts.push_back(
        {{"field", f.field}, {"value", f.value}, {"evidence_ids", Ids(f.evidence_ids)}});
  json j = json::object();
  j["name"] = s.name;
  j["tagline"] = s.tagline;
  j["summary"] = s.summary;
  j["category"] = s.category;
  j["kind"] = s.kind;
  j["organisation"] = s.organisation;
  j["pricing"] = {{"model", s.pricing.model}, {"entry", s.pricing.entry}};
  j["licence"] = s.licence;
  j["links"] = links;
  j["facts"] = facts;
  return j;
}

}  // namespace

json ComparisonToJsonValue(const Comparison& c) {
  json j = json::object();
  j["schema"] = c.schema;
  j["title"] = c.title;
  j["question"] = c.question;
  j["generated_at"] = c.generated_at;
  j["session"] = c.session;
  j["provider"] = c.provider;
  j["model"] = c.model;
  j["cost"] = {{"usd", c.cost.usd}, {"tokens", c.cost.tokens}};
  j["subjects"] = json::array({SubjectToJson(c.subjects[0]), SubjectToJson(c.subjects[1])});
  json panel = json::array();
  for (const PanelTake& p : c.panel)
    panel.push_back({{"persona", std::string(PersonaName(p.persona))},
                     {"takes", json::array({TakeToJson(p.takes[0]), TakeToJson(p.takes[1])})}});
  j["panel"] = panel;
  json verdict = json::array();
  for (const SubjectVerdict& v : c.verdict)
    verdict.push_back({{"label", v.label},
                       {"ship_share", v.ship_share},
                       {"ship", v.ship},
                       {"skip", v.skip},
                       {"abstain", v.abstain}});
  j["verdict"] = verdict;
  json decision = json::array();
  for (const DecisionRow& r : c.decision)
    decision.push_back({{"label", r.label},
                        {"left", r.left},
                        {"right", r.right},
                        {"evidence_ids", r.evidence_ids}});
  j["decision"] = decision;
  json benchmarks = json::array();
  for (const Benchmark& b : c.benchmarks)
    benchmarks.push_back({{"subject", b.subject},
                          {"name", b.name},
                          {"figures",
                           {{"median", b.figures.median},
                            {"min", b.figures.min},
                            {"max", b.figures.max},
                            {"unit", b.figures.unit}}},
                          {"receipt_id", b.receipt_id},
                          {"evidence_ids", b.evidence_ids}});
  j["benchmarks"] = benchmarks;
  json evidence = json::array();
  for (const EvidenceItem& e : c.evidence)
    evidence.push_back({{"id", e.id},
                        {"subject", e.subject},
                        {"source_url", e.source_url},
                        {"title", e.title},
                        {"quote", e.quote},
                        {"retrieved_at", e.retrieved_at},
                        {"tool", e.tool}});
  j["evidence"] = evidence;
  j["flags"] = {{"one_sided", c.flags.one_sided},
                {"gaps", c.flags.gaps},
                {"over_budget", c.flags.over_budget},
                {"notes", c.flags.notes}};
  j["override_comment"] = c.override_comment;
  return j;
}

std::string ComparisonToJson(const Comparison& comparison) {
  return ComparisonToJsonValue(comparison).dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace intern::agent
