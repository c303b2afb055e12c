#pragma once
// The conversation of a session as the loop keeps it (agent/loop.h): every message with its
// store seq, and what is sent — the whole conversation, or after a compaction the prefix, one
// message with the ledger digest and summary, and the tail, with old tool-result bodies replaced
// by evidence handles once the fall-back ladder asked for that. Rebuilt from the store on resume
// so a resumed session sends exactly what the uninterrupted one would have.
// Internal to the loop; exposed for its tests.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/compaction.h"
#include "agent/message.h"
#include "sessions/records.h"

namespace intern::agent {

// Seq of a message not yet committed.
inline constexpr std::int64_t kUncommitted = -1;
// Seq marker of the inserted compaction message in a view.
inline constexpr std::int64_t kCompactionNote = -2;

struct ActiveCompaction {
  std::int64_t first_seq = 0;  // messages first_seq..last_seq are replaced by `note`
  std::int64_t last_seq = 0;
  std::string digest;
  std::string summary;
};

class Conversation {
 public:
  void Append(Message message, std::int64_t seq = kUncommitted);
  // Gives the uncommitted messages, in order, the seqs first_seq, first_seq + 1, ...
  void MarkCommitted(std::int64_t first_seq);

  // What is sent, and the seq (or marker) of each sent message.
  std::vector<Message> View(std::vector<std::int64_t>* seqs = nullptr) const;
  // Characters of View() (the basis of the size estimate).
  std::int64_t ViewChars() const;

  void SetCompaction(ActiveCompaction compaction) { compaction_ = std::move(compaction); }
  const std::optional<ActiveCompaction>& compaction() const { return compaction_; }
  // Tool results of messages with seq < `seq` are sent as their evidence handle (0 = none).
  void SetReplaceBodiesBefore(std::int64_t seq) { replace_before_seq_ = seq; }
  std::int64_t replace_bodies_before() const { return replace_before_seq_; }
  // call id -> evidence ids of that call's result (for the handles).
  void NoteEvidence(const std::string& call_id, std::vector<std::string> ids);

  const std::vector<Message>& messages() const { return messages_; }
  const std::vector<std::int64_t>& seqs() const { return seqs_; }
  bool empty() const { return messages_.empty(); }

 private:
  std::vector<Message> messages_;
  std::vector<std::int64_t> seqs_;
  std::optional<ActiveCompaction> compaction_;
  std::int64_t replace_before_seq_ = 0;
  std::map<std::string, std::vector<std::string>> evidence_by_call_;
};

// The stored form of a message (content = JSON array of blocks) and back.
sessions::MessageRecord ToRecord(const Message& message);
Message FromRecord(const sessions::MessageRecord& record);

// The stored compaction summary JSON {"digest": ..., "summary": ...} and back.
std::string CompactionSummaryJson(const std::string& digest, const std::string& summary);
ActiveCompaction FromCompactionRecord(const sessions::CompactionRecord& record);

// The messages as plain text for the summariser ("assistant: ...", "tool_use name {...}", ...).
std::string TranscriptText(const std::vector<Message>& messages, std::size_t begin,
                           std::size_t end);

}  // namespace intern::agent
