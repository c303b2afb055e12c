// The work queue (DESIGN §10): jobs leased to workers for a while, so a crashed worker's job is
// picked up again once its lease expires.
#include "sessions/store_internal.h"

namespace intern::sessions {
namespace {

constexpr const char* kJobColumns =
    "id, kind, payload, dedup_key, status, attempts, max_attempts, last_error, lease_owner, "
    "lease_expires_at, not_before, session_id, result, created_at, updated_at";

JobRecord ReadJob(SQLite::Statement& q) {
  JobRecord j;
  j.id = q.getColumn(0).getInt64();
  j.kind = q.getColumn(1).getString();
  j.payload = q.getColumn(2).getString();
  j.dedup_key = q.getColumn(3).getString();
  std::string status = q.getColumn(4).getString();
  auto parsed = ParseJobStatus(status);
  if (!parsed) {
    throw Error(fmt::format("job {} has a status this build does not know (\"{}\")", j.id, status));
  }
  j.status = *parsed;
  j.attempts = q.getColumn(5).getInt64();
  j.max_attempts = q.getColumn(6).getInt64();
  j.last_error = q.getColumn(7).getString();
  j.lease_owner = q.getColumn(8).getString();
  j.lease_expires_at = q.getColumn(9).getString();
  j.not_before = q.getColumn(10).getString();
  j.session_id = q.getColumn(11).getString();
  j.result = q.getColumn(12).getString();
  j.created_at = q.getColumn(13).getString();
  j.updated_at = q.getColumn(14).getString();
  return j;
}

std::optional<JobRecord> SelectJob(SQLite::Database& db, int64_t id) {
  SQLite::Statement q(db, fmt::format("SELECT {} FROM jobs WHERE id = ?", kJobColumns));
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return ReadJob(q);
}

Failure LeaseLost(int64_t id, const std::string& owner) {
  return Fail(ErrorCode::kNotFound, fmt::format("job {} is no longer leased by {}", id, owner));
}

}  // namespace

int64_t Store::EnqueueJob(JobRecord job) {
  return impl_->Run(fmt::format("queueing a {} job", job.kind), [&](SQLite::Database& db) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    if (!job.dedup_key.empty()) {
      SQLite::Statement existing(db,
                                 "SELECT id FROM jobs WHERE dedup_key = ? AND status IN "
                                 "('queued', 'leased')");
      existing.bind(1, job.dedup_key);
      if (existing.executeStep()) return existing.getColumn(0).getInt64();
    }
    const std::string now = impl_->Now();
    SQLite::Statement q(db,
                        "INSERT INTO jobs (kind, payload, dedup_key, status, attempts, "
                        "max_attempts, not_before, session_id, result, created_at, updated_at) "
                        "VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?)");
    q.bind(1, job.kind);
    q.bind(2, job.payload);
    q.bind(3, job.dedup_key);
    q.bind(4, job.max_attempts);
    q.bind(5, job.not_before);
    q.bind(6, job.session_id);
    q.bind(7, job.result);
    q.bind(8, now);
    q.bind(9, now);
    q.exec();
    int64_t id = db.getLastInsertRowid();
    tx.commit();
    return id;
  });
}

std::optional<JobRecord> Store::GetJob(int64_t id) const {
  return impl_->Run(fmt::format("reading job {}", id),
                    [&](SQLite::Database& db) { return SelectJob(db, id); });
}

std::vector<JobRecord> Store::ListJobs(std::optional<JobStatus> status, int64_t limit) const {
  return impl_->Run("listing jobs", [&](SQLite::Database& db) {
    SQLite::Statement q(db, fmt::format("SELECT {} FROM jobs WHERE (?1 IS NULL OR status = ?1) "
                                        "ORDER BY id LIMIT ?2",
                                        kJobColumns));
    if (status) {
      q.bind(1, JobStatusName(*status));
    } else {
      q.bind(1);
    }
    q.bind(2, limit > 0 ? limit : int64_t{-1});
    std::vector<JobRecord> jobs;
    while (q.executeStep()) jobs.push_back(ReadJob(q));
    return jobs;
  });
}

