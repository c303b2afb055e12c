// The evidence ledger, events and the HTTP cache.
#include <algorithm>
#include <charconv>

#include "sessions/store_internal.h"

namespace intern::sessions {
namespace {

constexpr const char* kEvidenceColumns =
    "num, session_id, step, subject, kind, field, value, source_url, title, quote, body, tool, "
    "retrieved_at, content_hash";

std::string EvidenceId(int64_t num) { return fmt::format("ev-{}", num); }

// The number in "ev-N", or nullopt when `id` is not of that shape.
std::optional<int64_t> EvidenceNumber(const std::string& id) {
  constexpr std::string_view kPrefix = "ev-";
  if (id.size() <= kPrefix.size() || id.compare(0, kPrefix.size(), kPrefix) != 0) {
    return std::nullopt;
  }
  int64_t num = 0;
  const char* begin = id.data() + kPrefix.size();
  const char* end = id.data() + id.size();
  auto [ptr, ec] = std::from_chars(begin, end, num);
  if (ec != std::errc() || ptr != end || num <= 0) return std::nullopt;
  return num;
}

std::optional<int64_t> OptionalInt(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

EvidenceRecord ReadEvidence(SQLite::Statement& q) {
  EvidenceRecord r;
  r.id = EvidenceId(q.getColumn(0).getInt64());
  r.session_id = q.getColumn(1).getString();
  r.step = OptionalInt(q.getColumn(2));
  r.input.subject = q.getColumn(3).getString();
  r.input.kind = q.getColumn(4).getString();
  r.input.field = q.getColumn(5).getString();
  r.input.value = q.getColumn(6).getString();
  r.input.source_url = q.getColumn(7).getString();
  r.input.title = q.getColumn(8).getString();
  r.input.quote = q.getColumn(9).getString();
  r.input.body = q.getColumn(10).getString();
  r.input.tool = q.getColumn(11).getString();
  r.retrieved_at = q.getColumn(12).getString();
  r.content_hash = q.getColumn(13).getString();
  return r;
}

}  // namespace

std::string InsertEvidence(Store::Impl& impl, const std::string& session_id,
                           const EvidenceInput& input, std::optional<int64_t> step) {
  const std::string hash = EvidenceContentHash(input);
  PreparedStatement existing_prepared =
      impl.Prepared("SELECT num FROM evidence WHERE session_id = ? AND content_hash = ?");
  SQLite::Statement& existing = *existing_prepared;
  existing.bind(1, session_id);
  existing.bind(2, hash);
  if (existing.executeStep()) return EvidenceId(existing.getColumn(0).getInt64());

  PreparedStatement q_prepared = impl.Prepared(
      "INSERT INTO evidence (session_id, step, subject, kind, field, value, "
      "source_url, title, quote, body, tool, retrieved_at, content_hash) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  SQLite::Statement& q = *q_prepared;
  q.bind(1, session_id);
  BindOptional(q, 2, step);
  q.bind(3, input.subject);
  q.bind(4, input.kind);
  q.bind(5, input.field);
  q.bind(6, input.value);
  q.bind(7, input.source_url);
  q.bind(8, input.title);
  q.bind(9, input.quote);
  q.bind(10, input.body);
  q.bind(11, input.tool);
  q.bind(12, impl.Now());
  q.bind(13, hash);
  q.exec();
  return EvidenceId(impl.db.getLastInsertRowid());
}

std::vector<EvidenceRecord> SelectEvidence(SQLite::Database& db, const std::string& session_id) {
  SQLite::Statement q(db, fmt::format("SELECT {} FROM evidence WHERE session_id = ? ORDER BY num",
                                      kEvidenceColumns));
  q.bind(1, session_id);
  std::vector<EvidenceRecord> records;
  while (q.executeStep()) records.push_back(ReadEvidence(q));
  return records;
}

std::string Store::RecordEvidence(const std::string& session_id, const EvidenceInput& input,
                                  std::optional<int64_t> step) {
  return impl_->Run(
      fmt::format("recording evidence for session {}", session_id), [&](SQLite::Database& db) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        PreparedStatement exists_prepared = impl_->Prepared("SELECT 1 FROM sessions WHERE id = ?");
        SQLite::Statement& exists = *exists_prepared;
        exists.bind(1, session_id);
        if (!exists.executeStep()) {
          throw Error(
              fmt::format("cannot record evidence: no session \"{}\" in the session store at {}",
                          session_id, impl_->path));
        }
        std::string id = InsertEvidence(*impl_, session_id, input, step);
        tx.commit();
        return id;
      });
}

std::optional<EvidenceRecord> Store::GetEvidence(const std::string& id) const {
  std::optional<int64_t> num = EvidenceNumber(id);
  if (!num) return std::nullopt;
  return impl_->Run(fmt::format("reading evidence {}", id),
                    [&](SQLite::Database& db) -> std::optional<EvidenceRecord> {
                      SQLite::Statement q(db, fmt::format("SELECT {} FROM evidence WHERE num = ?",
                                                          kEvidenceColumns));
                      q.bind(1, *num);
                      if (!q.executeStep()) return std::nullopt;
                      return ReadEvidence(q);
                    });
}

std::vector<EvidenceRecord> Store::ListEvidence(const std::string& session_id) const {
  return impl_->Run(fmt::format("listing evidence of session {}", session_id),
                    [&](SQLite::Database& db) { return SelectEvidence(db, session_id); });
}

std::optional<std::string> Store::ReadEvidenceBody(const std::string& id, int64_t offset,
                                                   int64_t max_chars) const {
  std::optional<int64_t> num = EvidenceNumber(id);
  if (!num) return std::nullopt;
  return impl_->Run(fmt::format("reading evidence {}", id),
                    [&](SQLite::Database& db) -> std::optional<std::string> {
                      // substr is 1-based and counts characters of TEXT.
                      SQLite::Statement q(db,
                                          "SELECT substr(body, ?, ?) FROM evidence WHERE num = ?");
                      q.bind(1, std::max<int64_t>(offset, 0) + 1);
                      q.bind(2, std::max<int64_t>(max_chars, 0));
                      q.bind(3, *num);
                      if (!q.executeStep()) return std::nullopt;
                      return q.getColumn(0).getString();
                    });
}

std::optional<int64_t> Store::EvidenceBodyLength(const std::string& id) const {
  std::optional<int64_t> num = EvidenceNumber(id);
  if (!num) return std::nullopt;
  return impl_->Run(fmt::format("reading evidence {}", id),
                    [&](SQLite::Database& db) -> std::optional<int64_t> {
                      SQLite::Statement q(db, "SELECT length(body) FROM evidence WHERE num = ?");
                      q.bind(1, *num);
                      if (!q.executeStep()) return std::nullopt;
                      return q.getColumn(0).getInt64();
                    });
}

// ---- events ----

int64_t InsertEvent(Store::Impl& impl, const EventRecord& event) {
  PreparedStatement q_prepared = impl.Prepared(
      "INSERT INTO events (session_id, step, at, level, kind, message) "
      "VALUES (?,?,?,?,?,?)");
  SQLite::Statement& q = *q_prepared;
  if (event.session_id.empty()) {
    q.bind(1);
  } else {
    q.bind(1, event.session_id);
  }
  BindOptional(q, 2, event.step);
  q.bind(3, event.at.empty() ? impl.Now() : event.at);
  q.bind(4, event.level);
  q.bind(5, event.kind);
  q.bind(6, event.message);
  q.exec();
  return impl.db.getLastInsertRowid();
}

EventRecord ReadEvent(SQLite::Statement& q) {
  EventRecord e;
  e.id = q.getColumn(0).getInt64();
  e.session_id = q.getColumn(1).isNull() ? "" : q.getColumn(1).getString();
  e.step = OptionalInt(q.getColumn(2));
  e.at = q.getColumn(3).getString();
  e.level = q.getColumn(4).getString();
  e.kind = q.getColumn(5).getString();
  e.message = q.getColumn(6).getString();
  return e;
}

int64_t Store::AppendEvent(EventRecord event) {
  return impl_->Run(fmt::format("appending a {} event", event.kind),
                    [&](SQLite::Database&) { return InsertEvent(*impl_, event); });
}

std::vector<EventRecord> Store::ListEvents(const std::string& session_id, int64_t limit) const {
  return impl_->Run("listing events", [&](SQLite::Database& db) {
    // The newest `limit`, returned oldest first.
    SQLite::Statement q(db, fmt::format("SELECT * FROM (SELECT {} FROM events "
                                        "WHERE (?1 = '' AND session_id IS NULL) OR session_id = ?1 "
                                        "ORDER BY id DESC LIMIT ?2) ORDER BY id",
                                        kEventColumns));
    q.bind(1, session_id);
    q.bind(2, limit > 0 ? limit : int64_t{-1});
    std::vector<EventRecord> events;
    while (q.executeStep()) events.push_back(ReadEvent(q));
    return events;
  });
}

// ---- HTTP cache ----

std::optional<HttpCacheEntry> Store::GetHttpCache(const std::string& key) const {
  return impl_->Run("reading the HTTP cache",
                    [&](SQLite::Database& db) -> std::optional<HttpCacheEntry> {
                      SQLite::Statement q(db,
                                          "SELECT key, etag, last_modified, status, headers, "
                                          "body, stored_at FROM http_cache WHERE key = ?");
                      q.bind(1, key);
                      if (!q.executeStep()) return std::nullopt;
                      HttpCacheEntry e;
                      e.key = q.getColumn(0).getString();
                      e.etag = q.getColumn(1).getString();
                      e.last_modified = q.getColumn(2).getString();
                      e.status = q.getColumn(3).getInt();
                      e.headers = q.getColumn(4).getString();
                      const SQLite::Column body = q.getColumn(5);
                      if (body.getBytes() > 0) {
                        e.body.assign(static_cast<const char*>(body.getBlob()),
                                      static_cast<size_t>(body.getBytes()));
                      }
                      e.stored_at = q.getColumn(6).getString();
                      return e;
                    });
}

void Store::PutHttpCache(HttpCacheEntry entry) {
  impl_->Run("writing the HTTP cache", [&](SQLite::Database& db) {
    SQLite::Statement q(db,
                        "INSERT OR REPLACE INTO http_cache (key, etag, last_modified, status, "
                        "headers, body, stored_at) VALUES (?,?,?,?,?,?,?)");
    q.bind(1, entry.key);
    q.bind(2, entry.etag);
    q.bind(3, entry.last_modified);
    q.bind(4, entry.status);
    q.bind(5, entry.headers);
    q.bind(6, entry.body.data(), static_cast<int>(entry.body.size()));
    q.bind(7, entry.stored_at.empty() ? impl_->Now() : entry.stored_at);
    q.exec();
  });
}

}  // namespace intern::sessions
