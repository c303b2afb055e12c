#include "tools/store_ledger.h"

#include <catch2/catch.hpp>

namespace intern::tools {
namespace {

TEST_CASE("the store ledger records tool evidence in the session and dedups by content") {
  sessions::Store store = sessions::Store::OpenInMemory();
  sessions::Session session;
  session.kind = "compare";
  session.title = "A vs B";
  std::string sid = store.CreateSession(session).id;
  StoreLedger ledger(store, sid);

  EvidenceDraft d{"Gemma 3n", "fact", "license", "Gemma", "https://ai.google.dev/gemma",
                  "Gemma terms", "Gemma is provided under…", "", "hub_lookup"};
  Result<std::string> first = ledger.Record(d);
  REQUIRE(first.ok());
  Result<std::string> again = ledger.Record(d);
  REQUIRE(again.ok());
  CHECK(*again == *first);

  std::optional<EvidenceRecord> got = ledger.Get(*first);
  REQUIRE(got);
  CHECK(got->session_id == sid);
  CHECK(got->draft.subject == "Gemma 3n");
  CHECK(got->draft.field == "license");
  CHECK(got->draft.tool == "hub_lookup");
  CHECK(got->content_hash.size() == 64);
  CHECK_FALSE(ledger.Get("ev-999"));
}

TEST_CASE("a store error while recording is a failed result, not an exception") {
  sessions::Store store = sessions::Store::OpenInMemory();
  StoreLedger ledger(store, "s-no-such-session");
  Result<std::string> r = ledger.Record(EvidenceDraft{"", "fact", "x", "1", "u", "", "", "", "t"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kIo);
  CHECK(r.message().rfind("recording evidence: ", 0) == 0);
}

}  // namespace
}  // namespace intern::tools