std::optional<JobRecord> Store::LeaseNextJob(const std::string& owner,
                                             std::chrono::milliseconds lease,
                                             const std::vector<std::string>& kinds) {
  return impl_->Run(
      fmt::format("leasing a job for {}", owner),
      [&](SQLite::Database& db) -> std::optional<JobRecord> {
        // IMMEDIATE takes the write lock before reading, so two workers cannot both see the same
        // job as free.
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        const std::string now = impl_->Now();
        std::string kind_filter;
        if (!kinds.empty()) {
          kind_filter = " AND kind IN (";
          for (size_t i = 0; i < kinds.size(); ++i) kind_filter += i == 0 ? "?" : ", ?";
          kind_filter += ")";
        }
        SQLite::Statement next(
            db, fmt::format("SELECT {} FROM jobs WHERE ((status = 'queued' AND not_before <= ?) "
                            "OR (status = 'leased' AND lease_expires_at <= ?)){} "
                            "ORDER BY id LIMIT 1",
                            kJobColumns, kind_filter));
        while (true) {
          next.reset();
          next.bind(1, now);
          next.bind(2, now);
          for (size_t i = 0; i < kinds.size(); ++i) next.bind(static_cast<int>(i) + 3, kinds[i]);
          if (!next.executeStep()) {
            tx.commit();
            return std::nullopt;
          }
          JobRecord job = ReadJob(next);
          if (job.status == JobStatus::kLeased && job.attempts >= job.max_attempts) {
            // The worker died or hung on its last allowed attempt: give up on the job.
            SQLite::Statement fail(db,
                                   "UPDATE jobs SET status = 'failed', last_error = ?, "
                                   "lease_owner = '', lease_expires_at = '', updated_at = ? "
                                   "WHERE id = ?");
            fail.bind(1, fmt::format("the lease of {} expired on attempt {} of {}", job.lease_owner,
                                     job.attempts, job.max_attempts));
            fail.bind(2, now);
            fail.bind(3, job.id);
            fail.exec();
            continue;
          }
          SQLite::Statement take(db,
                                 "UPDATE jobs SET status = 'leased', lease_owner = ?, "
                                 "lease_expires_at = ?, attempts = attempts + 1, updated_at = ? "
                                 "WHERE id = ?");
          take.bind(1, owner);
          take.bind(2, FormatTime(impl_->clock->Now() + lease));
          take.bind(3, now);
          take.bind(4, job.id);
          take.exec();
          std::optional<JobRecord> taken = SelectJob(db, job.id);
          tx.commit();
          return taken;
        }
      });
}

Status Store::ExtendLease(int64_t id, const std::string& owner, std::chrono::milliseconds lease) {
  return impl_->Run(fmt::format("extending the lease of job {}", id),
                    [&](SQLite::Database& db) -> Status {
                      SQLite::Statement q(db,
                                          "UPDATE jobs SET lease_expires_at = ?, updated_at = ? "
                                          "WHERE id = ? AND status = 'leased' AND lease_owner = ?");
                      q.bind(1, FormatTime(impl_->clock->Now() + lease));
                      q.bind(2, impl_->Now());
                      q.bind(3, id);
                      q.bind(4, owner);
                      if (q.exec() == 0) return LeaseLost(id, owner);
                      return Status::Ok();
                    });
}

Status Store::SetJobSession(int64_t id, const std::string& owner, const std::string& session_id) {
  return impl_->Run(fmt::format("linking job {} to session {}", id, session_id),
                    [&](SQLite::Database& db) -> Status {
                      SQLite::Statement q(db,
                                          "UPDATE jobs SET session_id = ?, updated_at = ? "
                                          "WHERE id = ? AND status = 'leased' AND lease_owner = ?");
                      q.bind(1, session_id);
                      q.bind(2, impl_->Now());
                      q.bind(3, id);
                      q.bind(4, owner);
                      if (q.exec() == 0) return LeaseLost(id, owner);
                      return Status::Ok();
                    });
}

