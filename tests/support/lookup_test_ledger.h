#pragma once
// An in-memory EvidenceLedger for the look-up tools' tests: numbers records ev-1, ev-2, ... and
// can be told to refuse (as a full disk would).

#include <mutex>
#include <string>
#include <vector>

#include "tools/evidence.h"

namespace intern::testing {

class LookupTestLedger final : public tools::EvidenceLedger {
 public:
  Result<std::string> Record(const tools::EvidenceDraft& draft) override {
    std::lock_guard lock(mu_);
    if (fail_) return Fail(ErrorCode::kIo, "disk full");
    tools::EvidenceRecord record;
    record.id = "ev-" + std::to_string(records_.size() + 1);
    record.draft = draft;
    records_.push_back(record);
    return record.id;
  }
  std::optional<tools::EvidenceRecord> Get(const std::string& id) const override {
    std::lock_guard lock(mu_);
    for (const tools::EvidenceRecord& r : records_) {
      if (r.id == id) return r;
    }
    return std::nullopt;
  }
  std::vector<tools::EvidenceRecord> records() const {
    std::lock_guard lock(mu_);
    return records_;
  }
  // The first record with `field`, or an empty one.
  tools::EvidenceDraft Field(const std::string& field) const {
    std::lock_guard lock(mu_);
    for (const tools::EvidenceRecord& r : records_) {
      if (r.draft.field == field) return r.draft;
    }
    return {};
  }
  void set_fail(bool fail) {
    std::lock_guard lock(mu_);
    fail_ = fail;
  }

 private:
  mutable std::mutex mu_;
  std::vector<tools::EvidenceRecord> records_;
  bool fail_ = false;
};

}  // namespace intern::testing
