#pragma once
// The evidence ledger as tools see it. Every fact a tool returns is recorded here with its source,
// so drafts can cite it and compaction can never lose it. The store-backed implementation lives
// beside the session store; tests use an in-memory one.
//
// Thread safety: implementations must accept Record/Get from several threads at once (read-only
// tool calls of one turn run concurrently).

#include <optional>
#include <string>

#include "config/result.h"

namespace intern::tools {

// What a tool hands to the ledger. The ledger adds the id, retrieved-at time and content hash.
struct EvidenceDraft {
  std::string subject;     // catalog name of the tool it is about, or "" when not about one
  std::string kind;        // "fact", "document", "page", "repo", "model", "benchmark", "search"
  std::string field;       // for facts: "stars", "license", "parameters", ...; else ""
  std::string value;       // for facts: the value as text; else a one-line summary
  std::string source_url;  // where it came from (https://..., file://..., sandbox receipt id)
  std::string title;       // title of the source
  std::string quote;       // the span that supports the fact (may be empty for measured data)
  std::string body;        // the whole stored body (may be large; read back in pages)
  std::string tool;        // name of the tool that produced it
};

struct EvidenceRecord {
  std::string id;            // "ev-…", stable within a store
  std::string session_id;
  EvidenceDraft draft;
  std::string retrieved_at;  // RFC 3339, UTC
  std::string content_hash;  // hex SHA-256 over kind, field, value, source_url, quote and body
};

class EvidenceLedger {
 public:
  virtual ~EvidenceLedger() = default;

  // Records `draft` for the current session and returns its id. A draft whose content hash is
  // already in this session's ledger returns the existing id (duplicates are recognised by hash).
  virtual Result<std::string> Record(const EvidenceDraft& draft) = 0;

  // The record with `id`, or nullopt when there is none.
  virtual std::optional<EvidenceRecord> Get(const std::string& id) const = 0;
};

}  // namespace intern::tools
