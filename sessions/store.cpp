// Sessions and their iterations: create, read, update, CommitStep, LoadHistory.
#include "sessions/store.h"

#include <map>

#include "sessions/sha256.h"
#include "sessions/store_internal.h"

namespace intern::sessions {
namespace {

constexpr const char* kSessionColumns =
    "id, kind, title, subjects, status, phase, provider, model, created_at, updated_at, "
    "iterations, tokens_in, tokens_out, tokens_cache_read, tokens_cache_write, cost_usd, "
    "max_iterations, budget_tokens, budget_usd, loop_state, settings, last_error";

Session ReadSession(SQLite::Statement& q) {
  Session s;
  s.id = q.getColumn(0).getString();
  s.kind = q.getColumn(1).getString();
  s.title = q.getColumn(2).getString();
  s.subjects = q.getColumn(3).getString();
  std::string status = q.getColumn(4).getString();
  auto parsed = ParseSessionStatus(status);
  if (!parsed) {
    throw Error(
        fmt::format("session {} has a status this build does not know (\"{}\")", s.id, status));
  }
  s.status = *parsed;
  s.phase = q.getColumn(5).getString();
  s.provider = q.getColumn(6).getString();
  s.model = q.getColumn(7).getString();
  s.created_at = q.getColumn(8).getString();
  s.updated_at = q.getColumn(9).getString();
  s.iterations = q.getColumn(10).getInt64();
  s.usage = {q.getColumn(11).getInt64(), q.getColumn(12).getInt64(), q.getColumn(13).getInt64(),
             q.getColumn(14).getInt64()};
  s.cost_usd = q.getColumn(15).getDouble();
  s.caps = {q.getColumn(16).getInt64(), q.getColumn(17).getInt64(), q.getColumn(18).getDouble()};
  s.loop_state = q.getColumn(19).getString();
  s.settings = q.getColumn(20).getString();
  s.last_error = q.getColumn(21).getString();
  return s;
}

std::optional<Session> SelectSession(Store::Impl& impl, const std::string& id) {
  PreparedStatement q_prepared =
      impl.Prepared(fmt::format("SELECT {} FROM sessions WHERE id = ?", kSessionColumns));
  SQLite::Statement& q = *q_prepared;
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return ReadSession(q);
}

bool SessionExists(Store::Impl& impl, const std::string& id) {
  PreparedStatement q_prepared = impl.Prepared("SELECT 1 FROM sessions WHERE id = ?");
  SQLite::Statement& q = *q_prepared;
  q.bind(1, id);
  return q.executeStep();
}

// Applies the set fields of `update`; returns the number of sessions changed (0 or 1).
int ApplySessionUpdate(Store::Impl& impl, const std::string& id, const SessionUpdate& update,
                       const std::string& now) {
  PreparedStatement q_prepared = impl.Prepared(
      "UPDATE sessions SET updated_at = ?, status = coalesce(?, status), "
      "phase = coalesce(?, phase), loop_state = coalesce(?, loop_state), "
      "last_error = coalesce(?, last_error) WHERE id = ?");
  SQLite::Statement& q = *q_prepared;
  q.bind(1, now);
  auto bind_text = [&q](int index, const std::optional<std::string>& value) {
    if (value) {
      q.bind(index, *value);
    } else {
      q.bind(index);
    }
  };
  bind_text(2, update.status ? std::optional<std::string>(SessionStatusName(*update.status))
                             : std::nullopt);
  bind_text(3, update.phase);
  bind_text(4, update.loop_state);
  bind_text(5, update.last_error);
  q.bind(6, id);
  return q.exec();
}

void InsertStepRow(Store::Impl& impl, const StepRecord& step, const std::string& now) {
  PreparedStatement q_prepared = impl.Prepared(
      "INSERT INTO steps (session_id, n, phase, provider, model, started_at, "
      "finished_at, tokens_in, tokens_out, tokens_cache_read, tokens_cache_write, "
      "cost_usd, stop_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  SQLite::Statement& q = *q_prepared;
  q.bind(1, step.session_id);
  q.bind(2, step.n);
  q.bind(3, step.phase);
  q.bind(4, step.provider);
  q.bind(5, step.model);
  q.bind(6, step.started_at.empty() ? now : step.started_at);
  q.bind(7, step.finished_at.empty() ? now : step.finished_at);
  q.bind(8, step.usage.input);
  q.bind(9, step.usage.output);
  q.bind(10, step.usage.cache_read);
  q.bind(11, step.usage.cache_write);
  q.bind(12, step.cost_usd);
  q.bind(13, step.stop_reason);
  q.exec();
}

// Returns the seq of the first message inserted (0 when there are none).
int64_t InsertMessages(Store::Impl& impl, const StepRecord& step, const std::string& now) {
  if (step.messages.empty()) return 0;
  PreparedStatement last_prepared =
      impl.Prepared("SELECT coalesce(max(seq), 0) FROM messages WHERE session_id = ?");
  SQLite::Statement& last = *last_prepared;
  last.bind(1, step.session_id);
  last.executeStep();
  const int64_t first = last.getColumn(0).getInt64() + 1;
  PreparedStatement q_prepared = impl.Prepared(
      "INSERT INTO messages (session_id, seq, step, role, content, tool_call_id, "
      "created_at) VALUES (?,?,?,?,?,?,?)");
  SQLite::Statement& q = *q_prepared;
  int64_t seq = first;
  for (const MessageRecord& m : step.messages) {
    q.bind(1, step.session_id);
    q.bind(2, seq++);
    q.bind(3, step.n);
    q.bind(4, m.role);
    q.bind(5, m.content);
    q.bind(6, m.tool_call_id);
    q.bind(7, m.created_at.empty() ? now : m.created_at);
    q.exec();
    q.reset();
  }
  return first;
}

void InsertToolCalls(Store::Impl& impl, const StepRecord& step, const std::string& now) {
  PreparedStatement q_prepared = impl.Prepared(
      "INSERT INTO tool_calls (session_id, step, seq, call_id, tool, args, "
      "args_hash, result, is_error, result_hash, evidence_ids, approval, "
      "duration_ms, started_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  SQLite::Statement& q = *q_prepared;
  int64_t seq = 1;
  for (const ToolCallRecord& c : step.tool_calls) {
    q.bind(1, step.session_id);
    q.bind(2, step.n);
    q.bind(3, seq++);
    q.bind(4, c.call_id);
    q.bind(5, c.tool);
    q.bind(6, c.args);
    q.bind(7, c.args_hash.empty() ? CanonicalJsonHash(c.args) : c.args_hash);
    q.bind(8, c.result);
    q.bind(9, c.is_error ? 1 : 0);
    q.bind(10, c.result_hash.empty() ? Sha256Hex(c.result) : c.result_hash);
    q.bind(11, JoinJsonArray(c.evidence_ids));
    q.bind(12, c.approval);
    q.bind(13, c.duration_ms);
    q.bind(14, c.started_at.empty() ? now : c.started_at);
    q.exec();
    q.reset();
  }
}

void InsertCompactions(Store::Impl& impl, const StepRecord& step, const std::string& now) {
  PreparedStatement q_prepared = impl.Prepared(
      "INSERT INTO compactions (session_id, step, first_seq, last_seq, summary, "
      "model, tokens_before, tokens_after, created_at) "
      "VALUES (?,?,?,?,?,?,?,?,?)");
  SQLite::Statement& q = *q_prepared;
  for (const CompactionRecord& c : step.compactions) {
    q.bind(1, step.session_id);
    q.bind(2, step.n);
    q.bind(3, c.first_seq);
    q.bind(4, c.last_seq);
    q.bind(5, c.summary);
    q.bind(6, c.model);
    q.bind(7, c.tokens_before);
    q.bind(8, c.tokens_after);
    q.bind(9, c.created_at.empty() ? now : c.created_at);
    q.exec();
    q.reset();
  }
}

void AddStepToSessionCounters(Store::Impl& impl, const StepRecord& step) {
  PreparedStatement q_prepared = impl.Prepared(
      "UPDATE sessions SET iterations = ?, tokens_in = tokens_in + ?, "
      "tokens_out = tokens_out + ?, tokens_cache_read = tokens_cache_read + ?, "
      "tokens_cache_write = tokens_cache_write + ?, cost_usd = cost_usd + ? "
      "WHERE id = ?");
  SQLite::Statement& q = *q_prepared;
  q.bind(1, step.n);
  q.bind(2, step.usage.input);
  q.bind(3, step.usage.output);
  q.bind(4, step.usage.cache_read);
  q.bind(5, step.usage.cache_write);
  q.bind(6, step.cost_usd);
  q.bind(7, step.session_id);
  q.exec();
}

}  // namespace

Session Store::CreateSession(Session session) {
  return impl_->Run(fmt::format("creating session {}", session.id), [&](SQLite::Database& db) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    if (session.id.empty()) {
      do {
        session.id = RandomId("s-");
      } while (SessionExists(*impl_, session.id));
    } else if (SessionExists(*impl_, session.id)) {
      throw Error(fmt::format("a session with id {} already exists in the session store at {}",
                              session.id, impl_->path));
    }
    session.iterations = 0;
    session.usage = {};
    session.cost_usd = 0;
    const std::string now = impl_->Now();
    if (session.created_at.empty()) session.created_at = now;
    if (session.updated_at.empty()) session.updated_at = session.created_at;
    SQLite::Statement q(db, fmt::format("INSERT INTO sessions ({}) VALUES "
                                        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                        kSessionColumns));
    q.bind(1, session.id);
    q.bind(2, session.kind);
    q.bind(3, session.title);
    q.bind(4, session.subjects);
    q.bind(5, SessionStatusName(session.status));
    q.bind(6, session.phase);
    q.bind(7, session.provider);
    q.bind(8, session.model);
    q.bind(9, session.created_at);
    q.bind(10, session.updated_at);
    q.bind(11, session.iterations);
    q.bind(12, session.usage.input);
    q.bind(13, session.usage.output);
    q.bind(14, session.usage.cache_read);
    q.bind(15, session.usage.cache_write);
    q.bind(16, session.cost_usd);
    q.bind(17, session.caps.max_iterations);
    q.bind(18, session.caps.budget_tokens);
    q.bind(19, session.caps.budget_usd);
    q.bind(20, session.loop_state);
    q.bind(21, session.settings);
    q.bind(22, session.last_error);
    q.exec();
    tx.commit();
    return session;
  });
}

std::optional<Session> Store::GetSession(const std::string& id) const {
  return impl_->Run(fmt::format("reading session {}", id),
                    [&](SQLite::Database&) { return SelectSession(*impl_, id); });
}

std::vector<Session> Store::ListSessions(const SessionFilter& filter) const {
  return impl_->Run("listing sessions", [&](SQLite::Database& db) {
    SQLite::Statement q(db,
                        fmt::format("SELECT {} FROM sessions "
                                    "WHERE (?1 IS NULL OR status = ?1) AND (?2 = '' OR kind = ?2) "
                                    "ORDER BY created_at DESC, rowid DESC LIMIT ?3",
                                    kSessionColumns));
    if (filter.status) {
      q.bind(1, SessionStatusName(*filter.status));
    } else {
      q.bind(1);
    }
    q.bind(2, filter.kind);
    q.bind(3, filter.limit > 0 ? filter.limit : int64_t{-1});
    std::vector<Session> sessions;
    while (q.executeStep()) sessions.push_back(ReadSession(q));
    return sessions;
  });
}

std::vector<std::string> Store::SessionIdsWithPrefix(const std::string& prefix,
                                                     int64_t limit) const {
  return impl_->Run("looking up session ids", [&](SQLite::Database& db) {
    // substr instead of LIKE: ids may hold '_' or '%' and LIKE ignores case.
    SQLite::Statement q(db,
                        "SELECT id FROM sessions WHERE substr(id, 1, length(?1)) = ?1 "
                        "ORDER BY id LIMIT ?2");
    q.bind(1, prefix);
    q.bind(2, limit > 0 ? limit : int64_t{-1});
    std::vector<std::string> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getString());
    return ids;
  });
}

void Store::UpdateSession(const std::string& id, const SessionUpdate& update) {
  impl_->Run(fmt::format("updating session {}", id), [&](SQLite::Database&) {
    if (ApplySessionUpdate(*impl_, id, update, impl_->Now()) == 0) {
      throw Error(fmt::format("no session \"{}\" in the session store at {}", id, impl_->path));
    }
  });
}

CommitResult Store::CommitStep(const StepRecord& step) {
  return impl_->Run(
      fmt::format("committing step {} of session {}", step.n, step.session_id),
      [&](SQLite::Database& db) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        PreparedStatement current_prepared =
            impl_->Prepared("SELECT iterations FROM sessions WHERE id = ?");
        SQLite::Statement& current = *current_prepared;
        current.bind(1, step.session_id);
        if (!current.executeStep()) {
          throw Error(
              fmt::format("cannot commit step {}: no session \"{}\" in the session store "
                          "at {}",
                          step.n, step.session_id, impl_->path));
        }
        const int64_t committed = current.getColumn(0).getInt64();
        if (step.n != committed + 1) {
          throw Error(
              fmt::format("cannot commit step {} of session {}: it has {} committed "
                          "steps, so the next one is {}",
                          step.n, step.session_id, committed, committed + 1));
        }
        const std::string now = impl_->Now();
        CommitResult result;
        InsertStepRow(*impl_, step, now);
        result.first_message_seq = InsertMessages(*impl_, step, now);
        InsertToolCalls(*impl_, step, now);
        InsertCompactions(*impl_, step, now);
        for (EventRecord event : step.events) {
          event.session_id = step.session_id;
          event.step = step.n;
          if (event.at.empty()) event.at = now;
          InsertEvent(*impl_, event);
        }
        for (const EvidenceInput& input : step.evidence) {
          result.evidence_ids.push_back(InsertEvidence(*impl_, step.session_id, input, step.n));
        }
        AddStepToSessionCounters(*impl_, step);
        ApplySessionUpdate(*impl_, step.session_id, step.session, now);
        tx.commit();
        return result;
      });
}

