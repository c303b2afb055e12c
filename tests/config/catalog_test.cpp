#include "config/catalog.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>

namespace intern::config {
namespace {

const Catalog& Seed() {
  static const Catalog kSeed = Catalog::Embedded();
  return kSeed;
}

std::string Fact(const std::string& extra = "") {
  return "  { field = \"parameters\", value = \"2B\", source = \"https://example.org/card\", "
         "checked = \"2026-11-21\"" +
         extra + " },\n";
}

// A minimal valid entry; `facts` replaces its facts block.
std::string Entry(const std::string& id, const std::string& facts = Fact(),
                  const std::string& kind = "model") {
  return "[[entries]]\n"
         "id = \"" +
         id +
         "\"\n"
         "name = \"Tool " +
         id +
         "\"\n"
         "kind = \"" +
         kind +
         "\"\n"
         "category = \"Test tools\"\n"
         "facts = [\n" +
         facts + "]\n";
}

TEST_CASE("the embedded catalog parses and holds at least 30 entries") {
  auto parsed = Catalog::Parse(EmbeddedCatalogToml(), "catalog.toml");
  REQUIRE(parsed.ok());
  CHECK(parsed->entries().size() >= 30);
  CHECK(Seed().entries().size() == parsed->entries().size());
}

TEST_CASE(
    "the embedded catalog text is ASCII so the byte-wise embedding cannot split a character") {
  std::string_view text = EmbeddedCatalogToml();
  CHECK(std::all_of(text.begin(), text.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
}

TEST_CASE("every embedded entry has every field a comparison page needs") {
  std::set<std::string> ids;
  for (const CatalogEntry& e : Seed().entries()) {
    INFO("entry " << e.id);
    CHECK(ids.insert(e.id).second);
    CHECK(!e.name.empty());
    CHECK(!e.aliases.empty());
    CHECK(IsCatalogKind(e.kind));
    CHECK(!e.category.empty());
    CHECK(!e.organisation.empty());
    CHECK(!e.tagline.empty());
    CHECK(!e.summary.empty());
    CHECK(IsPricingModel(e.pricing.model));
    CHECK(!e.pricing.entry.empty());
    CHECK(!e.licence.empty());
    CHECK(!e.topics.empty());
    CHECK(e.facts.size() >= 3);
    bool has_link = !e.links.home.empty() || !e.links.docs.empty() || !e.links.repo.empty() ||
                    !e.links.hf.empty();
    CHECK(has_link);
    // Open tools are found by their repo or hub id; hosted APIs and desktop apps may have neither.
    if (e.kind == "model") CHECK(!e.hf_ids.empty());
    if (e.kind == "model") CHECK(!e.pipeline_tag.empty());
    if (e.kind != "model" && e.kind != "hosted-api" && e.kind != "app") {
      CHECK(!e.github.empty());
    }
    CHECK(e.origin == CatalogOrigin::kEmbedded);
  }
}

TEST_CASE("every embedded fact carries an http source and the date it was checked") {
  for (const CatalogEntry& e : Seed().entries()) {
    for (const CatalogFact& f : e.facts) {
      INFO(e.id << " / " << f.field);
      CHECK(!f.value.empty());
      CHECK((f.source.rfind("https://", 0) == 0 || f.source.rfind("http://", 0) == 0));
      CHECK(f.checked == "2026-11-21");
    }
  }
}

TEST_CASE("the six tools named in the reference pages are in the seed catalog") {
  for (const char* id :
       {"gemma-3n", "gemma-3-27b", "smolvlm2", "ml-intern", "gemini-2-5-flash-lite", "axolotl"}) {
    INFO(id);
    CHECK(Seed().FindById(id) != nullptr);
  }
  const CatalogEntry* smol = Seed().FindById("smolvlm2");
  REQUIRE(smol != nullptr);
  CHECK(smol->name == "SmolVLM2");
  CHECK(smol->licence == "Apache-2.0");
  CHECK(smol->pipeline_tag == "video-text-to-text");
}

TEST_CASE("a parsed entry keeps every field as written") {
  auto parsed = Catalog::Parse(
      "[[entries]]\n"
      "id = \"demo\"\n"
      "name = \"Demo\"\n"
      "aliases = [\"Demo One\", \"demo-1\"]\n"
      "kind = \"library\"\n"
      "category = \"Inference engines\"\n"
      "organisation = \"Demo Org\"\n"
      "tagline = \"Fast demos\"\n"
      "summary = \"Two sentences. Here.\"\n"
      "links = { home = \"https://demo.dev\", repo = \"https://github.com/demo/demo\" }\n"
      "hf_ids = [\"demo/demo-1b\"]\n"
      "github = \"demo/demo\"\n"
      "pipeline_tag = \"text-generation\"\n"
      "topics = [\"inference\"]\n"
      "pricing = { model = \"open-source\", entry = \"Free\" }\n"
      "licence = \"MIT\"\n"
      "facts = [\n" +
          Fact() + "]\n",
      "demo.toml");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->entries().size() == 1);
  const CatalogEntry& e = parsed->entries()[0];
  CHECK(e.aliases == std::vector<std::string>{"Demo One", "demo-1"});
  CHECK(e.links.home == "https://demo.dev");
  CHECK(e.links.repo == "https://github.com/demo/demo");
  CHECK(e.links.docs.empty());
  CHECK(e.hf_ids == std::vector<std::string>{"demo/demo-1b"});
  CHECK(e.github == "demo/demo");
  CHECK(e.pricing == CatalogPricing{"open-source", "Free"});
  CHECK(e.facts ==
        std::vector<CatalogFact>{{"parameters", "2B", "https://example.org/card", "2026-11-21"}});
}

TEST_CASE("a fact without a source is refused with the file, line and entry") {
  std::string text = Entry("ok") + "\n" +
                     Entry("gemma-3n",
                           "  { field = \"parameters\", value = \"8B\", checked = "
                           "\"2026-11-21\" },\n");
  auto parsed = Catalog::Parse(text, "catalog.toml");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.code() == ErrorCode::kInvalidArgument);
  CHECK(parsed.message() ==
        "catalog.toml:16: entry \"gemma-3n\": fact \"parameters\" has no source");
}

TEST_CASE("catalog validation names each kind of defect in one sentence") {
  struct Row {
    std::string text;
    std::string message;
  };
  const std::vector<Row> rows = {
      {Entry("x",
             "  { field = \"p\", value = \"1\", source = \"example.org\", checked = "
             "\"2026-11-21\" },\n"),
       "t.toml:7: entry \"x\": fact \"p\" has source \"example.org\", which is not an http(s) "
       "URL"},
      {Entry("x", "  { field = \"p\", value = \"1\", source = \"https://a.b\" },\n"),
       "t.toml:7: entry \"x\": fact \"p\" has no checked date"},
      {Entry("x",
             "  { field = \"p\", value = \"1\", source = \"https://a.b\", checked = "
             "\"21/11/2026\" },\n"),
       "t.toml:7: entry \"x\": fact \"p\" has checked date \"21/11/2026\"; write it as "
       "YYYY-MM-DD"},
      {Entry("x", "  { field = \"p\", source = \"https://a.b\", checked = \"2026-11-21\" },\n"),
       "t.toml:7: entry \"x\": fact \"p\" has no value"},
      {Entry("x", Fact(", note = \"hi\"")),
       "t.toml:7: entry \"x\": a fact has unknown key \"note\" (expected one of field, value, "
       "source, checked)"},
      {Entry("x", Fact(), "robot"),
       "t.toml:1: entry \"x\": kind \"robot\" is not one of model, framework, agent, library, "
       "hosted-api, app"},
      {Entry("Bad_Id"),
       "t.toml:1: entry \"Bad_Id\": id \"Bad_Id\" must use only lowercase letters, digits and "
       "'-'"},
      {Entry("x") + "colour = \"red\"\n",
       "t.toml:9: entry \"x\": unknown key \"colour\" (expected one of id, name, aliases, kind, "
       "category, organisation, tagline, summary, links, hf_ids, github, pipeline_tag, topics, "
       "pricing, licence, facts, bench)"},
      {Entry("x") + "github = \"just-a-name\"\n",
       "t.toml:1: entry \"x\": github \"just-a-name\" must be written owner/name"},
      {Entry("x") + "pricing = { model = \"cheap\" }\n",
       "t.toml:1: entry \"x\": pricing model \"cheap\" is not one of free, open-source, paid, "
       "usage-based"},
      {Entry("x") + "aliases = \"one\"\n",
       "t.toml:9: entry \"x\": aliases must be a list of strings"},
      {Entry("x") + "\n" + Entry("x"),
       "t.toml:10: entry \"x\": the id is already used by the entry on line 1"},
      {"[[entries]]\nname = \"No id\"\nkind = \"model\"\ncategory = \"c\"\n",
       "t.toml:1: entry without id: the entry has no id"},
      {"title = \"catalog\"\n",
       "t.toml:1: unknown top-level key \"title\" (entries are [[entries]])"},
      {"[[entries]\n", "t.toml:1:11: Error while parsing table header: expected ']', saw '\\n'"},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    auto parsed = Catalog::Parse(row.text, "t.toml");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.message() == row.message);
  }
}

TEST_CASE("an empty catalog text is an empty catalog") {
  auto parsed = Catalog::Parse("", "t.toml");
  REQUIRE(parsed.ok());
  CHECK(parsed->entries().empty());
}

CatalogEntry Added(const std::string& id, const std::string& name) {
  CatalogEntry e;
  e.id = id;
  e.name = name;
  e.kind = "agent";
  e.category = "Research agents";
  return e;
}

TEST_CASE("Add stores a new entry in the overlay and the catalog") {
  Catalog catalog = Seed();
  InMemoryCatalogOverlay overlay;
  REQUIRE(catalog.Add(Added("deep-scout", "Deep Scout"), overlay).ok());
  const CatalogEntry* found = catalog.FindById("deep-scout");
  REQUIRE(found != nullptr);
  CHECK(found->origin == CatalogOrigin::kOverlay);
  auto stored = overlay.List();
  REQUIRE(stored.ok());
  REQUIRE(stored->size() == 1);
  CHECK((*stored)[0].name == "Deep Scout");
}

TEST_CASE("Add refuses an id the catalog already has and leaves the overlay untouched") {
  Catalog catalog = Seed();
  InMemoryCatalogOverlay overlay;
  Status s = catalog.Add(Added("vllm", "Another vLLM"), overlay);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "the catalog already has an entry \"vllm\"");
  CHECK(overlay.List()->empty());
}

