// Catalog entries that sweeps and look-ups add beside the shipped seed catalog (DESIGN §8).
#include "sessions/store_internal.h"

namespace intern::sessions {
namespace {

constexpr const char* kCatalogColumns =
    "key, name, kind, category, data, source, created_at, updated_at";

CatalogEntryRecord ReadEntry(SQLite::Statement& q) {
  CatalogEntryRecord e;
  e.key = q.getColumn(0).getString();
  e.name = q.getColumn(1).getString();
  e.kind = q.getColumn(2).getString();
  e.category = q.getColumn(3).getString();
  e.data = q.getColumn(4).getString();
  e.source = q.getColumn(5).getString();
  e.created_at = q.getColumn(6).getString();
  e.updated_at = q.getColumn(7).getString();
  return e;
}

}  // namespace

CatalogEntryRecord Store::PutCatalogEntry(CatalogEntryRecord entry) {
  return impl_->Run(fmt::format("storing catalog entry {}", entry.key), [&](SQLite::Database& db) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    const std::string now = impl_->Now();
    SQLite::Statement existing(db, "SELECT created_at FROM catalog_entries WHERE key = ?");
    existing.bind(1, entry.key);
    entry.created_at = existing.executeStep() ? existing.getColumn(0).getString() : now;
    entry.updated_at = now;
    SQLite::Statement q(db, fmt::format("INSERT OR REPLACE INTO catalog_entries ({}) "
                                        "VALUES (?,?,?,?,?,?,?,?)",
                                        kCatalogColumns));
    q.bind(1, entry.key);
    q.bind(2, entry.name);
    q.bind(3, entry.kind);
    q.bind(4, entry.category);
    q.bind(5, entry.data);
    q.bind(6, entry.source);
    q.bind(7, entry.created_at);
    q.bind(8, entry.updated_at);
    q.exec();
    tx.commit();
    return entry;
  });
}

std::optional<CatalogEntryRecord> Store::GetCatalogEntry(const std::string& key) const {
  return impl_->Run(fmt::format("reading catalog entry {}", key),
                    [&](SQLite::Database& db) -> std::optional<CatalogEntryRecord> {
                      SQLite::Statement q(db, fmt::format("SELECT {} FROM catalog_entries "
                                                          "WHERE key = ?",
                                                          kCatalogColumns));
                      q.bind(1, key);
                      if (!q.executeStep()) return std::nullopt;
                      return ReadEntry(q);
                    });
}

std::vector<CatalogEntryRecord> Store::ListCatalogEntries(const std::string& category) const {
  return impl_->Run("listing catalog entries", [&](SQLite::Database& db) {
    SQLite::Statement q(db, fmt::format("SELECT {} FROM catalog_entries "
                                        "WHERE ?1 = '' OR category = ?1 ORDER BY key",
                                        kCatalogColumns));
    q.bind(1, category);
    std::vector<CatalogEntryRecord> entries;
    while (q.executeStep()) entries.push_back(ReadEntry(q));
    return entries;
  });
}

}  // namespace intern::sessions