Status Store::CompleteJob(int64_t id, const std::string& owner, const std::string& result) {
  return impl_->Run(fmt::format("completing job {}", id), [&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db,
                        "UPDATE jobs SET status = 'done', result = ?, lease_owner = '', "
                        "lease_expires_at = '', updated_at = ? "
                        "WHERE id = ? AND status = 'leased' AND lease_owner = ?");
    q.bind(1, result);
    q.bind(2, impl_->Now());
    q.bind(3, id);
    q.bind(4, owner);
    if (q.exec() == 0) return LeaseLost(id, owner);
    return Status::Ok();
  });
}

Status Store::FailJob(int64_t id, const std::string& owner, const std::string& error,
                      std::chrono::milliseconds retry_after) {
  return impl_->Run(
      fmt::format("recording the failure of job {}", id), [&](SQLite::Database& db) -> Status {
        SQLite::Statement q(db,
                            "UPDATE jobs SET last_error = ?, status = CASE WHEN attempts >= "
                            "max_attempts THEN 'failed' ELSE 'queued' END, not_before = ?, "
                            "lease_owner = '', lease_expires_at = '', updated_at = ? "
                            "WHERE id = ? AND status = 'leased' AND lease_owner = ?");
        q.bind(1, error);
        q.bind(2, FormatTime(impl_->clock->Now() + retry_after));
        q.bind(3, impl_->Now());
        q.bind(4, id);
        q.bind(5, owner);
        if (q.exec() == 0) return LeaseLost(id, owner);
        return Status::Ok();
      });
}

Status Store::ReleaseJob(int64_t id, const std::string& owner) {
  return impl_->Run(fmt::format("releasing job {}", id), [&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db,
                        "UPDATE jobs SET status = 'queued', attempts = max(attempts - 1, 0), "
                        "lease_owner = '', lease_expires_at = '', updated_at = ? "
                        "WHERE id = ? AND status = 'leased' AND lease_owner = ?");
    q.bind(1, impl_->Now());
    q.bind(2, id);
    q.bind(3, owner);
    if (q.exec() == 0) return LeaseLost(id, owner);
    return Status::Ok();
  });
}

namespace {

// Moves job `id` from one of `from` to `to`; `reset_attempts` for a retry.
Status MoveJob(Store::Impl& impl, int64_t id, std::initializer_list<JobStatus> from, JobStatus to,
               bool reset_attempts, const char* verb) {
  SQLite::Transaction tx(impl.db, SQLite::TransactionBehavior::IMMEDIATE);
  std::optional<JobRecord> job = SelectJob(impl.db, id);
  if (!job) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("no job {} in the session store at {}", id, impl.path));
  }
  bool allowed = false;
  std::string allowed_names;
  for (JobStatus s : from) {
    allowed = allowed || job->status == s;
    allowed_names += allowed_names.empty() ? "" : " or ";
    allowed_names += JobStatusName(s);
  }
  if (!allowed) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("job {} is {}; only a {} job can be {}", id, JobStatusName(job->status),
                            allowed_names, verb));
  }
  SQLite::Statement q(impl.db,
                      "UPDATE jobs SET status = ?, attempts = CASE WHEN ? THEN 0 ELSE attempts "
                      "END, not_before = '', lease_owner = '', lease_expires_at = '', "
                      "updated_at = ? WHERE id = ?");
  q.bind(1, JobStatusName(to));
  q.bind(2, reset_attempts ? 1 : 0);
  q.bind(3, impl.Now());
  q.bind(4, id);
  q.exec();
  tx.commit();
  return Status::Ok();
}

}  // namespace

Status Store::CancelJob(int64_t id) {
  return impl_->Run(fmt::format("cancelling job {}", id), [&](SQLite::Database&) {
    return MoveJob(*impl_, id, {JobStatus::kQueued, JobStatus::kLeased}, JobStatus::kCancelled,
                   false, "cancelled");
  });
}

Status Store::RetryJob(int64_t id) {
  return impl_->Run(fmt::format("retrying job {}", id), [&](SQLite::Database&) {
    return MoveJob(*impl_, id, {JobStatus::kFailed, JobStatus::kCancelled}, JobStatus::kQueued,
                   true, "retried");
  });
}

}  // namespace intern::sessions
