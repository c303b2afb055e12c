#include "tools/store_ledger.h"

#include <exception>

namespace intern::tools {

Result<std::string> StoreLedger::Record(const EvidenceDraft& d) {
  sessions::EvidenceInput input{d.subject, d.kind,  d.field, d.value, d.source_url,
                                d.title,   d.quote, d.body,  d.tool};
  try {
    return store_.RecordEvidence(session_id_, input);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kIo, std::string("recording evidence: ") + e.what());
  }
}

std::optional<EvidenceRecord> StoreLedger::Get(const std::string& id) const {
  std::optional<sessions::EvidenceRecord> r = store_.GetEvidence(id);
  // Another session's record was never fetched for this one: citing it would be a source this
  // session never read.
  if (!r || r->session_id != session_id_) return std::nullopt;
  const sessions::EvidenceInput& in = r->input;
  return EvidenceRecord{r->id,
                        r->session_id,
                        EvidenceDraft{in.subject, in.kind, in.field, in.value, in.source_url,
                                      in.title, in.quote, in.body, in.tool},
                        r->retrieved_at,
                        r->content_hash};
}

}  // namespace intern::tools
