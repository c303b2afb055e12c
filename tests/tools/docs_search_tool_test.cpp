#include <catch2/catch.hpp>

#include "tests/support/memory_ledger.h"
#include "tools/docs/doc_search_tool.h"

namespace intern::tools {
namespace {

struct Fixture {
  DocIndex index{":memory:"};
  DocSearchTool tool{index};
  testing::MemoryLedger ledger;
  FakeClock clock;
  ToolContext ctx{ledger, clock, "s1", nullptr};

  Fixture() {
    index.AddText("https://example.invalid/keys",
                  "# Keys\n\n## Rotation\n\nRotate the signing key "
                  "yearly.\n",
                  DocKind::kMarkdown, "quill");
    index.AddText("file:///docs/other.txt", "Signing is optional.", DocKind::kText, "other",
                  "other.txt");
  }

  ToolResult Run(const nlohmann::json& args) { return tool.Run(args, ctx); }
};

TEST_CASE("doc_search describes itself as a read tool with a bounded k") {
  Fixture f;
  CHECK(f.tool.name() == "doc_search");
  CHECK(f.tool.approval_class() == ApprovalClass::kRead);
  const nlohmann::json& s = f.tool.schema();
  CHECK(s["required"] == nlohmann::json::array({"query"}));
  CHECK(s["additionalProperties"] == false);
  CHECK(s["properties"]["k"]["minimum"] == 1);
  CHECK(s["properties"]["k"]["maximum"] == 50);
  CHECK(s["properties"]["k"]["default"] == 5);
}

TEST_CASE("doc_search records every hit as document evidence and lists the ids") {
  Fixture f;
  ToolResult r = f.Run({{"query", "rotate signing key"}});
  REQUIRE_FALSE(r.is_error);
  REQUIRE(r.evidence_ids == std::vector<std::string>{"ev-1", "ev-2"});
  std::optional<EvidenceRecord> ev = f.ledger.Get("ev-1");
  REQUIRE(ev.has_value());
  CHECK(ev->draft.kind == "document");
  CHECK(ev->draft.subject == "quill");
  CHECK(ev->draft.source_url == "https://example.invalid/keys");
  CHECK(ev->draft.title == "Keys");
  CHECK(ev->draft.value == "Keys — Keys > Rotation");
  CHECK(ev->draft.quote == "Rotate the signing key yearly.");
  CHECK(ev->draft.tool == "doc_search");
  CHECK(r.content ==
        "2 passages for \"rotate signing key\":\n"
        "\n[1] ev-1 · Keys › Keys > Rotation\n    https://example.invalid/keys\n"
        "    **Rotate** the **signing** **key** yearly.\n"
        "\n[2] ev-2 · other.txt\n    file:///docs/other.txt\n    **Signing** is optional.\n");
}

TEST_CASE("doc_search run twice records the same evidence once") {
  Fixture f;
  ToolResult a = f.Run({{"query", "rotate"}});
  ToolResult b = f.Run({{"query", "rotate"}});
  CHECK(a.evidence_ids == b.evidence_ids);
  CHECK(f.ledger.records().size() == 1);
}

TEST_CASE("doc_search honours subject and k") {
  Fixture f;
  ToolResult r = f.Run({{"query", "signing"}, {"subject", "other"}});
  REQUIRE(r.evidence_ids.size() == 1);
  CHECK(f.ledger.Get(r.evidence_ids[0])->draft.source_url == "file:///docs/other.txt");
  r = f.Run({{"query", "signing"}, {"k", 1}});
  CHECK(r.evidence_ids.size() == 1);
}

TEST_CASE("doc_search with no match says so without an error") {
  Fixture f;
  ToolResult r = f.Run({{"query", "kubernetes"}, {"subject", "quill"}});
  CHECK_FALSE(r.is_error);
  CHECK(r.evidence_ids.empty());
  CHECK(r.content ==
        "No indexed document matches \"kubernetes\" (subject quill). Try other words, or ask "
        "the operator to add documents with `intern docs add PATH`.");
}

TEST_CASE("doc_search rejects bad arguments with a message that says what to send") {
  Fixture f;
  struct Case {
    nlohmann::json args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {nlohmann::json::array({"q"}),
       "doc_search takes an object: {\"query\": \"words to look for\", \"subject\": optional, "
       "\"k\": optional 1-50}"},
      {nlohmann::json::object(), "doc_search needs `query`: the words to look for, as a string"},
      {{{"query", 42}}, "doc_search needs `query`: the words to look for, as a string"},
      {{{"query", "  \n"}}, "doc_search needs a non-empty `query`: the words to look for"},
      {{{"query", "x"}, {"subject", 7}},
       "`subject` must be a string (the catalog name of a tool), or left out to search every "
       "document"},
      {{{"query", "x"}, {"k", 0}}, "`k` must be a whole number from 1 to 50, got 0"},
      {{{"query", "x"}, {"k", 51}}, "`k` must be a whole number from 1 to 50, got 51"},
      {{{"query", "x"}, {"k", 2.5}}, "`k` must be a whole number from 1 to 50, got 2.5"},
      {{{"query", "x"}, {"k", "3"}}, "`k` must be a whole number from 1 to 50, got \"3\""},
      {{{"query", "+++"}},
       "doc_search: the query has no words to search for; use letters or digits"},
  };
  for (const Case& c : cases) {
    INFO(c.args.dump());
    ToolResult r = f.Run(c.args);
    CHECK(r.is_error);
    CHECK(r.content == c.message);
    CHECK(r.evidence_ids.empty());
  }
  CHECK(f.ledger.record_calls() == 0);
}

TEST_CASE("doc_search does not run once the operator asked to stop") {
  Fixture f;
  std::atomic<bool> stop{true};
  f.ctx.cancel = &stop;
  ToolResult r = f.Run({{"query", "rotate"}});
  CHECK(r.is_error);
  CHECK(r.content == "doc_search was stopped before it ran");
}

}  // namespace
}  // namespace intern::tools
