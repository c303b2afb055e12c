#include <catch2/catch.hpp>

#include "config/clock.h"
#include "sessions/store.h"

namespace intern::sessions {
namespace {

CatalogEntryRecord Entry(const std::string& key, const std::string& category) {
  CatalogEntryRecord e;
  e.key = key;
  e.name = key;
  e.kind = "model";
  e.category = category;
  e.data = R"({"aliases":[]})";
  e.source = "sweep";
  return e;
}

TEST_CASE("a catalog entry put twice keeps its creation time and takes the new data") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  CatalogEntryRecord first = store.PutCatalogEntry(Entry("smolvlm2", "vision"));
  CHECK(first.created_at == "2026-01-01T00:00:00.000Z");
  clock.Advance(std::chrono::hours(1));
  CatalogEntryRecord changed = Entry("smolvlm2", "vision-language");
  changed.data = R"({"aliases":["SmolVLM 2"]})";
  CatalogEntryRecord second = store.PutCatalogEntry(changed);
  CHECK(second.created_at == "2026-01-01T00:00:00.000Z");
  CHECK(second.updated_at == "2026-01-01T01:00:00.000Z");
  CHECK(*store.GetCatalogEntry("smolvlm2") == second);
  CHECK_FALSE(store.GetCatalogEntry("gemma-3n").has_value());
}

TEST_CASE("catalog entries list in key order and filter by category") {
  Store store = Store::OpenInMemory();
  store.PutCatalogEntry(Entry("zeta", "llm"));
  store.PutCatalogEntry(Entry("alpha", "vision"));
  store.PutCatalogEntry(Entry("mid", "llm"));
  std::vector<CatalogEntryRecord> all = store.ListCatalogEntries();
  REQUIRE(all.size() == 3);
  CHECK(all[0].key == "alpha");
  CHECK(all[2].key == "zeta");
  std::vector<CatalogEntryRecord> llms = store.ListCatalogEntries("llm");
  REQUIRE(llms.size() == 2);
  CHECK(llms[0].key == "mid");
}

}  // namespace
}  // namespace intern::sessions
