#include "tools/docs/doc_index.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>

#include "config/error.h"
#include "tools/docs/doc_files.h"
#include "tools/docs/fts_rank.h"

namespace intern::tools {
namespace fs = std::filesystem;
using docs_internal::AnyGlobMatches;

namespace {

constexpr const char* kSchema = R"sql(
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

constexpr const char* kCreateChunks =
    "CREATE VIRTUAL TABLE chunks USING fts5(text, title, heading_path, source_id UNINDEXED, "
    "tokenize = 'porter unicode61 remove_diacritics 2')";
// Column weights of bm25 (see doc_index.h); stored in the table so ORDER BY rank uses them.
constexpr const char* kRankConfig =
    "INSERT INTO chunks(chunks, rank) VALUES('rank', 'bm25(1.0, 2.0, 2.0, 0.0)')";

constexpr const char* kSourceColumns =
    "id, uri, kind, subject, title, content_hash, size, chunk_count, added_at";

// Document frequencies are counted up to this many chunks (see RarestFirst).
constexpr int64_t kDfCap = 500;

constexpr size_t kBatchFiles = 256;
constexpr uint64_t kBatchBytes = uint64_t{64} << 20;

DocSource ReadSource(SQLite::Statement& s) {
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

std::string ReadWholeFile(const fs::path& path, std::string* error) {
  std::string content;
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (file == nullptr) {
    *error = std::strerror(errno);
    return content;
  }
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, file.get())) > 0) content.append(buf, n);
  if (std::ferror(file.get())) *error = std::strerror(errno);
  return content;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string SizeText(uint64_t bytes) {
  if (bytes >= (1 << 20)) {
    return bytes % (1 << 20) == 0
               ? fmt::format("{} MiB", bytes >> 20)
               : fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
  }
  return bytes % 1024 == 0 ? fmt::format("{} KiB", bytes >> 10) : fmt::format("{} bytes", bytes);
}

}  // namespace

struct DocIndex::Impl {
  Impl(const std::string& path, Clock& clock)
      : path(path), clock(clock), db(Open(path)) {
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA cache_size=-65536");
    db.exec("PRAGMA mmap_size=268435456");
    SQLite::Transaction tx(db);
    db.exec(kSchema);
    if (!db.tableExists("chunks")) {
      db.exec(kCreateChunks);
      db.exec(kRankConfig);
    }
    tx.commit();
    RegisterRankFunction(db.getHandle());
    find_source.emplace(db, "SELECT id, content_hash, subject, chunk_first, chunk_count "
                            "FROM sources WHERE uri = ?");
    insert_chunk.emplace(db, "INSERT INTO chunks(rowid, text, title, heading_path, source_id) "
                             "VALUES(?, ?, ?, ?, ?)");
    search.emplace(db,
                   "SELECT chunks.rowid, s.id, s.uri, s.title, s.subject, chunks.heading_path, "
                   "snippet(chunks, 0, '**', '**', '…', 24), chunks.text, rank "
                   "FROM chunks JOIN sources s ON s.id = chunks.source_id "
                   "WHERE chunks MATCH ?1 AND rank MATCH ?4 AND (?2 = '' OR s.subject = ?2) "
                   "ORDER BY rank LIMIT ?3");
    df_sample.emplace(db, fmt::format("SELECT rowid FROM chunks WHERE chunks MATCH ? LIMIT {}",
                                      kDfCap));
  }

  static SQLite::Database Open(const std::string& path) {
    if (path != ":memory:" && !path.empty()) {
      fs::path parent = fs::path(path).parent_path();
      std::error_code ec;
      if (!parent.empty()) fs::create_directories(parent, ec);
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
      double df = count < kDfCap
                      ? static_cast<double>(count)
                      : static_cast<double>(kDfCap) * max_rowid / static_cast<double>(last_rowid);
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
                                          kSourceColumns, where));
      int i = 1;
      (s.bind(i++, binds), ...);
      while (s.executeStep()) found.push_back(ReadSource(s));
    };
    if (AllDigits(key)) {
      collect("id = ?", static_cast<int64_t>(std::stoll(std::string(key))));
      if (!found.empty()) return found;
    }
    collect("uri = ?", std::string(key));
    if (!found.empty() || key.find("://") != std::string_view::npos) return found;
    std::error_code ec;
    fs::path local = fs::absolute(fs::path(key), ec);
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
    WriteTransaction tx(impl_->db);
    impl_->LoadNextRowid();
    AddReport report = impl_->AddLocked(uri, content, kind, subject, title_hint);
    tx.Commit();
    return report;
  } catch (const SQLite::Exception& e) {
    throw Error(fmt::format("indexing {} into {}: {}", uri, impl_->path, e.what()));
  }
}

