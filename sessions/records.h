#pragma once
// Plain records of the session store (DESIGN §2, §4, §6, §7, §10): what a session, an iteration
// (step), its messages and tool calls, the evidence ledger, drafts, approvals, jobs, events and
// cached HTTP answers look like to the rest of the program. No SQLite or JSON types: payloads
// that are JSON (message content, tool arguments, draft documents, job payloads) travel as
// std::string holding JSON text, and the store keeps them byte for byte.
//
// Times are RFC 3339 UTC strings with milliseconds ("2026-01-01T00:00:00.000Z"); fixed width, so
// they sort as text. A time left empty on a record given to the store is filled with "now".

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace intern::sessions {

// Where a session stands (DESIGN §4). Every status but kDone may be resumed. A session left
// kRunning by a process that died looks running until a resume takes it over: the store keeps no
// liveness of its own.
enum class SessionStatus {
  kRunning,
  kDone,
  kCapped,            // agent.max_iterations reached
  kOverBudget,        // tokens or USD budget reached
  kStuck,             // doom-loop detection stopped it
  kContextExhausted,  // compaction could not make the request fit
  kFailed,            // an error ended it (last_error says which)
  kInterrupted,       // the operator stopped it, or the process died while it ran
};

// Every status, in the order above (for help texts and validation messages).
inline constexpr std::array<SessionStatus, 8> kAllSessionStatuses = {
    SessionStatus::kRunning,    SessionStatus::kDone,       SessionStatus::kCapped,
    SessionStatus::kOverBudget, SessionStatus::kStuck,      SessionStatus::kContextExhausted,
    SessionStatus::kFailed,     SessionStatus::kInterrupted};

// "running", "done", "capped", "over_budget", "stuck", "context_exhausted", "failed",
// "interrupted".
const char* SessionStatusName(SessionStatus status);
// The status named `name`, or nullopt for an unknown name.
std::optional<SessionStatus> ParseSessionStatus(const std::string& name);

// Token counts as providers report them.
struct Usage {
  int64_t input = 0;
  int64_t output = 0;
  int64_t cache_read = 0;
  int64_t cache_write = 0;

  int64_t total() const { return input + output + cache_read + cache_write; }
  bool operator==(const Usage&) const = default;
};

// Limits a session runs under; 0 means "no limit".
struct SessionCaps {
  int64_t max_iterations = 0;
  int64_t budget_tokens = 0;
  double budget_usd = 0;

  bool operator==(const SessionCaps&) const = default;
};

struct Session {
  std::string id{};             // "s-" + 8 base32 characters; assigned by CreateSession if empty
  std::string kind{};           // "compare", "sweep", ...
  std::string title{};          // "Gemma 3n vs SmolVLM2"
  std::string subjects = "[]";  // JSON array of subject names
  SessionStatus status = SessionStatus::kRunning;
  std::string phase{};  // where the loop is: "resolve", "research", "panel", "draft", ...
  std::string provider{};
  std::string model{};
  std::string created_at{};
  std::string updated_at{};
  int64_t iterations = 0;  // steps committed; never reset (the cap counts these)
  Usage usage{};           // sum over committed steps
  double cost_usd = 0;     // sum over committed steps
  SessionCaps caps{};
  std::string loop_state = "{}";  // JSON: doom-loop detector state (escalation level, ...)
  std::string settings = "{}";    // JSON: settings the run started with, so a resume runs alike
  std::string last_error{};

  bool operator==(const Session&) const = default;
};

// Changes to a session that ride along with a step or stand alone (UpdateSession).
struct SessionUpdate {
  std::optional<SessionStatus> status{};
  std::optional<std::string> phase{};
  std::optional<std::string> loop_state{};
  std::optional<std::string> last_error{};
};

// One message of the conversation. Kept whole forever: compaction changes what is sent, never
// what is stored.
struct MessageRecord {
  int64_t step = 0;            // the iteration that added it (filled by the store on commit)
  int64_t seq = 0;             // order within the session (assigned by the store on commit)
  std::string role{};          // "system", "user", "assistant", "tool"
  std::string content = "[]";  // JSON array of content blocks
  std::string tool_call_id{};  // for role "tool": the call it answers
  std::string created_at{};

  bool operator==(const MessageRecord&) const = default;
};

// One tool call the model asked for and what came of it.
struct ToolCallRecord {
  int64_t step = 0;       // filled by the store on commit
  int64_t seq = 0;        // order within the step (assigned by the store on commit)
  std::string call_id{};  // the provider's id for the call
  std::string tool{};
  std::string args = "{}";  // JSON text as the model sent it
  std::string args_hash{};  // SHA-256 of the canonical args (sorted keys); store fills if empty
  std::string result{};     // what the model was given (the head, for large results)
  bool is_error = false;
  std::string result_hash{};  // SHA-256 of `result`; store fills if empty
  std::vector<std::string> evidence_ids{};
  std::string approval{};  // "", "auto", "approved", "denied"
  int64_t duration_ms = 0;
  std::string started_at{};

  bool operator==(const ToolCallRecord&) const = default;
};

// A compaction: messages seq first_seq..last_seq were replaced by `summary` in what is sent from
// this step on. The messages themselves stay in the store.
struct CompactionRecord {
  int64_t step = 0;  // filled by the store on commit
  int64_t first_seq = 0;
  int64_t last_seq = 0;
  std::string summary{};  // JSON in the fixed research schema (DESIGN §4)
  std::string model{};    // the model that wrote the summary
  int64_t tokens_before = 0;
  int64_t tokens_after = 0;
  std::string created_at{};

  bool operator==(const CompactionRecord&) const = default;
};

// Something worth keeping in the audit trail: loop detection, budget warnings, approvals asked,
// provider retries, ...
struct EventRecord {
  int64_t id = 0;                 // assigned by the store
  std::string session_id{};       // "" for store-wide events (the daemon, sweeps)
  std::optional<int64_t> step{};  // the iteration it belongs to, if any
  std::string at{};
  std::string level = "info";  // "debug", "info", "warn", "error"
  std::string kind{};          // "loop_detected", "compaction", "budget", ...
  std::string message = "{}";  // JSON object

  bool operator==(const EventRecord&) const = default;
};

// A fact and its source as a tool found it (mirrors tools::EvidenceDraft; the store does not
// depend on tools).
struct EvidenceInput {
  std::string subject{};
  std::string kind{};
  std::string field{};
  std::string value{};
  std::string source_url{};
  std::string title{};
  std::string quote{};
  std::string body{};
  std::string tool{};

  bool operator==(const EvidenceInput&) const = default;
};

struct EvidenceRecord {
  std::string id{};  // "ev-N", unique within the store
  std::string session_id{};
  std::optional<int64_t> step{};  // the iteration that produced it, when known
  EvidenceInput input{};
  std::string retrieved_at{};
  std::string content_hash{};  // SHA-256 over kind, field, value, source_url, quote and body

  bool operator==(const EvidenceRecord&) const = default;
};

// The hash the ledger deduplicates on (length-prefixed fields, so no two inputs collide by
// concatenation).
std::string EvidenceContentHash(const EvidenceInput& input);

// Everything one iteration produced; CommitStep writes it in one transaction.
struct StepRecord {
  std::string session_id{};
  int64_t n = 0;  // iteration number: must be the session's iterations + 1
  std::string phase{};
  std::string provider{};  // may differ from the session's on a fallback
  std::string model{};
  std::string started_at{};
  std::string finished_at{};
  Usage usage{};
  double cost_usd = 0;
  std::string stop_reason{};  // the model's: "end_turn", "tool_use", "max_tokens", ...

  std::vector<MessageRecord> messages{};
  std::vector<ToolCallRecord> tool_calls{};
  std::vector<CompactionRecord> compactions{};
  std::vector<EventRecord> events{};      // session_id and step are filled by the store
  std::vector<EvidenceInput> evidence{};  // evidence the loop itself found (tools record theirs)
  SessionUpdate session{};                // applied to the session in the same transaction

  bool operator==(const StepRecord& o) const {
    return session_id == o.session_id && n == o.n && phase == o.phase && provider == o.provider &&
           model == o.model && started_at == o.started_at && finished_at == o.finished_at &&
           usage == o.usage && cost_usd == o.cost_usd && stop_reason == o.stop_reason &&
           messages == o.messages && tool_calls == o.tool_calls && compactions == o.compactions &&
           events == o.events;
  }
};

// What CommitStep assigned.
struct CommitResult {
  std::vector<std::string> evidence_ids{};  // one per StepRecord::evidence, in order
  int64_t first_message_seq = 0;            // seq of the step's first message (0 if none)
};

struct SessionFilter {
  std::optional<SessionStatus> status{};
  std::string kind{};  // "" = any
  int64_t limit = 0;   // 0 = all; newest first
};

// ---- review gate (DESIGN §6, §7) ----

enum class DraftStatus {
  kPendingReview,
  kApproved,
  kRejected,
  kSentBack,  // returned to the agent with feedback; a revision will supersede it
  kPublished,
  kSuperseded,  // a later version of the same session replaced it
};
const char* DraftStatusName(DraftStatus status);  // "pending_review", "approved", ...
std::optional<DraftStatus> ParseDraftStatus(const std::string& name);

struct DraftRecord {
  std::string id{};  // "d-" + 8 base32 characters; assigned by the store
  std::string session_id{};
  int64_t version = 0;  // 1, 2, ... within the session; assigned by the store
  DraftStatus status = DraftStatus::kPendingReview;
  std::string title{};
  std::string document = "{}";       // JSON, intern.comparison/v1
  std::string sha256{};              // of `document`; computed by the store
  std::vector<std::string> flags{};  // validation flags, e.g. "one_sided"
  std::string created_at{};
  std::string updated_at{};
  std::string published_at{};      // "" until published
  std::string published_commit{};  // site repository commit, "" until published

  bool operator==(const DraftRecord&) const = default;
};

enum class ApprovalDecision { kApprove, kReject, kSendBack };
const char* ApprovalDecisionName(ApprovalDecision decision);  // "approve", "reject", "send_back"
std::optional<ApprovalDecision> ParseApprovalDecision(const std::string& name);

struct ApprovalRecord {
  int64_t id = 0;
  std::string draft_id{};
  ApprovalDecision decision = ApprovalDecision::kApprove;
  std::string reviewer{};
  std::string decided_at{};
  std::string comment{};
  std::string sha256{};  // the draft's fingerprint the decision was made on

  bool operator==(const ApprovalRecord&) const = default;
};

// A session and everything it produced, for resume, `sessions show` and `sessions export`.
struct SessionHistory {
  Session session{};
  std::vector<StepRecord> steps{};  // in order, each with messages, tool calls, compactions, events
  std::vector<EventRecord> events{};        // events of the session that belong to no step
  std::vector<EvidenceRecord> evidence{};   // in id order
  std::vector<DraftRecord> drafts{};        // in version order
  std::vector<ApprovalRecord> approvals{};  // decisions on those drafts, oldest first
};

// ---- work queue (DESIGN §10) ----

enum class JobStatus { kQueued, kLeased, kDone, kFailed, kCancelled };
const char* JobStatusName(JobStatus status);  // "queued", "leased", "done", "failed", "cancelled"
std::optional<JobStatus> ParseJobStatus(const std::string& name);

struct JobRecord {
  int64_t id = 0;
  std::string kind{};          // "compare", "sweep", ...
  std::string payload = "{}";  // JSON
  std::string dedup_key{};     // "" or a key no other unfinished job may share (e.g. a pair)
  JobStatus status = JobStatus::kQueued;
  int64_t attempts = 0;  // leases taken so far (a crashed worker's lease counts)
  int64_t max_attempts = 3;
  std::string last_error{};
  std::string lease_owner{};
  std::string lease_expires_at{};
  std::string not_before{};   // not leased before this time ("" = at once)
  std::string session_id{};   // the session that ran it, once known
  std::string result = "{}";  // JSON, e.g. the draft id
  std::string created_at{};
  std::string updated_at{};

  bool operator==(const JobRecord&) const = default;
};

// ---- conditional HTTP requests (DESIGN §5, github_lookup) ----

struct HttpCacheEntry {
  std::string key{};  // usually the URL
  std::string etag{};
  std::string last_modified{};
  int status = 200;
  std::string headers = "{}";  // JSON object of the headers worth keeping
  std::string body{};          // bytes
  std::string stored_at{};

  bool operator==(const HttpCacheEntry&) const = default;
};

// ---- catalog additions (DESIGN §8) ----

struct CatalogEntryRecord {
  std::string key{};   // the catalog module's normalised name (its primary key)
  std::string name{};  // as people write it
  std::string kind{};  // "model", "framework", "agent", "api", ...
  std::string category{};
  std::string data = "{}";   // JSON: aliases, links, ids, pricing, dated facts, ...
  std::string source{};      // who added it: "sweep", "lookup", "operator"
  std::string created_at{};  // kept from the first Put
  std::string updated_at{};

  bool operator==(const CatalogEntryRecord&) const = default;
};

}  // namespace intern::sessions
