#include "agent/doom_loop.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "agent/canonical_json.h"

namespace intern::agent {
namespace {

std::uint64_t CallSignature(const ToolCallSummary& c) {
  std::string key = c.tool;
  key += '\0';
  key += std::to_string(c.args_hash);
  key += '\0';
  key += std::to_string(c.result_hash);
  key += c.is_error ? "\0e" : "\0o";
  return StableHash(key);
}

// 0 = no signature (a step without tool calls).
std::uint64_t StepSignature(const StepSummary& step) {
  if (step.calls.empty()) return 0;
  std::vector<std::uint64_t> sigs;
  for (const auto& c : step.calls) sigs.push_back(CallSignature(c));
  std::sort(sigs.begin(), sigs.end());
  std::string key;
  for (auto s : sigs) key += std::to_string(s) + ",";
  std::uint64_t h = StableHash(key);
  return h == 0 ? 1 : h;
}

bool HadToolCall(const StepSummary& s) { return s.had_tool_call || !s.calls.empty(); }

std::string Shorten(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = max;
  // Do not cut inside a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

std::string DescribeCall(const ToolCallSummary& c, const DoomLoopOptions& o) {
  return c.tool + " " + Shorten(c.args_text, o.max_args_display);
}

std::string DescribeStep(const StepSummary& s, const DoomLoopOptions& o) {
  if (s.calls.empty()) return "(no tool call)";
  std::string out;
  for (std::size_t i = 0; i < s.calls.size(); ++i) {
    if (i > 0) out += "; ";
    out += DescribeCall(s.calls[i], o);
  }
  return out;
}

std::string LastCallText(const std::vector<const StepSummary*>& seq, const DoomLoopOptions& o) {
  for (auto it = seq.rbegin(); it != seq.rend(); ++it) {
    if (!(*it)->calls.empty()) return DescribeStep(**it, o);
  }
  return "none";
}

std::optional<Detection> RepeatedFailure(const std::vector<const StepSummary*>& seq,
                                         const DoomLoopOptions& o) {
  if (seq.empty() || o.failure_threshold <= 0) return std::nullopt;
  std::map<std::pair<std::string, std::uint64_t>, int> failures;
  for (const auto* step : seq) {
    for (const auto& c : step->calls) {
      auto key = std::make_pair(c.tool, c.args_hash);
      if (c.is_error) {
        ++failures[key];
      } else {
        failures[key] = 0;
      }
    }
  }
  for (const auto& c : seq.back()->calls) {
    if (!c.is_error) continue;
    int n = failures[std::make_pair(c.tool, c.args_hash)];
    if (n >= o.failure_threshold) {
      return Detection{DoomPattern::kRepeatedFailure, "repeated_failure: the same call failed " +
                                                          std::to_string(n) +
                                                          " times: " + DescribeCall(c, o)};
    }
  }
  return std::nullopt;
}

std::optional<Detection> RepeatedCall(const std::vector<const StepSummary*>& seq,
                                      const std::vector<std::uint64_t>& sigs,
                                      const DoomLoopOptions& o) {
  auto k = static_cast<std::size_t>(std::max(o.repeat_threshold, 2));
  if (sigs.size() < k || sigs.back() == 0) return std::nullopt;
  for (std::size_t i = sigs.size() - k; i < sigs.size(); ++i) {
    if (sigs[i] != sigs.back()) return std::nullopt;
  }
  return Detection{DoomPattern::kRepeatedCall,
                   "repeated_call: the same call " + std::to_string(k) +
                       " times in a row with the same result: " + DescribeStep(*seq.back(), o)};
}

std::optional<Detection> Cycle(const std::vector<const StepSummary*>& seq,
                               const std::vector<std::uint64_t>& sigs, const DoomLoopOptions& o) {
  const std::size_t n = sigs.size();
  for (int len = std::max(o.min_cycle, 2); len <= o.max_cycle; ++len) {
    auto l = static_cast<std::size_t>(len);
    if (n < 2 * l) break;
    bool match = true;
    bool varied = false;
    for (std::size_t i = 0; i < l && match; ++i) {
      std::uint64_t a = sigs[n - 2 * l + i];
      std::uint64_t b = sigs[n - l + i];
      if (a == 0 || a != b) match = false;
      if (b != sigs[n - l]) varied = true;
    }
    if (!match || !varied) continue;
    std::string calls;
    for (std::size_t i = n - l; i < n; ++i) {
      if (!calls.empty()) calls += " -> ";
      calls += DescribeStep(*seq[i], o);
    }
    return Detection{DoomPattern::kCycle,
                     "cycle: a cycle of " + std::to_string(l) + " calls repeated twice: " + calls};
  }
  return std::nullopt;
}

std::optional<Detection> NoToolCalls(const std::vector<const StepSummary*>& seq,
                                     const DoomLoopOptions& o) {
  auto k = static_cast<std::size_t>(std::max(o.no_tool_call_turns, 1));
  if (seq.size() < k) return std::nullopt;
  for (std::size_t i = seq.size() - k; i < seq.size(); ++i) {
    if (HadToolCall(*seq[i]) || seq[i]->draft_progress) return std::nullopt;
  }
  return Detection{DoomPattern::kNoToolCalls,
                   "no_tool_calls: " + std::to_string(k) +
                       " assistant turns in a row without a tool call or draft progress"};
}

std::optional<Detection> Stagnation(const std::vector<const StepSummary*>& seq,
                                    const DoomLoopOptions& o) {
  auto k = static_cast<std::size_t>(std::max(o.stagnation_steps, 1));
  if (seq.size() < k) return std::nullopt;
  for (std::size_t i = seq.size() - k; i < seq.size(); ++i) {
    if (seq[i]->new_evidence > 0 || seq[i]->draft_progress) return std::nullopt;
  }
  return Detection{DoomPattern::kStagnation,
                   "stagnation: " + std::to_string(k) +
                       " iterations in a row added no new evidence and no draft "
                       "progress; last call: " +
                       LastCallText(seq, o)};
}

}  // namespace

const char* DoomPatternName(DoomPattern pattern) {
  switch (pattern) {
    case DoomPattern::kRepeatedFailure:
      return "repeated_failure";
    case DoomPattern::kRepeatedCall:
      return "repeated_call";
    case DoomPattern::kCycle:
      return "cycle";
    case DoomPattern::kNoToolCalls:
      return "no_tool_calls";
    case DoomPattern::kStagnation:
      return "stagnation";
  }
  return "unknown";
}

const char* EscalationActionName(EscalationAction action) {
  switch (action) {
    case EscalationAction::kContinue:
      return "continue";
    case EscalationAction::kGuard:
      return "guard";
    case EscalationAction::kReplan:
      return "replan";
    case EscalationAction::kStop:
      return "stop";
  }
  return "continue";
}

ToolCallSummary SummariseToolCall(std::string tool, std::string_view args_json,
                                  std::string_view result_content, bool is_error) {
  ToolCallSummary s;
  s.tool = std::move(tool);
  s.args_hash = CanonicalJsonHash(args_json);
  s.result_hash = StableHash(result_content);
  s.is_error = is_error;
  s.args_text = std::string(args_json);
  return s;
}

StepSummary SummariseStep(const Message& assistant, const std::vector<Message>& results,
                          int new_evidence, bool draft_progress) {
  StepSummary step;
  step.new_evidence = new_evidence;
  step.draft_progress = draft_progress;
  for (const auto& call : assistant.ToolCalls()) {
    const ToolResultBlock* found = nullptr;
    for (const auto& m : results) {
      for (const auto& b : m.content) {
        const auto* r = std::get_if<ToolResultBlock>(&b);
        if (r != nullptr && r->tool_use_id == call.id) found = r;
      }
    }
    step.calls.push_back(found != nullptr ? SummariseToolCall(call.name, call.arguments,
                                                              found->content, found->is_error)
                                          : SummariseToolCall(call.name, call.arguments, "", true));
  }
  step.had_tool_call = !step.calls.empty();
  return step;
}

std::optional<Detection> DetectDoomLoop(const std::vector<StepSummary>& steps,
                                        std::size_t first_step, const DoomLoopOptions& options) {
  std::vector<const StepSummary*> seq;
  for (std::size_t i = first_step; i < steps.size(); ++i) {
    if (!steps[i].replan) seq.push_back(&steps[i]);
  }
  if (seq.empty()) return std::nullopt;
  // Only the newest steps are compared by signature (repeated_call looks at the last
  // repeat_threshold, cycle at the last 2 x max_cycle): older entries stay 0, never read, so a long
  // session does not rehash its whole history every iteration.
  const std::size_t window = static_cast<std::size_t>(
      std::max({options.repeat_threshold, 2, 2 * options.max_cycle}));
  std::vector<std::uint64_t> sigs(seq.size(), 0);
  for (std::size_t i = seq.size() > window ? seq.size() - window : 0; i < seq.size(); ++i) {
    sigs[i] = StepSignature(*seq[i]);
  }

  if (auto d = RepeatedFailure(seq, options)) return d;
  if (auto d = RepeatedCall(seq, sigs, options)) return d;
  if (auto d = Cycle(seq, sigs, options)) return d;
  if (auto d = NoToolCalls(seq, options)) return d;
  return Stagnation(seq, options);
}

EscalationDecision Escalate(const EscalationState& state, const std::vector<StepSummary>& steps,
                            const EscalationOptions& options) {
  EscalationDecision decision;
  decision.next = state;
  if (state.level >= 3) {
    decision.action = EscalationAction::kStop;
    return decision;
  }
  decision.detection = DetectDoomLoop(steps, state.window_start, options.detection);
  if (!decision.detection) {
    if (state.level > 0 && options.forgive_after_steps > 0 &&
        steps.size() >= state.calm_since + static_cast<std::size_t>(options.forgive_after_steps)) {
      decision.next.level = state.level - 1;
      decision.next.calm_since = steps.size();
    }
    return decision;
  }
  decision.next.level = state.level + 1;
  decision.next.window_start = steps.size();
  decision.next.calm_since = steps.size();
  decision.next.last_pattern = DoomPatternName(decision.detection->pattern);
  decision.next.last_description = decision.detection->description;
  decision.action = decision.next.level == 1   ? EscalationAction::kGuard
                    : decision.next.level == 2 ? EscalationAction::kReplan
                                               : EscalationAction::kStop;
  return decision;
}

EscalationState ResumeFromStuck(const EscalationState& state, std::size_t step_count) {
  EscalationState next = state;
  next.level = std::min(state.level, 2);
  next.window_start = step_count;
  next.calm_since = step_count;
  return next;
}

std::string EscalationStateToJson(const EscalationState& state) {
  nlohmann::json j{{"level", state.level},
                   {"window_start", state.window_start},
                   {"calm_since", state.calm_since},
                   {"last_pattern", state.last_pattern},
                   {"last_description", state.last_description}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<EscalationState> EscalationStateFromJson(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Fail(ErrorCode::kInvalidArgument, "escalation state: expected a JSON object");
  }
  EscalationState s;
  auto number = [&j](const char* key) -> std::int64_t {
    auto it = j.find(key);
    return (it != j.end() && it->is_number_integer())
               ? std::max<std::int64_t>(it->get<std::int64_t>(), 0)
               : 0;
  };
  auto text_of = [&j](const char* key) -> std::string {
    auto it = j.find(key);
    return (it != j.end() && it->is_string()) ? it->get<std::string>() : "";
  };
  s.level = static_cast<int>(std::min<std::int64_t>(number("level"), 3));
  s.window_start = static_cast<std::size_t>(number("window_start"));
  s.calm_since = static_cast<std::size_t>(number("calm_since"));
  s.last_pattern = text_of("last_pattern");
  s.last_description = text_of("last_description");
  return s;
}

}  // namespace intern::agent
