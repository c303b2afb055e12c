#include "sessions/store.h"

#include <catch2/catch.hpp>

#include "config/clock.h"
#include "config/error.h"
#include "sessions/sha256.h"
#include "tests/sessions/store_test_support.h"

namespace intern::sessions {
namespace {

using testing::MakeSession;
using testing::MakeStep;

TEST_CASE("CreateSession assigns an s- id and times when they are empty") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  Session created = store.CreateSession(MakeSession(""));
  CHECK(created.id.size() == 10);
  CHECK(created.id.rfind("s-", 0) == 0);
  CHECK(created.created_at == "2026-01-01T00:00:00.000Z");
  CHECK(created.updated_at == "2026-01-01T00:00:00.000Z");
  CHECK(created.status == SessionStatus::kRunning);
  REQUIRE(store.GetSession(created.id).has_value());
  CHECK(*store.GetSession(created.id) == created);
}

TEST_CASE("CreateSession starts the counters at zero so they always match the steps") {
  Store store = Store::OpenInMemory();
  Session s = MakeSession("s-z");
  s.iterations = 7;
  s.usage = {1, 2, 3, 4};
  s.cost_usd = 9;
  Session created = store.CreateSession(s);
  CHECK(created.iterations == 0);
  CHECK(created.usage == Usage{});
  CHECK(created.cost_usd == 0);
  store.CommitStep(MakeStep("s-z", 1));
  CHECK(store.GetSession("s-z")->iterations == 1);
}

TEST_CASE("CreateSession refuses an id that is taken") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-one"));
  CHECK_THROWS_WITH(store.CreateSession(MakeSession("s-one")),
                    "a session with id s-one already exists in the session store at :memory:");
}

TEST_CASE("GetSession of an unknown id is nullopt") {
  Store store = Store::OpenInMemory();
  CHECK_FALSE(store.GetSession("s-nothere").has_value());
  CHECK_FALSE(store.LoadHistory("s-nothere").has_value());
}

TEST_CASE("ListSessions returns newest first and filters by status, kind and limit") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  for (const char* id : {"s-a", "s-b", "s-c"}) {
    store.CreateSession(MakeSession(id, id == std::string("s-b") ? "sweep" : "compare"));
    clock.Advance(std::chrono::seconds(1));
  }
  store.UpdateSession("s-a", {.status = SessionStatus::kDone});

  auto ids = [](const std::vector<Session>& sessions) {
    std::vector<std::string> out;
    for (const Session& s : sessions) out.push_back(s.id);
    return out;
  };
  CHECK(ids(store.ListSessions()) == std::vector<std::string>{"s-c", "s-b", "s-a"});
  CHECK(ids(store.ListSessions({.status = SessionStatus::kDone})) ==
        std::vector<std::string>{"s-a"});
  CHECK(ids(store.ListSessions({.kind = "sweep"})) == std::vector<std::string>{"s-b"});
  CHECK(ids(store.ListSessions({.limit = 2})) == std::vector<std::string>{"s-c", "s-b"});
}

TEST_CASE("UpdateSession changes only the fields it sets and stamps updated_at") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  store.CreateSession(MakeSession("s-u"));
  clock.Advance(std::chrono::milliseconds(1500));
  store.UpdateSession("s-u", {.status = SessionStatus::kFailed, .last_error = "provider down"});
  Session s = *store.GetSession("s-u");
  CHECK(s.status == SessionStatus::kFailed);
  CHECK(s.last_error == "provider down");
  CHECK(s.phase == "");
  CHECK(s.loop_state == "{}");
  CHECK(s.updated_at == "2026-01-01T00:00:01.500Z");
  CHECK_THROWS_WITH(store.UpdateSession("s-zz", {.phase = "panel"}),
                    "no session \"s-zz\" in the session store at :memory:");
}