std::optional<SessionHistory> Store::LoadHistory(const std::string& session_id) const {
  return impl_->Run(
      fmt::format("loading session {}", session_id),
      [&](SQLite::Database& db) -> std::optional<SessionHistory> {
        // One read transaction: a writer committing meanwhile cannot tear the picture.
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::DEFERRED);
        std::optional<Session> session = SelectSession(*impl_, session_id);
        if (!session) return std::nullopt;
        SessionHistory history;
        history.session = std::move(*session);
        std::map<int64_t, size_t> index_of_step;

        SQLite::Statement steps(db,
                                "SELECT n, phase, provider, model, started_at, finished_at, "
                                "tokens_in, tokens_out, tokens_cache_read, tokens_cache_write, "
                                "cost_usd, stop_reason FROM steps WHERE session_id = ? ORDER BY n");
        steps.bind(1, session_id);
        while (steps.executeStep()) {
          StepRecord s;
          s.session_id = session_id;
          s.n = steps.getColumn(0).getInt64();
          s.phase = steps.getColumn(1).getString();
          s.provider = steps.getColumn(2).getString();
          s.model = steps.getColumn(3).getString();
          s.started_at = steps.getColumn(4).getString();
          s.finished_at = steps.getColumn(5).getString();
          s.usage = {steps.getColumn(6).getInt64(), steps.getColumn(7).getInt64(),
                     steps.getColumn(8).getInt64(), steps.getColumn(9).getInt64()};
          s.cost_usd = steps.getColumn(10).getDouble();
          s.stop_reason = steps.getColumn(11).getString();
          index_of_step[s.n] = history.steps.size();
          history.steps.push_back(std::move(s));
        }
        auto step_of = [&](int64_t n) -> StepRecord& {
          return history.steps.at(index_of_step.at(n));
        };

        SQLite::Statement messages(db,
                                   "SELECT step, seq, role, content, tool_call_id, created_at "
                                   "FROM messages WHERE session_id = ? ORDER BY seq");
        messages.bind(1, session_id);
        while (messages.executeStep()) {
          MessageRecord m;
          m.step = messages.getColumn(0).getInt64();
          m.seq = messages.getColumn(1).getInt64();
          m.role = messages.getColumn(2).getString();
          m.content = messages.getColumn(3).getString();
          m.tool_call_id = messages.getColumn(4).getString();
          m.created_at = messages.getColumn(5).getString();
          step_of(m.step).messages.push_back(std::move(m));
        }

        SQLite::Statement calls(db,
                                "SELECT step, seq, call_id, tool, args, args_hash, result, "
                                "is_error, result_hash, evidence_ids, approval, duration_ms, "
                                "started_at FROM tool_calls WHERE session_id = ? "
                                "ORDER BY step, seq");
        calls.bind(1, session_id);
        while (calls.executeStep()) {
          ToolCallRecord c;
          c.step = calls.getColumn(0).getInt64();
          c.seq = calls.getColumn(1).getInt64();
          c.call_id = calls.getColumn(2).getString();
          c.tool = calls.getColumn(3).getString();
          c.args = calls.getColumn(4).getString();
          c.args_hash = calls.getColumn(5).getString();
          c.result = calls.getColumn(6).getString();
          c.is_error = calls.getColumn(7).getInt() != 0;
          c.result_hash = calls.getColumn(8).getString();
          c.evidence_ids = SplitJsonArray(calls.getColumn(9).getString());
          c.approval = calls.getColumn(10).getString();
          c.duration_ms = calls.getColumn(11).getInt64();
          c.started_at = calls.getColumn(12).getString();
          step_of(c.step).tool_calls.push_back(std::move(c));
        }

        SQLite::Statement compactions(db,
                                      "SELECT step, first_seq, last_seq, summary, model, "
                                      "tokens_before, tokens_after, created_at FROM compactions "
                                      "WHERE session_id = ? ORDER BY id");
        compactions.bind(1, session_id);
        while (compactions.executeStep()) {
          CompactionRecord c;
          c.step = compactions.getColumn(0).getInt64();
          c.first_seq = compactions.getColumn(1).getInt64();
          c.last_seq = compactions.getColumn(2).getInt64();
          c.summary = compactions.getColumn(3).getString();
          c.model = compactions.getColumn(4).getString();
          c.tokens_before = compactions.getColumn(5).getInt64();
          c.tokens_after = compactions.getColumn(6).getInt64();
          c.created_at = compactions.getColumn(7).getString();
          step_of(c.step).compactions.push_back(std::move(c));
        }

        SQLite::Statement events(db, fmt::format("SELECT {} FROM events WHERE session_id = ? "
                                                 "ORDER BY id",
                                                 kEventColumns));
        events.bind(1, session_id);
        while (events.executeStep()) {
          EventRecord e = ReadEvent(events);
          if (e.step && index_of_step.count(*e.step) > 0) {
            step_of(*e.step).events.push_back(std::move(e));
          } else {
            history.events.push_back(std::move(e));
          }
        }
        history.evidence = SelectEvidence(db, session_id);
        // A store held at schema 1 by the test hook has no review tables yet.
        if (impl_->schema_version >= 2) {
          history.drafts = SelectDraftsOfSession(db, session_id);
          history.approvals = SelectApprovalsOfSession(db, session_id);
        }
        tx.commit();
        return history;
      });
}

}  // namespace intern::sessions