TEST_CASE("Add refuses an invalid entry with the validation sentence") {
  Catalog catalog;
  InMemoryCatalogOverlay overlay;
  CatalogEntry e = Added("x", "X");
  e.kind = "gadget";
  Status s = catalog.Add(e, overlay);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() ==
        "entry \"x\": kind \"gadget\" is not one of model, framework, agent, library, "
        "hosted-api, app");
}

class FailingOverlay : public CatalogOverlay {
 public:
  Status Add(const CatalogEntry&) override { return Fail(ErrorCode::kIo, "disk full"); }
  Result<std::vector<CatalogEntry>> List() const override {
    return Fail(ErrorCode::kIo, "database is locked");
  }
};

TEST_CASE("overlay failures come back with context and change nothing") {
  Catalog catalog;
  FailingOverlay overlay;
  Status s = catalog.Add(Added("x", "X"), overlay);
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == ErrorCode::kIo);
  CHECK(s.message() == "storing catalog entry \"x\": disk full");
  CHECK(catalog.entries().empty());

  auto merged = Catalog::WithOverlay(Catalog(), overlay);
  REQUIRE_FALSE(merged.ok());
  CHECK(merged.message() == "reading catalog entries added at run time: database is locked");
}

TEST_CASE("WithOverlay appends run-time entries after the seed and lets the seed win on ids") {
  InMemoryCatalogOverlay overlay;
  REQUIRE(overlay.Add(Added("deep-scout", "Deep Scout")).ok());
  REQUIRE(overlay.Add(Added("vllm", "Impostor")).ok());
  auto merged = Catalog::WithOverlay(Seed(), overlay);
  REQUIRE(merged.ok());
  CHECK(merged->entries().size() == Seed().entries().size() + 1);
  CHECK(merged->entries().back().id == "deep-scout");
  CHECK(merged->entries().back().origin == CatalogOrigin::kOverlay);
  CHECK(merged->FindById("vllm")->name == "vLLM");
}

TEST_CASE("the in-memory overlay replaces an entry added twice under one id") {
  InMemoryCatalogOverlay overlay;
  REQUIRE(overlay.Add(Added("a", "First")).ok());
  REQUIRE(overlay.Add(Added("b", "Second")).ok());
  REQUIRE(overlay.Add(Added("a", "Renamed")).ok());
  auto list = overlay.List();
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].name == "Renamed");
  CHECK((*list)[1].name == "Second");
}

}  // namespace
}  // namespace intern::config
