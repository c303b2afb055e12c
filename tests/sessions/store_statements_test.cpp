// The store keeps its prepared statements for the connection's life (sessions/store_internal.h):
// reusing them must not leave a read open or carry values from one call into the next.
#include <catch2/catch.hpp>

#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tests/sessions/store_test_support.h"

namespace intern::sessions {
namespace {

using testing::MakeSession;
using testing::MakeStep;

EvidenceInput Fact(const std::string& value) {
  EvidenceInput input;
  input.subject = "Subject A";
  input.kind = "fact";
  input.field = "speed";
  input.value = value;
  input.source_url = "https://docs.example.org/a";
  input.tool = "fetch_doc";
  return input;
}

TEST_CASE(
    "a reused statement that stopped at its first row leaves no read open: another "
    "connection's commit is seen at once") {
  intern::testing::TempDir dir;
  Store a = Store::Open(dir / "intern.db");
  a.CreateSession(MakeSession("s-a"));
  const std::string first = a.RecordEvidence("s-a", Fact("1 s"));
  // The duplicate returns from the look-up's first row; GetSession from its only row.
  CHECK(a.RecordEvidence("s-a", Fact("1 s")) == first);
  CHECK(a.GetSession("s-a")->phase != "drafting");

  Store b = Store::Open(dir / "intern.db");
  b.UpdateSession("s-a",
                  SessionUpdate{std::nullopt, std::string("drafting"), std::nullopt, std::nullopt});
  CHECK(a.GetSession("s-a")->phase == "drafting");
  CHECK(a.RecordEvidence("s-a", Fact("1 s")) == first);
  b.CommitStep(MakeStep("s-a", 1));
  CHECK(a.GetSession("s-a")->iterations == 1);
}

TEST_CASE(
    "a reused insert binds every value afresh: an optional step left unset is stored as "
    "none") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-b"));
  const std::string with_step = store.RecordEvidence("s-b", Fact("2 s"), 4);
  const std::string without_step = store.RecordEvidence("s-b", Fact("3 s"));
  CHECK(store.GetEvidence(with_step)->step == std::optional<int64_t>(4));
  CHECK(store.GetEvidence(without_step)->step == std::nullopt);
}

}  // namespace
}  // namespace intern::sessions
