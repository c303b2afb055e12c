#include "sessions/records.h"

#include <array>
#include <utility>

#include "sessions/sha256.h"

namespace intern::sessions {
namespace {

template <typename Enum, size_t N>
std::optional<Enum> ParseName(const std::array<std::pair<Enum, const char*>, N>& names,
                              const std::string& name) {
  for (const auto& [value, text] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <typename Enum, size_t N>
const char* NameOf(const std::array<std::pair<Enum, const char*>, N>& names, Enum value) {
  for (const auto& [v, text] : names) {
    if (v == value) return text;
  }
  return "unknown";
}

constexpr std::array<std::pair<SessionStatus, const char*>, 8> kSessionStatusNames = {{
    {SessionStatus::kRunning, "running"},
    {SessionStatus::kDone, "done"},
    {SessionStatus::kCapped, "capped"},
    {SessionStatus::kOverBudget, "over_budget"},
    {SessionStatus::kStuck, "stuck"},
    {SessionStatus::kContextExhausted, "context_exhausted"},
    {SessionStatus::kFailed, "failed"},
    {SessionStatus::kInterrupted, "interrupted"},
}};

constexpr std::array<std::pair<DraftStatus, const char*>, 6> kDraftStatusNames = {{
    {DraftStatus::kPendingReview, "pending_review"},
    {DraftStatus::kApproved, "approved"},
    {DraftStatus::kRejected, "rejected"},
    {DraftStatus::kSentBack, "sent_back"},
    {DraftStatus::kPublished, "published"},
    {DraftStatus::kSuperseded, "superseded"},
}};

constexpr std::array<std::pair<ApprovalDecision, const char*>, 3> kDecisionNames = {{
    {ApprovalDecision::kApprove, "approve"},
    {ApprovalDecision::kReject, "reject"},
    {ApprovalDecision::kSendBack, "send_back"},
}};

constexpr std::array<std::pair<JobStatus, const char*>, 5> kJobStatusNames = {{
    {JobStatus::kQueued, "queued"},
    {JobStatus::kLeased, "leased"},
    {JobStatus::kDone, "done"},
    {JobStatus::kFailed, "failed"},
    {JobStatus::kCancelled, "cancelled"},
}};

}  // namespace

const char* SessionStatusName(SessionStatus status) { return NameOf(kSessionStatusNames, status); }
std::optional<SessionStatus> ParseSessionStatus(const std::string& name) {
  return ParseName(kSessionStatusNames, name);
}

const char* DraftStatusName(DraftStatus status) { return NameOf(kDraftStatusNames, status); }
std::optional<DraftStatus> ParseDraftStatus(const std::string& name) {
  return ParseName(kDraftStatusNames, name);
}

const char* ApprovalDecisionName(ApprovalDecision decision) {
  return NameOf(kDecisionNames, decision);
}
std::optional<ApprovalDecision> ParseApprovalDecision(const std::string& name) {
  return ParseName(kDecisionNames, name);
}

const char* JobStatusName(JobStatus status) { return NameOf(kJobStatusNames, status); }
std::optional<JobStatus> ParseJobStatus(const std::string& name) {
  return ParseName(kJobStatusNames, name);
}

std::string EvidenceContentHash(const EvidenceInput& input) {
  std::string material;
  for (const std::string* field :
       {&input.kind, &input.field, &input.value, &input.source_url, &input.quote, &input.body}) {
    material += std::to_string(field->size());
    material += ':';
    material += *field;
  }
  return Sha256Hex(material);
}

}  // namespace intern::sessions
