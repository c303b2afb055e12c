#include "agent/catalog_store.h"

#include <catch2/catch.hpp>

#include <set>

#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

config::CatalogEntry Entry(std::string id, std::string name) {
  config::CatalogEntry e;
  e.id = std::move(id);
  e.name = std::move(name);
  e.aliases = {"alias one"};
  e.kind = "model";
  e.category = "Small multimodal models";
  e.links.hf = "https://huggingface.co/acme/x";
  e.hf_ids = {"acme/x"};
  e.pricing = {"open-source", "Free"};
  e.facts = {{"parameters", "1B", "https://huggingface.co/acme/x", "2026-11-21"}};
  return e;
}

TEST_CASE("catalog entries round-trip through the store's JSON form") {
  config::CatalogEntry e = Entry("tiny", "Tiny");
  Result<config::CatalogEntry> back = CatalogEntryFromJson(CatalogEntryToJson(e));
  REQUIRE(back.ok());
  e.origin = config::CatalogOrigin::kOverlay;
  CHECK(*back == e);
  CHECK(CatalogEntryFromJson("{not json").code() == ErrorCode::kProtocol);
}

TEST_CASE("the store overlay keeps added entries across reopenings") {
  testing::TempDir dir;
  auto path = [&] { return dir.path() / "intern.db"; };
  {
    StoreCatalogOverlay overlay(path, "operator");
    Result<std::vector<config::CatalogEntry>> none = overlay.List();
    REQUIRE(none.ok());
    CHECK(none->empty());
    CHECK_FALSE(std::filesystem::exists(path()));
    REQUIRE(overlay.Add(Entry("zeta", "Zeta")).ok());
    REQUIRE(overlay.Add(Entry("alpha", "Alpha")).ok());
  }
  StoreCatalogOverlay reopened(path, "operator");
  Result<std::vector<config::CatalogEntry>> all = reopened.List();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  // Order follows creation times kept to the second, which this test cannot pin: compare as a set.
  std::set<std::string> ids{(*all)[0].id, (*all)[1].id};
  CHECK(ids == std::set<std::string>{"alpha", "zeta"});
  for (const config::CatalogEntry& e : *all) CHECK(e.facts == Entry(e.id, e.name).facts);
}

TEST_CASE("a store that cannot be opened makes Add fail with a sentence, not throw") {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "intern.db", "this is not a database, it is a text file.....");
  StoreCatalogOverlay overlay([&] { return dir.path() / "intern.db"; }, "operator");
  Status s = overlay.Add(Entry("x", "X"));
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().rfind("saving catalog entry \"x\": ", 0) == 0);
  CHECK(s.message().find("is not a valid intern store") != std::string::npos);
}

}  // namespace
}  // namespace intern::agent
