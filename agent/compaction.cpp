#include "agent/compaction.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace intern::agent {
namespace {

bool IsTurnStart(const Message& m) {
  return (m.role == Role::kUser || m.role == Role::kAssistant) && !m.HasToolResult();
}

std::string CutUtf8(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

std::string Flatten(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IdChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

std::vector<std::string> FindEvidenceIds(std::string_view line) {
  std::vector<std::string> ids;
  for (std::size_t pos = line.find("ev-"); pos != std::string_view::npos;
       pos = line.find("ev-", pos + 1)) {
    if (pos > 0 && IdChar(line[pos - 1])) continue;  // "prev-1" is not an id
    std::size_t end = pos + 3;
    while (end < line.size() && IdChar(line[end])) ++end;
    while (end > pos + 3 && (line[end - 1] == '-' || line[end - 1] == '_')) --end;
    if (end == pos + 3) continue;
    std::string id(line.substr(pos, end - pos));
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

// "- text [ev-1, ev-2]" -> "text": drops a trailing bracket or parenthesis group naming ids.
std::string FactText(std::string_view line) {
  line = Trim(line);
  for (char open : {'[', '('}) {
    char close = open == '[' ? ']' : ')';
    if (!line.empty() && line.back() == close) {
      auto at = line.rfind(open);
      if (at != std::string_view::npos && line.substr(at).find("ev-") != std::string_view::npos) {
        return std::string(Trim(line.substr(0, at)));
      }
    }
  }
  return std::string(line);
}

enum class Section { kNone, kSubjects, kFacts, kOpen, kSources, kPlan };

// The section a line opens, or nullopt when the line is not a heading.
std::optional<Section> HeadingOf(std::string_view line) {
  bool hashed = false;
  while (!line.empty() && line.front() == '#') {
    line.remove_prefix(1);
    hashed = true;
  }
  line = Trim(line);
  // "**Facts**" as some models write headings.
  while (line.size() >= 2 && line.front() == '*' && line.back() == '*')
    line = Trim(line.substr(1, line.size() - 2));
  bool colon = !line.empty() && line.back() == ':';
  if (colon) line.remove_suffix(1);
  if (!hashed && !colon) return std::nullopt;
  std::string name = Lower(Trim(line));
  auto starts = [&name](const char* p) { return name.rfind(p, 0) == 0; };
  if (starts("subject")) return Section::kSubjects;
  if (starts("fact")) return Section::kFacts;
  if (starts("open question") || starts("question")) return Section::kOpen;
  if (starts("source")) return Section::kSources;
  if (starts("plan")) return Section::kPlan;
  if (hashed) return Section::kNone;  // an unknown section: its lines are ignored
  return std::nullopt;
}

std::string_view StripBullet(std::string_view line) {
  line = Trim(line);
  if (line.rfind("•", 0) == 0) return Trim(line.substr(std::string_view("•").size()));
  if (!line.empty() && (line.front() == '-' || line.front() == '*' || line.front() == '+')) {
    return Trim(line.substr(1));
  }
  std::size_t digits = 0;
  while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
  if (digits > 0 && digits < line.size() && (line[digits] == '.' || line[digits] == ')')) {
    return Trim(line.substr(digits + 1));
  }
  return line;
}

void AppendList(std::string& out, const char* heading, const std::vector<std::string>& items) {
  out += heading;
  out += '\n';
  for (const auto& item : items) out += "- " + item + "\n";
  out += '\n';
}

}  // namespace

std::int64_t EstimateTokens(std::int64_t last_prompt_tokens, std::int64_t chars_added_since,
                            double chars_per_token) {
  if (!(chars_per_token > 0)) chars_per_token = kDefaultCharsPerToken;
  std::int64_t added = chars_added_since > 0
                           ? static_cast<std::int64_t>(std::ceil(
                                 static_cast<double>(chars_added_since) / chars_per_token))
                           : 0;
  return std::max<std::int64_t>(last_prompt_tokens, 0) + added;
}

double CalibrateCharsPerToken(double current, std::int64_t measured_chars,
                              std::int64_t measured_tokens) {
  if (!(current > 0)) current = kDefaultCharsPerToken;
  if (measured_chars <= 0 || measured_tokens <= 0) return current;
  double measured = static_cast<double>(measured_chars) / static_cast<double>(measured_tokens);
  return std::clamp((current + measured) / 2.0, 1.0, 12.0);
}

bool ShouldCompact(std::int64_t estimate, std::int64_t context_window, double trigger_ratio) {
  if (context_window <= 0) return false;
  return static_cast<double>(estimate) > static_cast<double>(context_window) * trigger_ratio;
}

CompactionPlan PlanCompaction(const std::vector<Message>& messages, int keep_turns) {
  const std::size_t n = messages.size();
  CompactionPlan plan;
  plan.size = n;
  std::size_t i = 0;
  while (i < n && messages[i].role == Role::kSystem) ++i;
  if (i < n && messages[i].role == Role::kUser && !messages[i].HasToolResult()) ++i;
  plan.prefix_end = i;

  std::vector<std::size_t> starts;
  for (std::size_t j = plan.prefix_end; j < n; ++j) {
    if (IsTurnStart(messages[j])) starts.push_back(j);
  }
  if (keep_turns <= 0) {
    plan.tail_begin = n;
  } else if (starts.size() <= static_cast<std::size_t>(keep_turns)) {
    plan.tail_begin = plan.prefix_end;
  } else {
    plan.tail_begin = starts[starts.size() - static_cast<std::size_t>(keep_turns)];
  }

  // Grow the tail back until every tool result in it has its tool_use in it too.
  for (;;) {
    std::set<std::string> uses;
    for (std::size_t j = plan.tail_begin; j < n; ++j) {
      for (const auto& b : messages[j].content) {
        if (const auto* u = std::get_if<ToolUseBlock>(&b)) uses.insert(u->id);
      }
    }
    std::size_t begin = plan.tail_begin;
    for (std::size_t j = plan.tail_begin; j < n; ++j) {
      for (const auto& b : messages[j].content) {
        const auto* r = std::get_if<ToolResultBlock>(&b);
        if (r == nullptr || uses.count(r->tool_use_id) > 0) continue;
        for (std::size_t k = plan.tail_begin; k-- > plan.prefix_end;) {
          bool found = false;
          for (const auto& kb : messages[k].content) {
            const auto* u = std::get_if<ToolUseBlock>(&kb);
            if (u != nullptr && u->id == r->tool_use_id) found = true;
          }
          if (found) {
            begin = std::min(begin, k);
            break;
          }
        }
      }
    }
    if (begin == plan.tail_begin) break;
    plan.tail_begin = begin;
  }
  return plan;
}

std::vector<Message> AssembleCompacted(const std::vector<Message>& messages,
                                       const CompactionPlan& plan, std::string_view digest,
                                       std::string_view summary) {
  std::vector<Message> out(messages.begin(),
                           messages.begin() + static_cast<std::ptrdiff_t>(plan.prefix_end));
  std::string note =
      "[Earlier turns of this session were compacted. The evidence ledger below is complete; "
      "the summary covers the compacted turns.]\n\n";
  note += digest;
  note += "\n\n";
  note += summary;
  out.push_back(Message::User(std::move(note)));
  out.insert(out.end(), messages.begin() + static_cast<std::ptrdiff_t>(plan.tail_begin),
             messages.end());
  return out;
}

std::vector<Message> ReplaceOldToolResults(const std::vector<Message>& messages,
                                           std::size_t keep_from, const HandleFor& handle_for,
                                           int* replaced) {
  std::vector<Message> out = messages;
  int count = 0;
  for (std::size_t i = 0; i < std::min(keep_from, out.size()); ++i) {
    for (auto& b : out[i].content) {
      auto* r = std::get_if<ToolResultBlock>(&b);
      if (r == nullptr || !handle_for) continue;
      if (auto handle = handle_for(*r)) {
        r->content = std::move(*handle);
        ++count;
      }
    }
  }
  if (replaced != nullptr) *replaced = count;
  return out;
}

const char* LadderActionName(LadderAction action) {
  switch (action) {
    case LadderAction::kSummarise:
      return "summarise";
    case LadderAction::kReplaceBodies:
      return "replace_bodies";
    case LadderAction::kSend:
      return "send";
    case LadderAction::kContextExhausted:
      return "context_exhausted";
  }
  return "send";
}

LadderStep NextLadderStep(const LadderState& state, LadderOutcome outcome,
                          int max_summary_attempts) {
  LadderStep step;
  step.next = state;
  if (state.done) {  // a finished episode answers the same way forever: no loop can restart it
    step.action = state.bodies_replaced && outcome != LadderOutcome::kFits
                      ? LadderAction::kContextExhausted
                      : LadderAction::kSend;
    return step;
  }
  auto summarise = [&] {
    step.action = LadderAction::kSummarise;
    ++step.next.summary_attempts;
  };
  auto replace_or_give_up = [&] {
    if (!state.bodies_replaced) {
      step.action = LadderAction::kReplaceBodies;
      step.next.bodies_replaced = true;
    } else {
      step.action = LadderAction::kContextExhausted;
      step.next.done = true;
    }
  };
  switch (outcome) {
    case LadderOutcome::kFits:
      step.action = LadderAction::kSend;
      step.next.done = true;
      break;
    case LadderOutcome::kStart:
      if (state.summary_attempts == 0 && !state.bodies_replaced && max_summary_attempts > 0) {
        summarise();
      } else {
        replace_or_give_up();
      }
      break;
    case LadderOutcome::kSummariserFailed:
      if (state.summary_attempts < max_summary_attempts && !state.bodies_replaced) {
        summarise();
      } else {
        replace_or_give_up();
      }
      break;
    case LadderOutcome::kStillTooLarge:
      replace_or_give_up();
      break;
  }
  return step;
}

DigestEntry DigestEntryFrom(const tools::EvidenceRecord& record) {
  const auto& d = record.draft;
  DigestEntry e{record.id, d.subject, d.field, d.value, d.source_url};
  if (d.field.empty() && !d.kind.empty() && d.kind != "fact") e.value = d.kind + ": " + d.value;
  return e;
}

std::string LedgerDigest(const std::vector<DigestEntry>& entries, std::size_t max_value_chars) {
  std::string out = "Evidence ledger (" + std::to_string(entries.size()) +
                    (entries.size() == 1 ? " record):\n" : " records):\n");
  std::vector<std::string> subjects;
  for (const auto& e : entries) {
    if (std::find(subjects.begin(), subjects.end(), e.subject) == subjects.end())
      subjects.push_back(e.subject);
  }
  for (const auto& subject : subjects) {
    out += "[" + (subject.empty() ? std::string("(no subject)") : Flatten(subject)) + "]\n";
    for (const auto& e : entries) {
      if (e.subject != subject) continue;
      out += "- " + e.id + " ";
      if (!e.field.empty()) out += Flatten(e.field) + " = ";
      out += CutUtf8(Flatten(e.value), max_value_chars);
      if (!e.source.empty()) out += " (" + Flatten(e.source) + ")";
      out += '\n';
    }
  }
  return out;
}

std::string RenderSummary(const ResearchSummary& s) {
  std::string out;
  AppendList(out, "## Subjects", s.subjects);
  out += "## Facts\n";
  for (const auto& f : s.facts) {
    out += "- " + f.text;
    if (!f.evidence_ids.empty()) {
      out += " [";
      for (std::size_t i = 0; i < f.evidence_ids.size(); ++i) {
        if (i > 0) out += ", ";
        out += f.evidence_ids[i];
      }
      out += "]";
    }
    out += '\n';
  }
  out += '\n';
  AppendList(out, "## Open questions", s.open_questions);
  AppendList(out, "## Sources visited", s.sources);
  out += "## Plan status\n" + s.plan_status + "\n";
  return out;
}

ResearchSummary ParseSummary(std::string_view text) {
  ResearchSummary s;
  Section section = Section::kNone;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (auto heading = HeadingOf(Trim(line))) {
      section = *heading;
      continue;
    }
    std::string_view item = StripBullet(line);
    if (item.empty()) continue;
    switch (section) {
      case Section::kNone:
        break;
      case Section::kSubjects:
        s.subjects.emplace_back(item);
        break;
      case Section::kFacts:
        s.facts.push_back(SummaryFact{FactText(item), FindEvidenceIds(item)});
        break;
      case Section::kOpen:
        s.open_questions.emplace_back(item);
        break;
      case Section::kSources:
        s.sources.emplace_back(item);
        break;
      case Section::kPlan:
        if (!s.plan_status.empty()) s.plan_status += '\n';
        s.plan_status += std::string(Trim(line));
        break;
    }
    if (end == text.size()) break;
  }
  return s;
}

std::string RepairSummary(const ResearchSummary& summary, const std::vector<DigestEntry>& ledger) {
  std::set<std::string> cited;
  for (const auto& f : summary.facts) cited.insert(f.evidence_ids.begin(), f.evidence_ids.end());
  std::vector<DigestEntry> missing;
  for (const auto& e : ledger) {
    if (cited.count(e.id) == 0) missing.push_back(e);
  }
  std::string out = RenderSummary(summary);
  if (!missing.empty()) out += "\nEvidence not cited above:\n" + LedgerDigest(missing);
  return out;
}

}  // namespace intern::agent
