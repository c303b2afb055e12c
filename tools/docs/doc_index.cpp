#include "tools/docs/doc_index.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "config/error.h"
#include "tools/docs/doc_index_impl.h"

namespace intern::tools {
using docs_internal::kSourceColumns;
using docs_internal::ReadSource;

DocIndex::DocIndex(const std::string& path, Clock& clock) {
  try {
    impl_ = std::make_unique<Impl>(path, clock);
  } catch (const SQLite::Exception& e) {
    throw Error(fmt::format("opening document index at {}: {}", path, e.what()));
  }
}

DocIndex::~DocIndex() = default;

AddReport DocIndex::AddText(const std::string& uri, std::string_view content, DocKind kind,
                            const std::string& subject, const std::string& title_hint) {
  std::lock_guard lock(impl_->mu);
  try {
    docs_internal::WriteTransaction tx(impl_->db);
    impl_->LoadNextRowid();
    AddReport report = impl_->AddLocked(uri, content, kind, subject, title_hint);
    tx.Commit();
    return report;
  } catch (const SQLite::Exception& e) {
    throw Error(fmt::format("indexing {} into {}: {}", uri, impl_->path, e.what()));
  }
}

Result<std::vector<DocSource>> DocIndex::Remove(std::string_view uri_or_id) {
  std::lock_guard lock(impl_->mu);
  try {
    docs_internal::WriteTransaction tx(impl_->db);
    std::vector<DocSource> found = impl_->FindForRemoval(uri_or_id);
    if (found.empty()) {
      return Fail(ErrorCode::kNotFound,
                  fmt::format("no indexed source has the URI or id {}; `intern docs list` shows "
                              "what is indexed",
                              uri_or_id));
    }
    for (const DocSource& source : found) {
      SQLite::Statement range(impl_->db,
                              "SELECT chunk_first, chunk_count FROM sources WHERE id = ?");
      range.bind(1, source.id);
      if (range.executeStep()) {
        impl_->DeleteChunks(range.getColumn(0).getInt64(), range.getColumn(1).getInt64());
      }
      SQLite::Statement del(impl_->db, "DELETE FROM sources WHERE id = ?");
      del.bind(1, source.id);
      del.exec();
    }
    tx.Commit();
    return found;
  } catch (const SQLite::Exception& e) {
    throw Error(fmt::format("removing {} from {}: {}", uri_or_id, impl_->path, e.what()));
  }
}

std::vector<DocSource> DocIndex::List() const {
  std::lock_guard lock(impl_->mu);
  try {
    std::vector<DocSource> sources;
    SQLite::Statement s(impl_->db,
                        fmt::format("SELECT {} FROM sources ORDER BY uri", kSourceColumns));
    while (s.executeStep()) sources.push_back(ReadSource(s));
    return sources;
  } catch (const SQLite::Exception& e) {
    throw Error(fmt::format("listing {}: {}", impl_->path, e.what()));
  }
}

Result<std::vector<DocHit>> DocIndex::Search(std::string_view query, const std::string& subject,
                                             int k) const {
  std::vector<std::string> terms = FtsTerms(query);
  if (terms.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the query has no words to search for; use letters or digits");
  }
  k = std::clamp(k, 1, 1000);
  std::lock_guard lock(impl_->mu);
  try {
    std::vector<std::pair<std::string, double>> ranked = impl_->RarestFirst(std::move(terms));
    std::vector<DocHit> hits;
    std::set<int64_t> seen;
    // Tiers: every term; then without the most common one, and so on down to the rarest alone;
    // only if that still leaves fewer than k hits, the same again without the rarest term.
    for (size_t first = 0; first < ranked.size(); ++first) {
      for (size_t end = ranked.size(); end > first; --end) {
        if (static_cast<int>(hits.size()) >= k) return hits;
        std::string fts;
        std::string rank = "intern_bm25(";
        for (size_t i = first; i < end; ++i) {
          fts += (i == first ? "" : " AND ") + ranked[i].first;
          rank += fmt::format("{}{:.1f}", i == first ? "" : ", ", ranked[i].second);
        }
        rank += ")";
        for (DocHit& h : impl_->RunSearch(fts, rank, subject, k)) {
          if (static_cast<int>(hits.size()) == k) break;
          if (seen.insert(h.chunk_id).second) hits.push_back(std::move(h));
        }
      }
    }
    return hits;
  } catch (const SQLite::Exception& e) {
    return Fail(ErrorCode::kIo, fmt::format("searching {}: {}", impl_->path, e.what()));
  }
}

void DocIndex::Optimize() {
  std::lock_guard lock(impl_->mu);
  try {
    impl_->db.exec("INSERT INTO chunks(chunks) VALUES('optimize')");
  } catch (const SQLite::Exception& e) {
    throw Error(fmt::format("optimizing {}: {}", impl_->path, e.what()));
  }
}

}  // namespace intern::tools
