#include "tools/read_evidence_tool.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>

#include "tools/registry.h"

namespace intern::tools {
namespace {

class OneRecordLedger : public EvidenceLedger {
 public:
  Result<std::string> Record(const EvidenceDraft&) override { return std::string("ev-x"); }
  std::optional<EvidenceRecord> Get(const std::string& id) const override {
    auto it = records.find(id);
    if (it == records.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, EvidenceRecord> records;
};

struct Fixture {
  Fixture() {
    EvidenceRecord r;
    r.id = "ev-7";
    r.draft.title = "README";
    r.draft.source_url = "https://github.com/org/repo";
    r.draft.body = "0123456789é123456789";  // 'é' is two bytes, at bytes 10-11
    ledger.records[r.id] = r;
    registry.Register(std::make_unique<ReadEvidenceTool>(10));
  }
  ToolResult Call(const std::string& args) { return registry.Invoke("read_evidence", args, ctx); }
  OneRecordLedger ledger;
  FakeClock clock;
  ToolContext ctx{ledger, clock, "s-1"};
  ToolRegistry registry;
};

TEST_CASE("read_evidence returns a page and the offset to continue from") {
  Fixture f;
  ToolResult r = f.Call(R"({"id":"ev-7"})");
  REQUIRE_FALSE(r.is_error);
  CHECK(r.content ==
        "[ev-7 · README · https://github.com/org/repo]\n0123456789\n[continues: "
        "read_evidence(id=\"ev-7\", offset=10) — 10 of 21 characters shown so far]");
  CHECK(r.evidence_ids == std::vector<std::string>{"ev-7"});
}

TEST_CASE("read_evidence never splits a multi-byte character and reports the end") {
  Fixture f;
  ToolResult r = f.Call(R"({"id":"ev-7","offset":11})");  // inside 'é': moves to the next char
  REQUIRE_FALSE(r.is_error);
  CHECK(r.content == "[ev-7 · README · https://github.com/org/repo]\n123456789\n[end of ev-7]");
}

TEST_CASE("read_evidence names the problem for an unknown id or an offset past the end") {
  Fixture f;
  CHECK(f.Call(R"({"id":"ev-99"})").content ==
        "no evidence with id \"ev-99\" in this session; use an id a tool returned");
  CHECK(f.Call(R"({"id":"ev-7","offset":22})").content ==
        "offset 22 is past the end of ev-7 (21 characters)");
  CHECK(f.Call(R"({"id":"ev-7","offset":-1})").content ==
        "invalid arguments for read_evidence: argument \"offset\" must be at least 0, got -1");
  CHECK(f.Call(R"({})").content ==
        "invalid arguments for read_evidence: missing required argument \"id\"");
}

}  // namespace
}  // namespace intern::tools
