#pragma once
// Private to the store's .cpp files: the connection and the helpers they share. Not included
// outside sessions/.

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/clock.h"
#include "config/error.h"
#include "sessions/store.h"

namespace intern::sessions {

// A prepared statement lent out by Store::Impl::Prepared: bindings cleared when lent, reset when
// the lease ends, so a SELECT stepped only part-way never keeps a read transaction open (which
// would hide other processes' commits and hold back checkpoints). Use it under Impl::mu only,
// and within the one call that leased it.
class PreparedStatement {
 public:
  PreparedStatement(SQLite::Statement& statement, bool* busy)
      : statement_(&statement), busy_(busy) {}
  explicit PreparedStatement(std::unique_ptr<SQLite::Statement> owned)
      : owned_(std::move(owned)), statement_(owned_.get()) {}
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;
  ~PreparedStatement() {
    statement_->tryReset();  // the error it may report is the one the last step already threw
    if (busy_ != nullptr) *busy_ = false;
  }
  SQLite::Statement& operator*() { return *statement_; }
  SQLite::Statement* operator->() { return statement_; }

 private:
  std::unique_ptr<SQLite::Statement> owned_;
  SQLite::Statement* statement_;
  bool* busy_ = nullptr;
};

struct Store::Impl {
  Impl(std::string path_in, SQLite::Database db_in, const Clock& clock_in)
      : path(std::move(path_in)), db(std::move(db_in)), clock(&clock_in) {}

  std::string path;
  SQLite::Database db;
  const Clock* clock;
  int schema_version = 0;
  std::mutex mu;

  std::string Now() const;

  // The statement for `sql`, compiled on its first use and kept for the connection's life:
  // parsing is most of the cost of a small write. A statement already lent out (a nested use of
  // the same text) is compiled afresh instead. Call under `mu` (inside Run).
  PreparedStatement Prepared(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      auto compiled = std::make_unique<SQLite::Statement>(db, sql);  // throws before caching
      it = statements_.emplace(sql, CachedEntry{std::move(compiled), false}).first;
    }
    CachedEntry& entry = it->second;
    if (entry.busy) return PreparedStatement(std::make_unique<SQLite::Statement>(db, sql));
    entry.statement->clearBindings();
    entry.busy = true;
    return PreparedStatement(*entry.statement, &entry.busy);
  }

  // Runs `fn(db)` under the mutex and turns SQLite and JSON exceptions into intern::Error that
  // names `action` and the file. intern::Error thrown by `fn` passes through unchanged.
  template <typename Fn>
  auto Run(std::string_view action, Fn&& fn) -> decltype(fn(db)) {
    std::lock_guard lock(mu);
    try {
      return fn(db);
    } catch (const SQLite::Exception& e) {
      throw Error(fmt::format("{} in the session store at {}: {}", action, path, e.what()));
    } catch (const nlohmann::json::exception& e) {
      throw Error(
          fmt::format("{} in the session store at {}: a stored JSON value is unreadable "
                      "({})",
                      action, path, e.what()));
    }
  }

 private:
  struct CachedEntry {
    std::unique_ptr<SQLite::Statement> statement;
    bool busy = false;
  };
  // After `db`: destroyed first, so every statement is finalised before the connection closes.
  std::unordered_map<std::string, CachedEntry> statements_;
};

// "2026-01-01T00:00:00.000Z"
std::string FormatTime(std::chrono::system_clock::time_point t);

// `prefix` + 8 random lowercase Crockford base32 characters ("s-k3f9x2ab").
std::string RandomId(std::string_view prefix);

std::string JoinJsonArray(const std::vector<std::string>& items);
std::vector<std::string> SplitJsonArray(const std::string& json_text);

// SHA-256 of `json_text` re-serialised with sorted keys and no spaces, so equal arguments hash
// equally however the model spaced or ordered them; of the raw text when it is not JSON.
std::string CanonicalJsonHash(const std::string& json_text);

// Inserts evidence unless the session already has the same content hash; returns its id.
// Call inside a transaction (or accept autocommit).
std::string InsertEvidence(Store::Impl& impl, const std::string& session_id,
                           const EvidenceInput& input, std::optional<int64_t> step);

// The session's evidence in id order.
std::vector<EvidenceRecord> SelectEvidence(SQLite::Database& db, const std::string& session_id);

// The session's drafts in version order, and the decisions on them oldest first.
std::vector<DraftRecord> SelectDraftsOfSession(SQLite::Database& db, const std::string& session_id);
std::vector<ApprovalRecord> SelectApprovalsOfSession(SQLite::Database& db,
                                                     const std::string& session_id);

// Inserts an event and returns its id.
int64_t InsertEvent(Store::Impl& impl, const EventRecord& event);

// Reads an events row selected with kEventColumns.
EventRecord ReadEvent(SQLite::Statement& q);
inline constexpr const char* kEventColumns = "id, session_id, step, at, level, kind, message";

// Binds NULL for nullopt.
inline void BindOptional(SQLite::Statement& q, int index, const std::optional<int64_t>& value) {
  if (value) {
    q.bind(index, *value);
  } else {
    q.bind(index);
  }
}

}  // namespace intern::sessions