TEST_CASE("a committed step comes back whole from LoadHistory, with counters added") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-h"));
  StepRecord one = MakeStep("s-h", 1, 3, 2);
  one.compactions.push_back({0, 1, 2, R"({"facts":[]})", "small-model", 9000, 1200, ""});
  one.events.push_back({0, "", std::nullopt, "", "warn", "loop_detected", R"({"pattern":"x"})"});
  one.session = {.phase = "panel", .loop_state = R"({"level":1})"};
  CommitResult r1 = store.CommitStep(one);
  CHECK(r1.first_message_seq == 1);
  StepRecord two = MakeStep("s-h", 2, 2, 0);
  CommitResult r2 = store.CommitStep(two);
  CHECK(r2.first_message_seq == 4);

  SessionHistory h = *store.LoadHistory("s-h");
  CHECK(h.session.iterations == 2);
  CHECK(h.session.usage == Usage{300, 30, 10, 2});
  CHECK(h.session.cost_usd == Approx(0.5));
  CHECK(h.session.phase == "panel");
  CHECK(h.session.loop_state == R"({"level":1})");
  REQUIRE(h.steps.size() == 2);

  const StepRecord& got = h.steps[0];
  CHECK(got.n == 1);
  CHECK(got.usage == one.usage);
  CHECK(got.stop_reason == "tool_use");
  REQUIRE(got.messages.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(got.messages[i].seq == static_cast<int64_t>(i) + 1);
    CHECK(got.messages[i].step == 1);
    CHECK(got.messages[i].content == one.messages[i].content);
    CHECK(got.messages[i].role == one.messages[i].role);
    CHECK(got.messages[i].tool_call_id == one.messages[i].tool_call_id);
  }
  REQUIRE(got.tool_calls.size() == 2);
  CHECK(got.tool_calls[1].seq == 2);
  CHECK(got.tool_calls[1].call_id == "call-1-1");
  CHECK(got.tool_calls[1].args == R"({"query":"q1","k":1})");
  CHECK(got.tool_calls[1].result_hash == Sha256Hex("result of step 1 call 1"));
  REQUIRE(got.compactions.size() == 1);
  CHECK(got.compactions[0].step == 1);
  CHECK(got.compactions[0].tokens_after == 1200);
  REQUIRE(got.events.size() == 1);
  CHECK(got.events[0].kind == "loop_detected");
  CHECK(got.events[0].session_id == "s-h");
  CHECK(got.events[0].step == 1);
  CHECK(h.steps[1].messages[0].seq == 4);
}

TEST_CASE("tool-call argument hashes ignore key order and spacing") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-args"));
  StepRecord step = MakeStep("s-args", 1, 0, 2);
  step.tool_calls[0].args = R"({"b": 1, "a": [1, 2]})";
  step.tool_calls[1].args = R"({"a":[1,2],"b":1})";
  store.CommitStep(step);
  SessionHistory h = *store.LoadHistory("s-args");
  CHECK(h.steps[0].tool_calls[0].args == R"({"b": 1, "a": [1, 2]})");
  CHECK(h.steps[0].tool_calls[0].args_hash == Sha256Hex(R"({"a":[1,2],"b":1})"));
  CHECK(h.steps[0].tool_calls[1].args_hash == h.steps[0].tool_calls[0].args_hash);
}

TEST_CASE("a step is never committed twice or out of order") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-o"));
  store.CommitStep(MakeStep("s-o", 1));
  CHECK_THROWS_WITH(store.CommitStep(MakeStep("s-o", 1)),
                    "cannot commit step 1 of session s-o: it has 1 committed steps, so the next "
                    "one is 2");
  CHECK_THROWS_WITH(store.CommitStep(MakeStep("s-o", 3)),
                    "cannot commit step 3 of session s-o: it has 1 committed steps, so the next "
                    "one is 2");
  CHECK_THROWS_WITH(store.CommitStep(MakeStep("s-none", 1)),
                    "cannot commit step 1: no session \"s-none\" in the session store at :memory:");
}

