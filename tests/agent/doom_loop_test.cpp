#include "agent/doom_loop.h"

#include <catch2/catch.hpp>

#include "agent/canonical_json.h"

namespace intern::agent {
namespace {

StepSummary Call(const std::string& tool, const std::string& args, const std::string& result,
                 bool is_error = false, int evidence = 0) {
  StepSummary s;
  s.calls.push_back(SummariseToolCall(tool, args, result, is_error));
  s.had_tool_call = true;
  s.new_evidence = evidence;
  return s;
}

// A distinct, successful call that adds evidence: the healthy step.
StepSummary Fresh(int n) {
  return Call("web_search", "{\"q\":\"topic " + std::to_string(n) + "\"}", "r", false, 1);
}

StepSummary TextOnly(bool draft = false) {
  StepSummary s;
  s.draft_progress = draft;
  return s;
}

StepSummary Replan() {
  StepSummary s = TextOnly();
  s.replan = true;
  return s;
}

StepSummary A() { return Call("web_search", R"({"q":"gemma"})", "same page"); }
StepSummary B() { return Call("fetch_url", R"({"url":"https://x.test"})", "same body"); }
StepSummary C() { return Call("hub_lookup", R"({"id":"g/3n"})", "same card"); }
StepSummary D() { return Call("github_repo", R"({"repo":"a/b"})", "same repo"); }
StepSummary E() { return Call("read_evidence", R"({"id":"ev-1"})", "same ev"); }
StepSummary F() { return Call("doc_search", R"({"q":"license"})", "same hits"); }

template <typename T>
T WithEvidence(T s) {
  s.new_evidence = 1;
  return s;
}

struct Case {
  const char* name;
  std::vector<StepSummary> steps;
  std::optional<DoomPattern> expected;
};

std::vector<Case> Table() {
  auto poll = [](int i) {
    return Call("job_status", R"({"id":7})", "running " + std::to_string(i) + "%");
  };
  StepSummary parallel1;
  parallel1.calls = {SummariseToolCall("a", "{}", "x", false),
                     SummariseToolCall("b", "{}", "y", false)};
  StepSummary parallel2;
  parallel2.calls = {SummariseToolCall("b", "{}", "y", false),
                     SummariseToolCall("a", "{}", "x", false)};
  std::vector<StepSummary> stagnant8, stagnant7, evidence_at_5;
  for (int i = 0; i < 8; ++i)
    stagnant8.push_back(Call("web_search", "{\"q\":" + std::to_string(i) + "}", "r"));
  stagnant7.assign(stagnant8.begin(), stagnant8.begin() + 7);
  evidence_at_5 = stagnant8;
  evidence_at_5[4].new_evidence = 2;
  std::vector<StepSummary> draft_at_8 = stagnant8;
  draft_at_8[7].draft_progress = true;

  return {
      {"same call thrice with the same result", {A(), A(), A()}, DoomPattern::kRepeatedCall},
      {"polling the same call with changing results", {poll(1), poll(2), poll(3)}, std::nullopt},
      {"same call twice", {A(), A()}, std::nullopt},
      {"same call thrice after healthy steps",
       {Fresh(1), Fresh(2), A(), A(), A()},
       DoomPattern::kRepeatedCall},
      {"same call, broken by another call", {A(), A(), B(), A()}, std::nullopt},
      {"args differing only in key order and whitespace",
       {Call("f", R"({"a":1,"b":[1,2]})", "r"), Call("f", R"({ "b": [1, 2], "a": 1 })", "r"),
        Call("f", "{\n\"b\":[1,2],\"a\":1}\n", "r")},
       DoomPattern::kRepeatedCall},
      {"args differing only in number spelling",
       {Call("f", R"({"n":1})", "r"), Call("f", R"({"n":1.0})", "r"),
        Call("f", R"({"n":1e0})", "r")},
       DoomPattern::kRepeatedCall},
      {"same tool with different args",
       {Call("f", R"({"n":1})", "r"), Call("f", R"({"n":2})", "r"), Call("f", R"({"n":3})", "r")},
       std::nullopt},
      {"parallel calls in a different order are the same step",
       {parallel1, parallel2, parallel1},
       DoomPattern::kRepeatedCall},
      {"a forced re-plan turn does not break a repeat",
       {A(), A(), Replan(), A()},
       DoomPattern::kRepeatedCall},
      {"cycle A,B,A,B", {A(), B(), A(), B()}, DoomPattern::kCycle},
      {"cycle A,B,C,A,B,C", {A(), B(), C(), A(), B(), C()}, DoomPattern::kCycle},
      {"cycle of five repeated twice",
       {A(), B(), C(), D(), E(), A(), B(), C(), D(), E()},
       DoomPattern::kCycle},
      {"cycle A,B,B,A,B,B", {A(), B(), B(), A(), B(), B()}, DoomPattern::kCycle},
      {"cycle of six is too long to count",
       {WithEvidence(A()), WithEvidence(B()), WithEvidence(C()), WithEvidence(D()),
        WithEvidence(E()), WithEvidence(F()), WithEvidence(A()), WithEvidence(B()),
        WithEvidence(C()), WithEvidence(D()), WithEvidence(E()), WithEvidence(F())},
       std::nullopt},
      {"A,B,A,C is no cycle", {A(), B(), A(), C()}, std::nullopt},
      {"cycle seen only once and a half", {A(), B(), C(), A(), B()}, std::nullopt},
      {"same failing call with different error texts",
       {Call("fetch_url", R"({"url":"u"})", "timeout after 30s", true),
        Call("fetch_url", R"({"url":"u"})", "connection reset", true),
        Call("fetch_url", R"({"url":"u"})", "503 from server", true)},
       DoomPattern::kRepeatedFailure},
      {"same failing call with the same error is reported as a failure",
       {Call("f", "{}", "boom", true), Call("f", "{}", "boom", true),
        Call("f", "{}", "boom", true)},
       DoomPattern::kRepeatedFailure},
      {"failing three times with other calls in between",
       {Call("f", "{}", "e1", true), Fresh(1), Call("f", "{}", "e2", true), Fresh(2),
        Call("f", "{}", "e3", true)},
       DoomPattern::kRepeatedFailure},
      {"failing twice then success",
       {Call("f", "{}", "e1", true), Call("f", "{}", "e2", true), Call("f", "{}", "ok")},
       std::nullopt},
      {"failing twice, success, failing twice",
       {Call("f", "{}", "e1", true), Call("f", "{}", "e2", true), Call("f", "{}", "ok", false, 1),
        Call("f", "{}", "e3", true), Call("f", "{}", "e4", true)},
       std::nullopt},
      {"failures of different args do not add up",
       {Call("f", R"({"a":1})", "e", true), Call("f", R"({"a":2})", "e", true),
        Call("f", R"({"a":3})", "e", true)},
       std::nullopt},
      {"eight iterations without evidence or draft progress", stagnant8, DoomPattern::kStagnation},
      {"seven iterations without evidence", stagnant7, std::nullopt},
      {"evidence at step 5 resets stagnation", evidence_at_5, std::nullopt},
      {"draft progress at step 8 resets stagnation", draft_at_8, std::nullopt},
      {"three text-only turns",
       {Fresh(1), TextOnly(), TextOnly(), TextOnly()},
       DoomPattern::kNoToolCalls},
      {"two text-only turns", {Fresh(1), TextOnly(), TextOnly()}, std::nullopt},
      {"text-only turns with draft progress",
       {TextOnly(), TextOnly(true), TextOnly()},
       std::nullopt},
      {"text-only turns broken by a tool call",
       {TextOnly(), TextOnly(), Fresh(1), TextOnly()},
       std::nullopt},
      {"empty history", {}, std::nullopt},
  };
}

TEST_CASE("doom-loop table: each history fires exactly the expected pattern or none") {
  auto table = Table();
  REQUIRE(table.size() >= 25);
  for (const auto& c : table) {
    INFO(c.name);
    auto d = DetectDoomLoop(c.steps);
    if (c.expected) {
      REQUIRE(d.has_value());
      CHECK(DoomPatternName(d->pattern) == std::string(DoomPatternName(*c.expected)));
    } else {
      CHECK_FALSE(d.has_value());
    }
  }
}

TEST_CASE("a detection names the pattern and the repeated call") {
  auto rep = DetectDoomLoop({A(), A(), A()});
  REQUIRE(rep);
  CHECK(
      rep->description ==
      R"(repeated_call: the same call 3 times in a row with the same result: web_search {"q":"gemma"})");
  auto cyc = DetectDoomLoop({A(), B(), A(), B()});
  REQUIRE(cyc);
  CHECK(
      cyc->description ==
      R"(cycle: a cycle of 2 calls repeated twice: web_search {"q":"gemma"} -> fetch_url {"url":"https://x.test"})");
  auto fail =
      DetectDoomLoop({Call("f", R"({"a":1})", "x", true), Call("f", R"({"a":1})", "y", true),
                      Call("f", R"({"a":1})", "z", true)});
  REQUIRE(fail);
  CHECK(fail->description == R"(repeated_failure: the same call failed 3 times: f {"a":1})");
  auto text = DetectDoomLoop({TextOnly(), TextOnly(), TextOnly()});
  REQUIRE(text);
  CHECK(text->description ==
        "no_tool_calls: 3 assistant turns in a row without a tool call or draft progress");
}

TEST_CASE("long arguments are cut for display") {
  std::string args = "{\"q\":\"" + std::string(200, 'x') + "\"}";
  auto d = DetectDoomLoop({Call("f", args, "r"), Call("f", args, "r"), Call("f", args, "r")});
  REQUIRE(d);
  CHECK(d->description.size() < 200);
  CHECK(d->description.substr(d->description.size() - 3) == "…");
}

TEST_CASE("steps before first_step do not count toward a pattern") {
  std::vector<StepSummary> steps = {A(), A(), A(), A(), A()};
  CHECK(DetectDoomLoop(steps, 3).has_value() == false);
  steps.push_back(A());
  CHECK(DetectDoomLoop(steps, 3).has_value());
}

TEST_CASE("escalation ladder: guard, then re-plan, then stuck, each re-established by new steps") {
  EscalationState state;
  std::vector<StepSummary> steps;
  std::vector<std::string> actions;
  for (int i = 0; i < 10; ++i) {
    steps.push_back(A());
    auto d = Escalate(state, steps);
    actions.push_back(EscalationActionName(d.action));
    state = d.next;
  }
  CHECK(actions == std::vector<std::string>{"continue", "continue", "guard", "continue", "continue",
                                            "replan", "continue", "continue", "stop", "stop"});
  CHECK(state.level == 3);
  CHECK(state.last_pattern == "repeated_call");
}

TEST_CASE("the first escalation carries the detection that the terminal reports") {
  auto d = Escalate({}, {TextOnly(), TextOnly(), TextOnly()});
  CHECK(d.action == EscalationAction::kGuard);
  REQUIRE(d.detection);
  CHECK(d.detection->pattern == DoomPattern::kNoToolCalls);
  CHECK(d.next == EscalationState{1, 3, 3, "no_tool_calls", d.detection->description});
}

TEST_CASE("a re-plan turn between detections is ignored by the patterns") {
  EscalationState state;
  std::vector<StepSummary> steps = {TextOnly(), TextOnly(), TextOnly()};
  state = Escalate(state, steps).next;  // guard
  steps.push_back(Replan());
  CHECK(Escalate(state, steps).action == EscalationAction::kContinue);
  steps.push_back(TextOnly());
  steps.push_back(TextOnly());
  CHECK(Escalate(state, steps).action == EscalationAction::kContinue);
  steps.push_back(TextOnly());
  CHECK(Escalate(state, steps).action == EscalationAction::kReplan);
}

TEST_CASE("a stuck session resumed gets one more chance and stops at the next detection") {
  EscalationState stuck{3, 9, 9, "repeated_call", "x"};
  std::vector<StepSummary> steps(9, A());
  auto resumed = ResumeFromStuck(stuck, steps.size());
  CHECK(resumed.level == 2);
  CHECK(resumed.window_start == 9);
  steps.push_back(A());
  CHECK(Escalate(resumed, steps).action == EscalationAction::kContinue);
  steps.push_back(A());
  steps.push_back(A());
  CHECK(Escalate(resumed, steps).action == EscalationAction::kStop);
}

TEST_CASE("twenty healthy steps after a guard step the ladder down one level") {
  EscalationState state;
  std::vector<StepSummary> steps = {A(), A(), A()};
  state = Escalate(state, steps).next;
  REQUIRE(state.level == 1);
  for (int i = 0; i < 19; ++i) {
    steps.push_back(Fresh(i));
    state = Escalate(state, steps).next;
  }
  CHECK(state.level == 1);
  steps.push_back(Fresh(99));
  state = Escalate(state, steps).next;
  CHECK(state.level == 0);
}

TEST_CASE("escalation state round-trips through JSON and the ladder continues the same way") {
  std::vector<StepSummary> steps = {A(), A(), A()};
  EscalationState state = Escalate({}, steps).next;
  std::string json = EscalationStateToJson(state);
  auto restored = EscalationStateFromJson(json);
  REQUIRE(restored.ok());
  CHECK(*restored == state);
  steps.insert(steps.end(), {A(), A(), A()});
  CHECK(Escalate(*restored, steps).action == EscalationAction::kReplan);
}

TEST_CASE("escalation state JSON is read leniently but must be an object") {
  auto empty = EscalationStateFromJson("{}");
  REQUIRE(empty.ok());
  CHECK(*empty == EscalationState{});
  auto clamped = EscalationStateFromJson(R"({"level":7,"window_start":-3})");
  REQUIRE(clamped.ok());
  CHECK(clamped->level == 3);
  CHECK(clamped->window_start == 0);
  auto bad = EscalationStateFromJson("[1]");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.message() == "escalation state: expected a JSON object");
}

TEST_CASE("a step summary pairs each tool_use with its result by id") {
  Message assistant{
      Role::kAssistant,
      {ToolUseBlock{"t1", "web_search", R"({"q": "a"})"}, ToolUseBlock{"t2", "fetch_url", "{}"}}};
  std::vector<Message> results = {Message::ToolResults({ToolResultBlock{"t2", "404", true}}),
                                  Message::ToolResults({ToolResultBlock{"t1", "hits", false}})};
  StepSummary s = SummariseStep(assistant, results, 2, false);
  REQUIRE(s.calls.size() == 2);
  CHECK(s.had_tool_call);
  CHECK(s.new_evidence == 2);
  CHECK(s.calls[0].tool == "web_search");
  CHECK(s.calls[0].args_hash == CanonicalJsonHash(R"({"q":"a"})"));
  CHECK(s.calls[0].result_hash == StableHash("hits"));
  CHECK_FALSE(s.calls[0].is_error);
  CHECK(s.calls[1].is_error);
  StepSummary unanswered = SummariseStep(assistant, {}, 0, false);
  CHECK(unanswered.calls[0].is_error);
  StepSummary text = SummariseStep(Message::Assistant("just talk"), {}, 0, true);
  CHECK_FALSE(text.had_tool_call);
  CHECK(text.draft_progress);
}

TEST_CASE("canonical JSON sorts keys, drops whitespace and normalises numbers") {
  CHECK(CanonicalJson(R"({ "b": 2, "a": {"d": [1, 2.0, 2.5], "c": null} })") ==
        R"({"a":{"c":null,"d":[1,2,2.5]},"b":2})");
  CHECK(CanonicalJson("1e2") == "100");
  CHECK(CanonicalJson("  not json \n") == "not json");
  CHECK(CanonicalJson(std::string(" \"a\xFF\" ")) == "\"a\xFF\"");
  CHECK(CanonicalJsonHash(R"({"x":1,"y":2})") == CanonicalJsonHash("{\"y\": 2.0,\n \"x\": 1}"));
  CHECK(CanonicalJsonHash(R"({"x":1})") != CanonicalJsonHash(R"({"x":"1"})"));
}

TEST_CASE("StableHash is 64-bit FNV-1a, identical on every run") {
  CHECK(StableHash("") == 0xcbf29ce484222325ull);
  CHECK(StableHash("a") == 0xaf63dc4c8601ec8cull);
}

}  // namespace
}  // namespace intern::agent
