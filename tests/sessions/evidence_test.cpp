#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "config/clock.h"
#include "sessions/store.h"
#include "tests/sessions/store_test_support.h"

namespace intern::sessions {
namespace {

using testing::MakeSession;

EvidenceInput Stars(const std::string& subject, const std::string& value) {
  return {subject,
          "fact",
          "stars",
          value,
          "https://github.com/x/" + subject,
          "repo page",
          "stars: " + value,
          "",
          "github_lookup"};
}

TEST_CASE("the same evidence recorded twice in a session gets the first id back") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  store.CreateSession(MakeSession("s-d"));
  CHECK(store.RecordEvidence("s-d", Stars("a", "10"), 1) == "ev-1");
  CHECK(store.RecordEvidence("s-d", Stars("b", "10")) == "ev-2");
  CHECK(store.RecordEvidence("s-d", Stars("a", "10"), 4) == "ev-1");
  CHECK(store.ListEvidence("s-d").size() == 2);
}

TEST_CASE("the content hash ignores title, subject and tool but not the quote") {
  EvidenceInput a = Stars("a", "10");
  EvidenceInput renamed = a;
  renamed.title = "another title";
  renamed.subject = "other";
  renamed.tool = "hub_lookup";
  CHECK(EvidenceContentHash(a) == EvidenceContentHash(renamed));
  EvidenceInput requoted = a;
  requoted.quote = "10 stars";
  CHECK(EvidenceContentHash(a) != EvidenceContentHash(requoted));
  // Fields are length-prefixed: moving text between fields changes the hash.
  EvidenceInput shifted = a;
  shifted.field = "star";
  shifted.value = "s10";
  CHECK(EvidenceContentHash(a) != EvidenceContentHash(shifted));
}

TEST_CASE("equal evidence in two sessions gets two ids") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-1"));
  store.CreateSession(MakeSession("s-2"));
  CHECK(store.RecordEvidence("s-1", Stars("a", "10")) == "ev-1");
  CHECK(store.RecordEvidence("s-2", Stars("a", "10")) == "ev-2");
}

TEST_CASE("GetEvidence returns the whole record, and nullopt for unknown or malformed ids") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  store.CreateSession(MakeSession("s-g"));
  EvidenceInput input = Stars("a", "10");
  input.body = std::string(100000, 'b');
  std::string id = store.RecordEvidence("s-g", input, 3);
  std::optional<EvidenceRecord> got = store.GetEvidence(id);
  REQUIRE(got.has_value());
  CHECK(got->id == "ev-1");
  CHECK(got->session_id == "s-g");
  CHECK(got->step == 3);
  CHECK(got->input == input);
  CHECK(got->retrieved_at == "2026-01-01T00:00:00.000Z");
  CHECK(got->content_hash == EvidenceContentHash(input));
  for (const char* bad : {"ev-2", "ev-", "ev-0", "ev-1x", "ev--1", "1", "", "EV-1"}) {
    CHECK_FALSE(store.GetEvidence(bad).has_value());
  }
}

TEST_CASE("ReadEvidenceBody pages through a body by characters, not bytes") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-p"));
  EvidenceInput input = Stars("a", "10");
  input.body = "héllo wörld ✓ done";
  std::string id = store.RecordEvidence("s-p", input);
  CHECK(store.EvidenceBodyLength(id) == 18);
  CHECK(store.ReadEvidenceBody(id, 0, 5) == "héllo");
  CHECK(store.ReadEvidenceBody(id, 6, 7) == "wörld ✓");
  CHECK(store.ReadEvidenceBody(id, 14, 100) == "done");
  CHECK(store.ReadEvidenceBody(id, 18, 10) == "");
  CHECK(store.ReadEvidenceBody(id, 500, 10) == "");
  CHECK_FALSE(store.ReadEvidenceBody("ev-9", 0, 10).has_value());
  CHECK_FALSE(store.EvidenceBodyLength("nope").has_value());
}

TEST_CASE("evidence recorded from several threads at once gets one id per distinct content") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-t"));
  constexpr int kThreads = 4;
  constexpr int kEach = 20;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, &ids, t] {
      // Every thread records the same 20 facts: only 20 distinct items exist.
      for (int i = 0; i < kEach; ++i) {
        ids[t].push_back(store.RecordEvidence("s-t", Stars("x", std::to_string(i))));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 1; t < kThreads; ++t) CHECK(ids[t] == ids[0]);
  CHECK(std::set<std::string>(ids[0].begin(), ids[0].end()).size() == kEach);
  CHECK(store.ListEvidence("s-t").size() == kEach);
}

TEST_CASE("recording evidence for an unknown session is refused") {
  Store store = Store::OpenInMemory();
  CHECK_THROWS_WITH(store.RecordEvidence("s-x", Stars("a", "1")),
                    "cannot record evidence: no session \"s-x\" in the session store at :memory:");
}

}  // namespace
}  // namespace intern::sessions
