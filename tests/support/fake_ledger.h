#pragma once
// FakeLedger: an in-memory EvidenceLedger for tests. It behaves like the store-backed ledger
// (ids "ev-1", "ev-2", … in recording order; duplicates by content hash return the first id) and
// records what it was asked, so a test can assert exactly what a tool recorded. A failure can be
// injected for the next Record call.
//
// Thread safety: all members may be called from several threads at once.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/result.h"
#include "tools/evidence.h"

namespace intern::testing {

class FakeLedger final : public tools::EvidenceLedger {
 public:
  explicit FakeLedger(std::string session_id = "session-1",
                      std::string retrieved_at = "2026-01-01T00:00:00Z");

  Result<std::string> Record(const tools::EvidenceDraft& draft) override;
  std::optional<tools::EvidenceRecord> Get(const std::string& id) const override;

  // Every stored record, in recording order (duplicates stored once).
  std::vector<tools::EvidenceRecord> records() const;
  // How many times Record was called (duplicates and failures included).
  int record_calls() const;
  // The next Record call returns `failure` instead of storing.
  void FailNextRecord(Failure failure);

  // The hash the ledger contract names: hex SHA-256 over kind, field, value, source_url, quote
  // and body (each followed by a NUL so fields cannot run into each other).
  static std::string ContentHash(const tools::EvidenceDraft& draft);

 private:
  mutable std::mutex mu_;
  std::string session_id_;
  std::string retrieved_at_;
  std::vector<tools::EvidenceRecord> records_;
  int record_calls_ = 0;
  std::optional<Failure> fail_next_;
};

}  // namespace intern::testing
