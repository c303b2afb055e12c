#include "agent/loop_context.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "agent/message_json.h"
#include "config/error.h"

namespace intern::agent {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

void Conversation::Append(Message message, std::int64_t seq) {
  messages_.push_back(std::move(message));
  seqs_.push_back(seq);
}

void Conversation::MarkCommitted(std::int64_t first_seq) {
  for (auto& s : seqs_) {
    if (s == kUncommitted) s = first_seq++;
  }
}

void Conversation::NoteEvidence(const std::string& call_id, std::vector<std::string> ids) {
  if (!ids.empty()) evidence_by_call_[call_id] = std::move(ids);
}

std::vector<Message> Conversation::View(std::vector<std::int64_t>* seqs) const {
  std::vector<Message> view;
  std::vector<std::int64_t> view_seqs;
  if (!compaction_) {
    view = messages_;
    view_seqs = seqs_;
  } else {
    CompactionPlan plan;
    plan.size = messages_.size();
    while (plan.prefix_end < messages_.size() && seqs_[plan.prefix_end] != kUncommitted &&
           seqs_[plan.prefix_end] < compaction_->first_seq) {
      ++plan.prefix_end;
    }
    plan.tail_begin = plan.prefix_end;
    while (plan.tail_begin < messages_.size() && seqs_[plan.tail_begin] != kUncommitted &&
           seqs_[plan.tail_begin] <= compaction_->last_seq) {
      ++plan.tail_begin;
    }
    view = AssembleCompacted(messages_, plan, compaction_->digest, compaction_->summary);
    view_seqs.assign(seqs_.begin(), seqs_.begin() + static_cast<std::ptrdiff_t>(plan.prefix_end));
    view_seqs.push_back(kCompactionNote);
    view_seqs.insert(view_seqs.end(), seqs_.begin() + static_cast<std::ptrdiff_t>(plan.tail_begin),
                     seqs_.end());
  }
  if (replace_before_seq_ > 0) {
    std::size_t keep_from = 0;
    while (keep_from < view.size() &&
           (view_seqs[keep_from] == kCompactionNote ||
            (view_seqs[keep_from] != kUncommitted && view_seqs[keep_from] < replace_before_seq_))) {
      ++keep_from;
    }
    view = ReplaceOldToolResults(
        view, keep_from, [this](const ToolResultBlock& r) -> std::optional<std::string> {
          auto it = evidence_by_call_.find(r.tool_use_id);
          if (it == evidence_by_call_.end()) return std::nullopt;
          const std::string& id = it->second.back();  // a stored whole result is the last id
          return fmt::format("[stored as {}: {} chars; read_evidence(\"{}\", 0) reads it]", id,
                             r.content.size(), id);
        });
  }
  if (seqs != nullptr) *seqs = std::move(view_seqs);
  return view;
}

std::int64_t Conversation::ViewChars() const {
  std::int64_t chars = 0;
  if (!compaction_ && replace_before_seq_ <= 0) {
    // The view is the messages as they are: count them without copying the conversation.
    for (const auto& m : messages_) chars += static_cast<std::int64_t>(m.CharCount());
    return chars;
  }
  for (const auto& m : View()) chars += static_cast<std::int64_t>(m.CharCount());
  return chars;
}

sessions::MessageRecord ToRecord(const Message& message) {
  sessions::MessageRecord record;
  record.role = RoleName(message.role);
  json j = json::parse(MessageToJson(message));
  record.content = Dump(j.at("content"));
  return record;
}

Message FromRecord(const sessions::MessageRecord& record) {
  json content = json::parse(record.content, nullptr, false);
  if (content.is_discarded()) content = json::array();
  auto message = MessageFromJson(Dump(json{{"role", record.role}, {"content", content}}));
  if (!message.ok()) {
    throw Error(fmt::format("reading message {} of the session: {}", record.seq,
                            message.failure().message));
  }
  return message.value();
}

std::string CompactionSummaryJson(const std::string& digest, const std::string& summary) {
  return Dump(json{{"digest", digest}, {"summary", summary}});
}

ActiveCompaction FromCompactionRecord(const sessions::CompactionRecord& record) {
  ActiveCompaction c;
  c.first_seq = record.first_seq;
  c.last_seq = record.last_seq;
  json j = json::parse(record.summary, nullptr, false);
  if (j.is_object()) {
    c.digest = j.value("digest", "");
    c.summary = j.value("summary", "");
  } else {
    c.summary = record.summary;
  }
  return c;
}

std::string TranscriptText(const std::vector<Message>& messages, std::size_t begin,
                           std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end && i < messages.size(); ++i) {
    const Message& m = messages[i];
    for (const auto& block : m.content) {
      if (const auto* t = std::get_if<TextBlock>(&block)) {
        out += fmt::format("{}: {}\n", RoleName(m.role), t->text);
      } else if (const auto* u = std::get_if<ToolUseBlock>(&block)) {
        out += fmt::format("assistant called {} {}\n", u->name, u->input);
      } else if (const auto* r = std::get_if<ToolResultBlock>(&block)) {
        out += fmt::format("tool result{}: {}\n", r->is_error ? " (error)" : "", r->content);
      }
    }
  }
  return out;
}

}  // namespace intern::agent
