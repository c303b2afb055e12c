#pragma once
// A store with session s-42 whose ledger holds the sample evidence (ev-1 .. ev-6), so the sample
// comparison validates against it, for the review-gate tests.

#include <catch2/catch.hpp>

#include "agent/comparison_json.h"
#include "agent/review/review_actions.h"
#include "config/clock.h"
#include "sessions/store.h"
#include "tests/agent/comparison_fixture.h"
#include "tools/store_ledger.h"

namespace intern::agent::testing {

struct Gate {
  FakeClock clock;
  sessions::Store store;

  explicit Gate(const std::filesystem::path& path = {})
      : store(path.empty() ? sessions::Store::OpenInMemory({.clock = &clock})
                           : sessions::Store::Open(path, {.clock = &clock})) {
    sessions::Session s;
    s.id = "s-42";
    s.kind = "compare";
    s.title = "Gemma 3n vs SmolVLM2";
    s.caps = {300, 0, 0};
    store.CreateSession(s);
    tools::StoreLedger ledger(store, "s-42");
    for (const auto& [id, record] : SampleLedger().records) {
      Result<std::string> got = ledger.Record(record.draft);
      REQUIRE(got.ok());
      REQUIRE(got.value() == id);
    }
  }

  sessions::DraftRecord Add(const Comparison& doc = SampleComparison(),
                            std::vector<std::string> flags = {}) {
    sessions::DraftRecord d;
    d.session_id = "s-42";
    d.title = doc.title;
    d.document = ComparisonToJson(doc);
    d.flags = std::move(flags);
    return store.CreateDraft(d);
  }

  ReviewServices Services(const std::string& reviewer = "ana") {
    return ReviewServices{store, reviewer, nullptr, nullptr};
  }
};

}  // namespace intern::agent::testing
