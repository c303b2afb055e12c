#pragma once
// StoreCatalogOverlay — catalog entries added at run time (`intern catalog add`, look-ups,
// sweeps), kept in the session store's catalog table so every later run sees them.
//
// The store is opened on first use, not at construction (commands are attached before the
// command line, and so the config, is parsed). List() on a store file that does not exist yet
// returns no entries and creates nothing; Add() creates the store when needed.
// List() returns entries oldest first (creation times are kept to the second; ties by id).
// Failures of the store (corrupt file, disk full) come back as failed Status/Result.
// Not thread-safe (one per command run).

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

#include "config/catalog.h"
#include "sessions/store.h"

namespace intern::agent {

class StoreCatalogOverlay final : public config::CatalogOverlay {
 public:
  // `store_path` is called once, on first use; `source` is recorded with each added entry
  // ("operator", "sweep", "lookup").
  StoreCatalogOverlay(std::function<std::filesystem::path()> store_path, std::string source);
  ~StoreCatalogOverlay() override;

  Status Add(const config::CatalogEntry& entry) override;
  Result<std::vector<config::CatalogEntry>> List() const override;

 private:
  sessions::Store* Open(bool create) const;

  std::function<std::filesystem::path()> store_path_;
  std::string source_;
  mutable std::unique_ptr<sessions::Store> store_;
};

// Writes `entry` (already validated) to `store`'s catalog table, replacing one with the same id,
// recording `source` ("operator", "sweep", "lookup"). Failure: kIo with the store's reason.
Status SaveCatalogEntry(sessions::Store& store, const config::CatalogEntry& entry,
                        const std::string& source);

// The JSON kept in the store's `data` column for an entry, and back. FromJson is lenient (missing
// fields stay empty) because the data may have been written by an older version.
std::string CatalogEntryToJson(const config::CatalogEntry& entry);
Result<config::CatalogEntry> CatalogEntryFromJson(const std::string& text);

}  // namespace intern::agent
