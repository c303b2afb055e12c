#pragma once
// StoreLedger — the evidence ledger backed by the session store: what tools record lands in the
// `evidence` table of the session they run for, deduplicated by content hash.
//
// Get() finds a record of this session by id (ids are unique per store), so read_evidence can page
// through evidence an earlier step recorded; another session's record is not found, so a draft
// cannot cite a source its own session never read. Errors of the store (disk full, locked) come back as
// a failed Result from Record, never as an exception into a tool.
// Thread safety: as sessions::Store (its calls are serialised by the store's own mutex).

#include "sessions/store.h"
#include "tools/evidence.h"

namespace intern::tools {

class StoreLedger final : public EvidenceLedger {
 public:
  // `store` must outlive this ledger; `session_id` must name an existing session.
  StoreLedger(sessions::Store& store, std::string session_id)
      : store_(store), session_id_(std::move(session_id)) {}

  Result<std::string> Record(const EvidenceDraft& draft) override;
  std::optional<EvidenceRecord> Get(const std::string& id) const override;

 private:
  sessions::Store& store_;
  std::string session_id_;
};

}  // namespace intern::tools
