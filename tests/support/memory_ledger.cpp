#include "tests/support/memory_ledger.h"

#include <openssl/evp.h>

#include <array>
#include <ctime>

namespace intern::testing {
namespace {

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::array<char, 32> buf{};
  size_t n = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf.data(), n);
}

}  // namespace

std::string EvidenceHash(const tools::EvidenceDraft& draft) {
  // Each field is length-prefixed so ("ab", "c") and ("a", "bc") hash differently.
  std::string material;
  for (const std::string* field :
       {&draft.kind, &draft.field, &draft.value, &draft.source_url, &draft.quote, &draft.body}) {
    material += std::to_string(field->size());
    material += ':';
    material += *field;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(material.data(), material.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

MemoryLedger::MemoryLedger(std::string session_id, const Clock* clock)
    : session_id_(std::move(session_id)), clock_(clock != nullptr ? clock : &default_clock_) {}

Result<std::string> MemoryLedger::Record(const tools::EvidenceDraft& draft) {
  std::string hash = EvidenceHash(draft);
  std::lock_guard lock(mu_);
  ++record_calls_;
  for (const tools::EvidenceRecord& r : records_) {
    if (r.content_hash == hash) return r.id;
  }
  tools::EvidenceRecord record;
  record.id = "ev-" + std::to_string(records_.size() + 1);
  record.session_id = session_id_;
  record.draft = draft;
  record.retrieved_at = Rfc3339(clock_->Now());
  record.content_hash = std::move(hash);
  records_.push_back(record);
  return record.id;
}

std::optional<tools::EvidenceRecord> MemoryLedger::Get(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (const tools::EvidenceRecord& r : records_) {
    if (r.id == id) return r;
  }
  return std::nullopt;
}

std::vector<tools::EvidenceRecord> MemoryLedger::records() const {
  std::lock_guard lock(mu_);
  return records_;
}

size_t MemoryLedger::record_calls() const {
  std::lock_guard lock(mu_);
  return record_calls_;
}

}  // namespace intern::testing
