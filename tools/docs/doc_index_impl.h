#pragma once
// The internals of DocIndex shared by its source files (doc_index.cpp: opening, adding text,
// searching; doc_path_ingest.cpp: reading files and folders). Internal to tools/docs.
//
// Impl holds the one connection and its prepared statements; every use holds `mu`.

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/error.h"
#include "tools/docs/doc_files.h"
#include "tools/docs/doc_index.h"
#include "tools/docs/fts_rank.h"

namespace intern::tools {
namespace docs_internal {

inline constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS sources(
  id INTEGER PRIMARY KEY,
  uri TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  content_hash TEXT NOT NULL,
  size INTEGER NOT NULL,
  added_at TEXT NOT NULL,
  -- The chunks of a source have consecutive rowids, so replacing them is one range delete on
  -- the FTS rowid instead of a scan for source_id (an UNINDEXED column has no index).
  chunk_first INTEGER NOT NULL,
  chunk_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_subject ON sources(subject);
)sql";

inline constexpr const char* kCreateChunks =
    "CREATE VIRTUAL TABLE chunks USING fts5(text, title, heading_path, source_id UNINDEXED, "
    "tokenize = 'porter unicode61 remove_diacritics 2')";
// Column weights of bm25 (see doc_index.h); stored in the table so ORDER BY rank uses them.
inline constexpr const char* kRankConfig =
    "INSERT INTO chunks(chunks, rank) VALUES('rank', 'bm25(1.0, 2.0, 2.0, 0.0)')";

inline constexpr const char* kSourceColumns =
    "id, uri, kind, subject, title, content_hash, size, chunk_count, added_at";

// Document frequencies are counted up to this many chunks (see RarestFirst).
inline constexpr int64_t kDfCap = 500;

inline DocSource ReadSource(SQLite::Statement& s) {
  DocSource d;
  d.id = s.getColumn(0).getInt64();
  d.uri = s.getColumn(1).getString();
  d.kind = s.getColumn(2).getString();
  d.subject = s.getColumn(3).getString();
  d.title = s.getColumn(4).getString();
  d.content_hash = s.getColumn(5).getString();
  d.size = s.getColumn(6).getInt64();
  d.chunks = s.getColumn(7).getInt64();
  d.added_at = s.getColumn(8).getString();
  return d;
}

// BEGIN IMMEDIATE takes the write lock up front, so the next chunk rowid read at the start stays
// valid for the whole transaction even with another process writing the same file.
class WriteTransaction {
 public:
  explicit WriteTransaction(SQLite::Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  ~WriteTransaction() {
    if (done_) return;
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void Commit() {
    db_.exec("COMMIT");
    done_ = true;
  }

 private:
  SQLite::Database& db_;
  bool done_ = false;
};

inline bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace docs_internal

struct DocIndex::Impl {
  Impl(const std::string& path, Clock& clock) : path(path), clock(clock), db(Open(path)) {
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA cache_size=-65536");
    db.exec("PRAGMA mmap_size=268435456");
    SQLite::Transaction tx(db);
    db.exec(docs_internal::kSchema);
    if (!db.tableExists("chunks")) {
      db.exec(docs_internal::kCreateChunks);
      db.exec(docs_internal::kRankConfig);
    }
    tx.commit();
    RegisterRankFunction(db.getHandle());
    find_source.emplace(db,
                        "SELECT id, content_hash, subject, chunk_first, chunk_count "
                        "FROM sources WHERE uri = ?");
    insert_chunk.emplace(db,
                         "INSERT INTO chunks(rowid, text, title, heading_path, source_id) "
                         "VALUES(?, ?, ?, ?, ?)");
    search.emplace(db,
                   "SELECT chunks.rowid, s.id, s.uri, s.title, s.subject, chunks.heading_path, "
                   "snippet(chunks, 0, '**', '**', '…', 24), chunks.text, rank "
                   "FROM chunks JOIN sources s ON s.id = chunks.source_id "
                   "WHERE chunks MATCH ?1 AND rank MATCH ?4 AND (?2 = '' OR s.subject = ?2) "
                   "ORDER BY rank LIMIT ?3");
    df_sample.emplace(db, fmt::format("SELECT rowid FROM chunks WHERE chunks MATCH ? LIMIT {}",
                                      docs_internal::kDfCap));
  }

  static SQLite::Database Open(const std::string& path) {
    if (path != ":memory:" && !path.empty()) {
      std::filesystem::path parent = std::filesystem::path(path).parent_path();
      std::error_code ec;
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      if (ec) {
        throw Error(fmt::format("opening document index at {}: cannot create {}: {}", path,
                                parent.string(), ec.message()));
      }
    }
    return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000);
  }

  // The rowid the next inserted chunk gets; read once per write transaction.
  void LoadNextRowid() {
    SQLite::Statement s(db, "SELECT rowid FROM chunks ORDER BY rowid DESC LIMIT 1");
    next_rowid = s.executeStep() ? s.getColumn(0).getInt64() + 1 : 1;
  }

  void DeleteChunks(int64_t first, int64_t count) {
    if (count <= 0) return;
    SQLite::Statement s(db, "DELETE FROM chunks WHERE rowid BETWEEN ? AND ?");
    s.bind(1, first);
    s.bind(2, first + count - 1);
    s.exec();
  }

  // Precondition: a WriteTransaction is open and LoadNextRowid was called in it.
  AddReport AddLocked(const std::string& uri, std::string_view content, DocKind kind,
                      const std::string& subject, const std::string& title_hint) {
    std::string hash = docs_internal::Sha256Hex(content);
    std::optional<int64_t> id;
    std::string old_hash, old_subject;
    int64_t old_first = 0, old_count = 0;
    find_source->reset();
    find_source->bind(1, uri);
    if (find_source->executeStep()) {
      id = find_source->getColumn(0).getInt64();
      old_hash = find_source->getColumn(1).getString();
      old_subject = find_source->getColumn(2).getString();
      old_first = find_source->getColumn(3).getInt64();
      old_count = find_source->getColumn(4).getInt64();
    }
    find_source->reset();
    const bool existed = id.has_value();
    if (existed && old_hash == hash) {
      if (!subject.empty() && subject != old_subject) {
        SQLite::Statement s(db, "UPDATE sources SET subject = ? WHERE id = ?");
        s.bind(1, subject);
        s.bind(2, *id);
        s.exec();
      }
      return {AddOutcome::kUnchanged, *id, static_cast<size_t>(old_count)};
    }

    ChunkedDocument doc = ChunkDocument(content, kind);
    std::string title = doc.title.empty() ? title_hint : doc.title;
    std::string new_subject = subject.empty() ? old_subject : subject;
    int64_t first = next_rowid;
    auto count = static_cast<int64_t>(doc.chunks.size());
    std::string added_at = docs_internal::Rfc3339(clock.Now());
    if (existed) {
      DeleteChunks(old_first, old_count);
      SQLite::Statement s(db,
                          "UPDATE sources SET kind = ?, subject = ?, title = ?, content_hash = ?, "
                          "size = ?, added_at = ?, chunk_first = ?, chunk_count = ? WHERE id = ?");
      s.bind(1, DocKindName(kind));
      s.bind(2, new_subject);
      s.bind(3, title);
      s.bind(4, hash);
      s.bind(5, static_cast<int64_t>(content.size()));
      s.bind(6, added_at);
      s.bind(7, first);
      s.bind(8, count);
      s.bind(9, *id);
      s.exec();
    } else {
      SQLite::Statement s(db,
                          "INSERT INTO sources(uri, kind, subject, title, content_hash, size, "
                          "added_at, chunk_first, chunk_count) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
      s.bind(1, uri);
      s.bind(2, DocKindName(kind));
      s.bind(3, new_subject);
      s.bind(4, title);
      s.bind(5, hash);
      s.bind(6, static_cast<int64_t>(content.size()));
      s.bind(7, added_at);
      s.bind(8, first);
      s.bind(9, count);
      s.exec();
      id = db.getLastInsertRowid();
    }
    for (const Chunk& chunk : doc.chunks) {
      SQLite::Statement& ins = *insert_chunk;
      ins.reset();
      ins.bind(1, next_rowid++);
      ins.bindNoCopy(2, chunk.text);
      ins.bindNoCopy(3, title);
      ins.bindNoCopy(4, chunk.heading_path);
      ins.bind(5, *id);
      ins.exec();
    }
    insert_chunk->reset();
    return {existed ? AddOutcome::kReplaced : AddOutcome::kAdded, *id, doc.chunks.size()};
  }

  std::vector<DocHit> RunSearch(const std::string& fts, const std::string& rank,
                                const std::string& subject, int k) {
    std::vector<DocHit> hits;
    SQLite::Statement& s = *search;
    s.reset();
    s.bind(1, fts);
    s.bind(2, subject);
    s.bind(3, k);
    s.bind(4, rank);
    while (s.executeStep()) {
      DocHit h;
      h.chunk_id = s.getColumn(0).getInt64();
      h.source_id = s.getColumn(1).getInt64();
      h.uri = s.getColumn(2).getString();
      h.title = s.getColumn(3).getString();
      h.subject = s.getColumn(4).getString();
      h.heading_path = s.getColumn(5).getString();
      h.snippet = s.getColumn(6).getString();
      h.text = s.getColumn(7).getString();
      h.score = -s.getColumn(8).getDouble();
      hits.push_back(std::move(h));
    }
    s.reset();
    return hits;
  }

  // The terms that occur somewhere, rarest first (ties keep query order), each with an estimate
  // of its document frequency for intern_bm25. Up to kDfCap the count is exact; past it the
  // rowid of the kDfCap-th match tells how densely the term covers the table, and the count is
  // extrapolated from that, so a common word costs kDfCap rows, not its whole posting list.
  std::vector<std::pair<std::string, double>> RarestFirst(std::vector<std::string> terms) {
    SQLite::Statement last(db, "SELECT rowid FROM chunks ORDER BY rowid DESC LIMIT 1");
    double max_rowid = last.executeStep() ? static_cast<double>(last.getColumn(0).getInt64()) : 1;
    std::vector<std::pair<std::string, double>> ranked;
    for (std::string& term : terms) {
      SQLite::Statement& s = *df_sample;
      s.reset();
      s.bind(1, term);
      int64_t count = 0;
      int64_t last_rowid = 1;
      while (s.executeStep()) {
        ++count;
        last_rowid = s.getColumn(0).getInt64();
      }
      s.reset();
      if (count == 0) continue;
      constexpr auto kCap = static_cast<double>(docs_internal::kDfCap);
      double df = count < docs_internal::kDfCap
                      ? static_cast<double>(count)
                      : kCap * max_rowid / static_cast<double>(last_rowid);
      ranked.emplace_back(std::move(term), df);
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
    return ranked;
  }

  std::vector<DocSource> FindForRemoval(std::string_view key) {
    std::vector<DocSource> found;
    auto collect = [&](const std::string& where, const auto&... binds) {
      SQLite::Statement s(db, fmt::format("SELECT {} FROM sources WHERE {} ORDER BY uri",
                                          docs_internal::kSourceColumns, where));
      int i = 1;
      (s.bind(i++, binds), ...);
      while (s.executeStep()) found.push_back(docs_internal::ReadSource(s));
    };
    if (docs_internal::AllDigits(key)) {
      collect("id = ?", static_cast<int64_t>(std::stoll(std::string(key))));
      if (!found.empty()) return found;
    }
    collect("uri = ?", std::string(key));
    if (!found.empty() || key.find("://") != std::string_view::npos) return found;
    std::error_code ec;
    std::filesystem::path local = std::filesystem::absolute(std::filesystem::path(key), ec);
    if (ec) return found;
    std::string uri = FileUri(local);
    collect("uri = ?", uri);
    if (!found.empty()) return found;
    std::string prefix = uri.back() == '/' ? uri : uri + "/";
    collect("substr(uri, 1, ?) = ?", static_cast<int64_t>(prefix.size()), prefix);
    return found;
  }

  std::string path;
  Clock& clock;
  mutable std::mutex mu;
  SQLite::Database db;
  std::optional<SQLite::Statement> find_source;
  std::optional<SQLite::Statement> insert_chunk;
  std::optional<SQLite::Statement> search;
  std::optional<SQLite::Statement> df_sample;
  int64_t next_rowid = 1;
};

}  // namespace intern::tools
