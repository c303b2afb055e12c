#pragma once
// An in-memory EvidenceLedger for tests: ids "ev-1", "ev-2", … in recording order; a draft whose
// content hash (SHA-256 over kind, field, value, source_url, quote and body, as evidence.h
// defines it) is already recorded returns the existing id. Thread-safe.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/clock.h"
#include "tools/evidence.h"

namespace intern::testing {

class MemoryLedger final : public tools::EvidenceLedger {
 public:
  // `clock` stamps retrieved_at (default: a FakeClock at 2026-01-01T00:00:00Z). Not owned.
  explicit MemoryLedger(std::string session_id = "test-session", const Clock* clock = nullptr);

  Result<std::string> Record(const tools::EvidenceDraft& draft) override;
  std::optional<tools::EvidenceRecord> Get(const std::string& id) const override;

  // Every record, in the order first recorded.
  std::vector<tools::EvidenceRecord> records() const;
  // How many times Record was called, duplicates included.
  size_t record_calls() const;

 private:
  mutable std::mutex mu_;
  std::string session_id_;
  FakeClock default_clock_;
  const Clock* clock_;
  std::vector<tools::EvidenceRecord> records_;
  size_t record_calls_ = 0;
};

// The content hash evidence.h defines, as lowercase hex.
std::string EvidenceHash(const tools::EvidenceDraft& draft);

}  // namespace intern::testing
