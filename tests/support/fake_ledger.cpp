#include "tests/support/fake_ledger.h"

#include <openssl/evp.h>

namespace intern::testing {

FakeLedger::FakeLedger(std::string session_id, std::string retrieved_at)
    : session_id_(std::move(session_id)), retrieved_at_(std::move(retrieved_at)) {}

std::string FakeLedger::ContentHash(const tools::EvidenceDraft& d) {
  std::string joined;
  for (const std::string* part : {&d.kind, &d.field, &d.value, &d.source_url, &d.quote, &d.body}) {
    joined += *part;
    joined += '\0';
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(joined.data(), joined.size(), digest, &len, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

Result<std::string> FakeLedger::Record(const tools::EvidenceDraft& draft) {
  std::string hash = ContentHash(draft);
  std::lock_guard lock(mu_);
  ++record_calls_;
  if (fail_next_) {
    Failure f = std::move(*fail_next_);
    fail_next_.reset();
    return f;
  }
  for (const tools::EvidenceRecord& r : records_) {
    if (r.content_hash == hash) return r.id;
  }
  tools::EvidenceRecord r;
  r.id = "ev-" + std::to_string(records_.size() + 1);
  r.session_id = session_id_;
  r.draft = draft;
  r.retrieved_at = retrieved_at_;
  r.content_hash = std::move(hash);
  records_.push_back(r);
  return r.id;
}

std::optional<tools::EvidenceRecord> FakeLedger::Get(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (const tools::EvidenceRecord& r : records_) {
    if (r.id == id) return r;
  }
  return std::nullopt;
}

std::vector<tools::EvidenceRecord> FakeLedger::records() const {
  std::lock_guard lock(mu_);
  return records_;
}

int FakeLedger::record_calls() const {
  std::lock_guard lock(mu_);
  return record_calls_;
}

void FakeLedger::FailNextRecord(Failure failure) {
  std::lock_guard lock(mu_);
  fail_next_ = std::move(failure);
}

}  // namespace intern::testing
