#pragma once
// The session store (DESIGN §2): one SQLite file, `$INTERN_HOME/intern.db`, holding sessions and
// their iterations, messages, tool calls, the evidence ledger, drafts, approvals, jobs, events,
// the HTTP cache and catalog additions. The schema is in sessions/schema.cpp.
//
// Durability: WAL journal, synchronous=NORMAL (sessions/store_open.cpp says why), foreign keys
// on. CommitStep writes an iteration and everything it produced in one transaction, so a process
// killed at any instant leaves every committed step whole and no part of an uncommitted one.
//
// Errors: SQLite failures (disk full, I/O error, a corrupt page) throw intern::Error whose message
// names the action and the file ("committing step 3 of session s-ab12cd34 in the session store at
// /x/intern.db: disk I/O error"). Look-ups that may find nothing return std::optional; operations
// on jobs whose lease may have been lost return Status.
//
// Thread safety: a Store may be shared by threads; its calls are serialised by an internal mutex
// (the evidence ledger is written by concurrent read-only tool calls), which also guards the
// prepared statements it keeps for its connection. Several processes may open the same file:
// SQLite's locks serialise writers, each waiting up to busy_timeout_ms.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/clock.h"
#include "config/result.h"
#include "sessions/records.h"

namespace intern::sessions {

struct OpenOptions {
  // Stamps records and judges lease expiry. Not owned; must outlive the store. nullptr = the
  // system clock.
  const Clock* clock = nullptr;
  // How long a write waits for another process's write to finish before failing.
  int busy_timeout_ms = 5000;
  // Test hook: apply migrations only up to this schema version (0 = all of them), to make a store
  // as an older intern left it.
  int max_schema_version = 0;
};

class Store {
 public:
  // Opens the store at `path`, creating the file and its folder if missing, and migrates it to
  // the latest schema (all pending migrations in one transaction).
  // Throws intern::Error, without changing the file, when:
  //  - the file is not an SQLite database, or is another program's database:
  //    "the file at PATH is not a valid intern store (file is not a database); move it aside or
  //     set INTERN_HOME to another folder"
  //  - a newer intern wrote it: "the store at PATH was written by a newer intern (schema N, this
  //    build knows M); upgrade intern or set INTERN_HOME to another folder"
  // and with context ("opening session store at PATH: ...") for any other failure.
  static Store Open(const std::filesystem::path& path, const OpenOptions& options = {});
  // A private store that lives as long as the object (tests, dry runs).
  static Store OpenInMemory(const OpenOptions& options = {});

  // A moved-from Store may only be destroyed or assigned to.
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  // The file path, or ":memory:".
  const std::string& path() const;
  // The schema version the file is at (the latest unless opened with max_schema_version).
  int schema_version() const;
  // SQLite's integrity check: "ok", or the problems it found, one per line.
  std::string IntegrityCheck() const;

  // ---- sessions ----

  // Inserts `session`; assigns an id when it is empty and fills created_at/updated_at when empty.
  // Counters (iterations, usage, cost) start at zero whatever `session` holds: only CommitStep
  // adds to them, so iterations always equals the number of committed steps. Returns what was
  // stored.
  // Throws Error when the id is taken.
  Session CreateSession(Session session);
  std::optional<Session> GetSession(const std::string& id) const;
  // Newest first.
  std::vector<Session> ListSessions(const SessionFilter& filter = {}) const;
  // Ids of sessions that start with `prefix`, in id order, at most `limit` of them (so a person
  // may type a unique prefix of an id).
  std::vector<std::string> SessionIdsWithPrefix(const std::string& prefix, int64_t limit) const;
  // Applies `update` and stamps updated_at; throws Error when there is no such session.
  void UpdateSession(const std::string& id, const SessionUpdate& update);

  // Writes one iteration in one transaction: the step row, its messages (seq assigned after the
  // session's last), tool calls (seq in the given order; missing hashes computed), compactions,
  // events, evidence (deduplicated by content hash), and the session's counters (iterations = n,
  // usage and cost added) with `step.session` applied.
  // Throws Error, writing nothing, when the session does not exist, when n is not the session's
  // iterations + 1 (a step is never committed twice), or when any write fails.
  CommitResult CommitStep(const StepRecord& step);

  // The session with every step, message, tool call, compaction, event, evidence item, draft
  // and decision, in order; nullopt when there is no such session.
  std::optional<SessionHistory> LoadHistory(const std::string& session_id) const;

  // ---- evidence ledger ----

  // Records `input` for the session in its own transaction and returns its id ("ev-N"). When the
  // session already holds evidence with the same content hash, returns that id and writes
  // nothing. Throws Error when the session does not exist.
  std::string RecordEvidence(const std::string& session_id, const EvidenceInput& input,
                             std::optional<int64_t> step = std::nullopt);
  // nullopt for an unknown or malformed id.
  std::optional<EvidenceRecord> GetEvidence(const std::string& id) const;
  // In id order.
  std::vector<EvidenceRecord> ListEvidence(const std::string& session_id) const;
  // Up to `max_chars` characters (UTF-8 code points, as SQLite counts them) of the body of
  // evidence `id`, from character `offset` on; "" past the end. nullopt for an unknown id.
  // For read_evidence(id, offset): large bodies are read in pages, never whole.
  std::optional<std::string> ReadEvidenceBody(const std::string& id, int64_t offset,
                                              int64_t max_chars) const;
  // Characters in the body of evidence `id`; nullopt for an unknown id.
  std::optional<int64_t> EvidenceBodyLength(const std::string& id) const;

