#include "agent/catalog_store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace intern::config {
// Field-by-field JSON mapping; missing fields keep their defaults when read.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CatalogFact, field, value, source, checked)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CatalogLinks, home, docs, repo, hf)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CatalogPricing, model, entry)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CatalogEntry, id, name, aliases, kind, category,
                                                organisation, tagline, summary, links, hf_ids,
                                                github, pipeline_tag, topics, pricing, licence,
                                                facts)
}  // namespace intern::config

namespace intern::agent {

std::string CatalogEntryToJson(const config::CatalogEntry& entry) {
  return nlohmann::json(entry).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<config::CatalogEntry> CatalogEntryFromJson(const std::string& text) {
  try {
    config::CatalogEntry entry = nlohmann::json::parse(text).get<config::CatalogEntry>();
    entry.origin = config::CatalogOrigin::kOverlay;
    return entry;
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kProtocol, fmt::format("a stored catalog entry is unreadable: {}",
                                                  e.what()));
  }
}

StoreCatalogOverlay::StoreCatalogOverlay(std::function<std::filesystem::path()> store_path,
                                         std::string source)
    : store_path_(std::move(store_path)), source_(std::move(source)) {}

StoreCatalogOverlay::~StoreCatalogOverlay() = default;

sessions::Store* StoreCatalogOverlay::Open(bool create) const {
  if (!store_) {
    std::filesystem::path path = store_path_();
    if (!create && !std::filesystem::exists(path)) return nullptr;
    store_ = std::make_unique<sessions::Store>(sessions::Store::Open(path));
  }
  return store_.get();
}

Status SaveCatalogEntry(sessions::Store& store, const config::CatalogEntry& entry,
                        const std::string& source) {
  try {
    sessions::CatalogEntryRecord record;
    record.key = entry.id;
    record.name = entry.name;
    record.kind = entry.kind;
    record.category = entry.category;
    record.data = CatalogEntryToJson(entry);
    record.source = source;
    store.PutCatalogEntry(record);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kIo, fmt::format("saving catalog entry \"{}\": {}", entry.id, e.what()));
  }
}

Status StoreCatalogOverlay::Add(const config::CatalogEntry& entry) {
  sessions::Store* store = nullptr;
  try {
    store = Open(/*create=*/true);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kIo, fmt::format("saving catalog entry \"{}\": {}", entry.id, e.what()));
  }
  return SaveCatalogEntry(*store, entry, source_);
}

Result<std::vector<config::CatalogEntry>> StoreCatalogOverlay::List() const {
  std::vector<sessions::CatalogEntryRecord> records;
  try {
    sessions::Store* store = Open(/*create=*/false);
    if (store == nullptr) return std::vector<config::CatalogEntry>{};
    records = store->ListCatalogEntries();
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kIo, fmt::format("reading catalog entries: {}", e.what()));
  }
  // Oldest first (the overlay contract); the store keeps times to the second and returns key
  // order, so entries added within one second come by id.
  std::stable_sort(records.begin(), records.end(),
                   [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  std::vector<config::CatalogEntry> out;
  for (const sessions::CatalogEntryRecord& r : records) {
    Result<config::CatalogEntry> entry = CatalogEntryFromJson(r.data);
    if (!entry) return Fail(entry.code(), fmt::format("{} (key {})", entry.message(), r.key));
    out.push_back(std::move(*entry));
  }
  return out;
}

}  // namespace intern::agent
