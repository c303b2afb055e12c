#include "sessions/schema.h"

#include <array>

namespace intern::sessions {
namespace {

// Status columns carry no CHECK constraint: SQLite cannot alter one without rebuilding the
// table, and later modules will add states. The store validates names on the way in and out.
// Times are RFC 3339 text (fixed width, so they compare as text). STRICT keeps types honest.

constexpr const char* kResearchRecord = R"sql(
CREATE TABLE sessions (
  id                 TEXT PRIMARY KEY,
  kind               TEXT NOT NULL,
  title              TEXT NOT NULL DEFAULT '',
  subjects           TEXT NOT NULL DEFAULT '[]',
  status             TEXT NOT NULL,
  phase              TEXT NOT NULL DEFAULT '',
  provider           TEXT NOT NULL DEFAULT '',
  model              TEXT NOT NULL DEFAULT '',
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  iterations         INTEGER NOT NULL DEFAULT 0,
  tokens_in          INTEGER NOT NULL DEFAULT 0,
  tokens_out         INTEGER NOT NULL DEFAULT 0,
  tokens_cache_read  INTEGER NOT NULL DEFAULT 0,
  tokens_cache_write INTEGER NOT NULL DEFAULT 0,
  cost_usd           REAL NOT NULL DEFAULT 0,
  max_iterations     INTEGER NOT NULL DEFAULT 0,
  budget_tokens      INTEGER NOT NULL DEFAULT 0,
  budget_usd         REAL NOT NULL DEFAULT 0,
  loop_state         TEXT NOT NULL DEFAULT '{}',
  settings           TEXT NOT NULL DEFAULT '{}',
  last_error         TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sessions_by_created ON sessions(created_at);
CREATE INDEX sessions_by_status ON sessions(status, created_at);

CREATE TABLE steps (
  session_id         TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  n                  INTEGER NOT NULL CHECK (n >= 1),
  phase              TEXT NOT NULL DEFAULT '',
  provider           TEXT NOT NULL DEFAULT '',
  model              TEXT NOT NULL DEFAULT '',
  started_at         TEXT NOT NULL,
  finished_at        TEXT NOT NULL,
  tokens_in          INTEGER NOT NULL DEFAULT 0,
  tokens_out         INTEGER NOT NULL DEFAULT 0,
  tokens_cache_read  INTEGER NOT NULL DEFAULT 0,
  tokens_cache_write INTEGER NOT NULL DEFAULT 0,
  cost_usd           REAL NOT NULL DEFAULT 0,
  stop_reason        TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (session_id, n)
) STRICT;

CREATE TABLE messages (
  session_id   TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  step         INTEGER NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
  content      TEXT NOT NULL,
  tool_call_id TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  PRIMARY KEY (session_id, seq),
  FOREIGN KEY (session_id, step) REFERENCES steps(session_id, n) ON DELETE CASCADE
) STRICT;
CREATE INDEX messages_by_step ON messages(session_id, step);

CREATE TABLE tool_calls (
  session_id   TEXT NOT NULL,
  step         INTEGER NOT NULL,
  seq          INTEGER NOT NULL,
  call_id      TEXT NOT NULL,
  tool         TEXT NOT NULL,
  args         TEXT NOT NULL,
  args_hash    TEXT NOT NULL,
  result       TEXT NOT NULL,
  is_error     INTEGER NOT NULL DEFAULT 0,
  result_hash  TEXT NOT NULL,
  evidence_ids TEXT NOT NULL DEFAULT '[]',
  approval     TEXT NOT NULL DEFAULT '',
  duration_ms  INTEGER NOT NULL DEFAULT 0,
  started_at   TEXT NOT NULL,
  PRIMARY KEY (session_id, step, seq),
  FOREIGN KEY (session_id, step) REFERENCES steps(session_id, n) ON DELETE CASCADE
) STRICT;
CREATE INDEX tool_calls_by_signature ON tool_calls(session_id, tool, args_hash);

CREATE TABLE compactions (
  id            INTEGER PRIMARY KEY,
  session_id    TEXT NOT NULL,
  step          INTEGER NOT NULL,
  first_seq     INTEGER NOT NULL,
  last_seq      INTEGER NOT NULL,
  summary       TEXT NOT NULL,
  model         TEXT NOT NULL DEFAULT '',
  tokens_before INTEGER NOT NULL DEFAULT 0,
  tokens_after  INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  FOREIGN KEY (session_id, step) REFERENCES steps(session_id, n) ON DELETE CASCADE
) STRICT;
CREATE INDEX compactions_by_session ON compactions(session_id, step);

-- Evidence is recorded as tools produce it, before the step that asked for it commits, so
-- `step` is informational and not a foreign key. AUTOINCREMENT: an id ("ev-N") is never reused.
CREATE TABLE evidence (
  num          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  step         INTEGER,
  subject      TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL DEFAULT '',
  field        TEXT NOT NULL DEFAULT '',
  value        TEXT NOT NULL DEFAULT '',
  source_url   TEXT NOT NULL DEFAULT '',
  title        TEXT NOT NULL DEFAULT '',
  quote        TEXT NOT NULL DEFAULT '',
  body         TEXT NOT NULL DEFAULT '',
  tool         TEXT NOT NULL DEFAULT '',
  retrieved_at TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  UNIQUE (session_id, content_hash)
) STRICT;
CREATE INDEX evidence_by_subject ON evidence(session_id, subject);

CREATE TABLE events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
  step       INTEGER,
  at         TEXT NOT NULL,
  level      TEXT NOT NULL,
  kind       TEXT NOT NULL,
  message    TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX events_by_session ON events(session_id, id);
)sql";

constexpr const char* kReviewGate = R"sql(
CREATE TABLE drafts (
  id               TEXT PRIMARY KEY,
  session_id       TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  version          INTEGER NOT NULL,
  status           TEXT NOT NULL,
  title            TEXT NOT NULL DEFAULT '',
  document         TEXT NOT NULL,
  sha256           TEXT NOT NULL,
  flags            TEXT NOT NULL DEFAULT '[]',
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  published_at     TEXT NOT NULL DEFAULT '',
  published_commit TEXT NOT NULL DEFAULT '',
  UNIQUE (session_id, version)
) STRICT;
CREATE INDEX drafts_by_status ON drafts(status, created_at);

CREATE TABLE approvals (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  draft_id   TEXT NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
  decision   TEXT NOT NULL,
  reviewer   TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  comment    TEXT NOT NULL DEFAULT '',
  sha256     TEXT NOT NULL
) STRICT;
CREATE INDEX approvals_by_draft ON approvals(draft_id, id);
)sql";

constexpr const char* kWorkQueue = R"sql(
CREATE TABLE jobs (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  kind             TEXT NOT NULL,
  payload          TEXT NOT NULL DEFAULT '{}',
  dedup_key        TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  max_attempts     INTEGER NOT NULL DEFAULT 3,
  last_error       TEXT NOT NULL DEFAULT '',
  lease_owner      TEXT NOT NULL DEFAULT '',
  lease_expires_at TEXT NOT NULL DEFAULT '',
  not_before       TEXT NOT NULL DEFAULT '',
  session_id       TEXT NOT NULL DEFAULT '',
  result           TEXT NOT NULL DEFAULT '{}',
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX jobs_ready ON jobs(status, not_before, id);
-- Two unfinished jobs never share a dedup key (a sweep does not queue the same pair twice).
CREATE UNIQUE INDEX jobs_dedup ON jobs(dedup_key)
  WHERE dedup_key <> '' AND status IN ('queued', 'leased');

CREATE TABLE http_cache (
  key           TEXT PRIMARY KEY,
  etag          TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  status        INTEGER NOT NULL DEFAULT 200,
  headers       TEXT NOT NULL DEFAULT '{}',
  body          BLOB NOT NULL,
  stored_at     TEXT NOT NULL
) STRICT;
)sql";

constexpr const char* kCatalog = R"sql(
-- Tools that sweeps and look-ups discovered (the seed catalog ships in config/catalog.toml).
-- `key` is the catalog module's normalised name; `data` is the entry as that module defines it.
CREATE TABLE catalog_entries (
  key        TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL DEFAULT '',
  category   TEXT NOT NULL DEFAULT '',
  data       TEXT NOT NULL DEFAULT '{}',
  source     TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX catalog_by_category ON catalog_entries(category, key);
)sql";

constexpr std::array<Migration, 4> kMigrations = {{
    {1, "the research record: sessions, steps, messages, tool calls, compactions, evidence, events",
     kResearchRecord},
    {2, "the review gate: drafts and approvals", kReviewGate},
    {3, "the work queue and the HTTP cache: jobs, http_cache", kWorkQueue},
    {4, "catalog entries added by sweeps and look-ups", kCatalog},
}};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

}  // namespace intern::sessions