Result<AddSummary> DocIndex::AddPath(const fs::path& root, const AddPathOptions& options) {
  std::error_code ec;
  fs::file_status root_status = fs::status(root, ec);
  if (ec || !fs::exists(root_status)) {
    return Fail(ErrorCode::kNotFound, fmt::format("no such file or folder: {}", root.string()));
  }
  fs::path base = fs::absolute(root, ec).lexically_normal();
  AddSummary summary;
  AddProgress progress;
  std::unique_lock<std::mutex> lock(impl_->mu, std::defer_lock);
  std::unique_ptr<WriteTransaction> batch;
  size_t batch_files = 0;
  uint64_t batch_bytes = 0;

  auto commit_batch = [&] {
    if (batch) batch->Commit();
    batch.reset();
    if (lock.owns_lock()) lock.unlock();
    batch_files = 0;
    batch_bytes = 0;
  };

  // Reads and indexes one file; `chosen` says the caller named it (no type filter).
  auto handle_file = [&](const fs::path& path, bool chosen) {
    ++progress.files_done;
    progress.current = path.string();
    auto skip = [&](std::string reason) {
      summary.skipped.push_back({path.string(), std::move(reason)});
    };
    std::error_code size_ec;
    uint64_t size = fs::file_size(path, size_ec);
    if (size_ec) return skip("unreadable: " + size_ec.message());
    if (!chosen && options.include.empty() && !docs_internal::IsDocumentType(path)) {
      return skip("not a document type");
    }
    if (size > options.max_file_bytes) return skip("larger than " + SizeText(options.max_file_bytes));
    std::string error;
    std::string content = ReadWholeFile(path, &error);
    if (!error.empty()) return skip("unreadable: " + error);
    if (docs_internal::LooksBinary(content)) return skip("binary");
    DocKind kind = KindForFile(path, std::string_view(content).substr(0, 512));
    if (!batch) {
      lock.lock();
      batch = std::make_unique<WriteTransaction>(impl_->db);
      impl_->LoadNextRowid();
    }
    AddReport r =
        impl_->AddLocked(FileUri(path), content, kind, options.subject, path.filename().string());
    switch (r.outcome) {
      case AddOutcome::kAdded: ++summary.added; summary.chunks += r.chunks; break;
      case AddOutcome::kReplaced: ++summary.replaced; summary.chunks += r.chunks; break;
      case AddOutcome::kUnchanged: ++summary.unchanged; break;
    }
    summary.bytes += content.size();
    progress.bytes_done += content.size();
    batch_bytes += content.size();
    if (++batch_files >= kBatchFiles || batch_bytes >= kBatchBytes) commit_batch();
  };
  auto report = [&] {
    if (options.progress) options.progress(progress);
  };
  auto cancelled = [&] { return options.cancel != nullptr && options.cancel->load(); };

  try {
    if (!fs::is_directory(root_status)) {
      handle_file(base, true);
      report();
    } else {
      fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec);
      if (ec) return Fail(ErrorCode::kIo, fmt::format("reading folder {}: {}", base.string(), ec.message()));
      for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (cancelled()) {
          summary.cancelled = true;
          break;
        }
        const fs::directory_entry& entry = *it;
        std::string name = entry.path().filename().string();
        fs::path relative = entry.path().lexically_relative(base);
        std::error_code type_ec;
        bool is_dir = entry.is_directory(type_ec);
        if (!name.empty() && name[0] == '.') {
          if (is_dir) it.disable_recursion_pending();
          continue;
        }
        if (AnyGlobMatches(options.exclude, relative)) {
          if (is_dir) it.disable_recursion_pending();
          continue;
        }
        if (is_dir || !entry.is_regular_file(type_ec)) continue;
        if (!options.include.empty() && !AnyGlobMatches(options.include, relative)) continue;
        handle_file(entry.path(), false);
        report();
      }
      if (ec) summary.skipped.push_back({base.string(), "unreadable: " + ec.message()});
    }
    commit_batch();
  } catch (const SQLite::Exception& e) {
    throw Error(fmt::format("indexing {} into {}: {}", progress.current, impl_->path, e.what()));
  }
  return summary;
}

Result<std::vector<DocSource>> DocIndex::Remove(std::string_view uri_or_id) {
  std::lock_guard lock(impl_->mu);
  try {
    WriteTransaction tx(impl_->db);
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
    SQLite::Statement s(impl_->db, fmt::format("SELECT {} FROM sources ORDER BY uri", kSourceColumns));
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

std::string FileUri(const fs::path& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) abs = path;
  std::string s = abs.lexically_normal().generic_string();
  if (s.size() > 1 && s.back() == '/') s.pop_back();
  return "file://" + s;
}

DocKind KindForFile(const fs::path& path, std::string_view head) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".md" || ext == ".markdown" || ext == ".mdown" || ext == ".mkd" || ext == ".mdx") {
    return DocKind::kMarkdown;
  }
  if (ext == ".html" || ext == ".htm" || ext == ".xhtml" || ext == ".shtml") return DocKind::kHtml;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front()))) head.remove_prefix(1);
  std::string start(head.substr(0, 14));
  std::transform(start.begin(), start.end(), start.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (start.rfind("<!doctype html", 0) == 0 || start.rfind("<html", 0) == 0) return DocKind::kHtml;
  return DocKind::kText;
}

}  // namespace intern::tools