  // ---- events ----

  // Appends an event (at filled when empty) and returns its id. session_id "" = store-wide.
  int64_t AppendEvent(EventRecord event);
  // Events of a session ("" = store-wide events), oldest first; limit 0 = all, else the last
  // `limit`.
  std::vector<EventRecord> ListEvents(const std::string& session_id, int64_t limit = 0) const;

  // ---- drafts and approvals ----

  // Stores a new draft of `draft.session_id`: assigns id, the next version, sha256 of the
  // document and times; status pending_review. Earlier versions of the session that were still
  // pending_review or sent_back become superseded in the same transaction.
  DraftRecord CreateDraft(DraftRecord draft);
  std::optional<DraftRecord> GetDraft(const std::string& id) const;
  // Newest first; filters are optional ("" = any session).
  std::vector<DraftRecord> ListDrafts(std::optional<DraftStatus> status = std::nullopt,
                                      const std::string& session_id = "") const;
  // Replaces the document (an operator's edit): new sha256, and a draft that was approved goes
  // back to pending_review, since an approval covers only the content it saw. Throws Error for an
  // unknown id or a published or superseded draft.
  DraftRecord UpdateDraftDocument(const std::string& id, const std::string& document,
                                  const std::vector<std::string>& flags);
  // Records a reviewer's decision on the draft's current content and moves the draft to
  // approved / rejected / sent_back in one transaction. `reviewed_sha256` is the fingerprint the
  // reviewer looked at; when it is not the draft's current one, throws Error (someone edited it
  // meanwhile). Throws Error for an unknown id or a draft that is not pending_review.
  ApprovalRecord RecordDecision(const std::string& draft_id, ApprovalDecision decision,
                                const std::string& reviewer, const std::string& comment,
                                const std::string& reviewed_sha256);
  // Oldest first.
  std::vector<ApprovalRecord> ListApprovals(const std::string& draft_id) const;
  // Marks an approved draft published. Throws Error unless the draft is approved and its latest
  // approval's sha256 matches its content.
  void MarkDraftPublished(const std::string& id, const std::string& commit);

  // ---- jobs ----

  // Queues `job` (status queued, attempts 0) and returns its id. When an unfinished job already
  // has the same non-empty dedup_key, returns that job's id and queues nothing.
  int64_t EnqueueJob(JobRecord job);
  std::optional<JobRecord> GetJob(int64_t id) const;
  // Oldest first; limit 0 = all.
  std::vector<JobRecord> ListJobs(std::optional<JobStatus> status = std::nullopt,
                                  int64_t limit = 0) const;
  // Atomically takes the oldest job that is queued (and past not_before) or whose lease expired,
  // for `owner` until now + `lease`, counting an attempt. A job whose lease expired after its last
  // allowed attempt becomes failed instead. `kinds` empty = any kind. nullopt when none is ready.
  std::optional<JobRecord> LeaseNextJob(const std::string& owner, std::chrono::milliseconds lease,
                                        const std::vector<std::string>& kinds = {});
  // These succeed only while `owner` holds the job's lease; otherwise they change nothing and
  // fail with kNotFound ("job 7 is no longer leased by worker-a").
  Status ExtendLease(int64_t id, const std::string& owner, std::chrono::milliseconds lease);
  Status SetJobSession(int64_t id, const std::string& owner, const std::string& session_id);
  Status CompleteJob(int64_t id, const std::string& owner, const std::string& result = "{}");
  // Records `error`; the job is queued again after `retry_after`, or failed for good when it has
  // used max_attempts.
  Status FailJob(int64_t id, const std::string& owner, const std::string& error,
                 std::chrono::milliseconds retry_after = std::chrono::milliseconds(0));
  // Gives the job back unfinished (graceful shutdown): queued again, the attempt not counted.
  Status ReleaseJob(int64_t id, const std::string& owner);
  // queued or leased -> cancelled. Fails with kNotFound for an unknown id, kInvalidArgument for
  // a finished job.
  Status CancelJob(int64_t id);
  // failed or cancelled -> queued with attempts reset. Same failures as CancelJob.
  Status RetryJob(int64_t id);

  // ---- HTTP cache ----

  std::optional<HttpCacheEntry> GetHttpCache(const std::string& key) const;
  // Inserts or replaces the entry for entry.key (stored_at filled when empty).
  void PutHttpCache(HttpCacheEntry entry);

  // ---- catalog additions ----

  // Inserts or replaces the entry with entry.key; created_at of an existing entry is kept,
  // updated_at is now. Returns what was stored.
  CatalogEntryRecord PutCatalogEntry(CatalogEntryRecord entry);
  std::optional<CatalogEntryRecord> GetCatalogEntry(const std::string& key) const;
  // In key order; `category` "" = all.
  std::vector<CatalogEntryRecord> ListCatalogEntries(const std::string& category = "") const;

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace intern::sessions