TEST_CASE("a step whose last write fails leaves nothing of itself behind") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-r"));
  StepRecord bad = MakeStep("s-r", 1, 3, 2);
  bad.evidence.push_back({"Gemma 3n", "fact", "license", "gemma", "https://x", "", "", "", "t"});
  bad.messages[2].role = "robot";  // violates the role CHECK after earlier rows were written
  CHECK_THROWS_WITH(store.CommitStep(bad),
                    Catch::StartsWith("committing step 1 of session s-r in the session store at "
                                      ":memory:: CHECK constraint failed"));
  SessionHistory h = *store.LoadHistory("s-r");
  CHECK(h.session.iterations == 0);
  CHECK(h.session.usage == Usage{});
  CHECK(h.steps.empty());
  CHECK(h.evidence.empty());
  // The same iteration can then be committed properly.
  store.CommitStep(MakeStep("s-r", 1, 3, 2));
  CHECK(store.GetSession("s-r")->iterations == 1);
}

TEST_CASE("evidence committed with a step gets ids returned in order") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-e"));
  StepRecord step = MakeStep("s-e", 1);
  step.evidence.push_back({"A", "fact", "stars", "10", "https://a", "", "", "", "catalog"});
  step.evidence.push_back({"B", "fact", "stars", "20", "https://b", "", "", "", "catalog"});
  CommitResult r = store.CommitStep(step);
  CHECK(r.evidence_ids == std::vector<std::string>{"ev-1", "ev-2"});
  SessionHistory h = *store.LoadHistory("s-e");
  REQUIRE(h.evidence.size() == 2);
  CHECK(h.evidence[1].input.subject == "B");
  CHECK(h.evidence[1].step == 1);
}

TEST_CASE("events without a step are kept apart in the history and listed per session") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  store.CreateSession(MakeSession("s-ev"));
  int64_t first = store.AppendEvent({0, "s-ev", std::nullopt, "", "info", "started", "{}"});
  store.AppendEvent({0, "", std::nullopt, "", "info", "daemon_tick", R"({"n":1})"});
  store.AppendEvent({0, "s-ev", std::nullopt, "", "error", "provider_error", R"({"x":1})"});
  CHECK(first == 1);

  std::vector<EventRecord> session_events = store.ListEvents("s-ev");
  REQUIRE(session_events.size() == 2);
  CHECK(session_events[0].kind == "started");
  CHECK(session_events[0].at == "2026-01-01T00:00:00.000Z");
  CHECK(session_events[1].level == "error");
  std::vector<EventRecord> last = store.ListEvents("s-ev", 1);
  REQUIRE(last.size() == 1);
  CHECK(last[0].kind == "provider_error");
  std::vector<EventRecord> global = store.ListEvents("");
  REQUIRE(global.size() == 1);
  CHECK(global[0].kind == "daemon_tick");
  CHECK(global[0].session_id == "");
  CHECK(store.LoadHistory("s-ev")->events.size() == 2);
}

TEST_CASE("the HTTP cache stores bodies byte for byte and replaces by key") {
  Store store = Store::OpenInMemory();
  CHECK_FALSE(store.GetHttpCache("https://api.github.com/repos/a/b").has_value());
  HttpCacheEntry entry{"https://api.github.com/repos/a/b",
                       "\"etag-1\"",
                       "",
                       200,
                       R"({"content-type":"application/json"})",
                       std::string("{\"x\":1}\0\xff", 9),
                       "2026-01-01T00:00:00.000Z"};
  store.PutHttpCache(entry);
  CHECK(*store.GetHttpCache(entry.key) == entry);
  entry.etag = "\"etag-2\"";
  entry.body = "";
  store.PutHttpCache(entry);
  CHECK(*store.GetHttpCache(entry.key) == entry);
}

TEST_CASE("IntegrityCheck of a healthy store is ok") {
  Store store = Store::OpenInMemory();
  CHECK(store.IntegrityCheck() == "ok");
}

}  // namespace
}  // namespace intern::sessions
