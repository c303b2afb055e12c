#pragma once
// JSON views of the store for scripts and audits: `intern sessions list --json`,
// `intern sessions show ID --json` and `intern sessions export ID --format jsonl`.
//
// Fields that hold JSON text in the store (message content, tool arguments, subjects, event
// messages, ...) are embedded as JSON when they parse and as strings when they do not. Invalid
// UTF-8 in stored text is replaced with U+FFFD, so the output is always valid JSON.
// Thread safety: pure functions.

#include <iosfwd>
#include <string>
#include <vector>

#include "sessions/records.h"

namespace intern::sessions {

// The format tag of an export's first line.
inline constexpr const char* kExportFormat = "intern.session-export/v1";

// A JSON array with one summary object per session (no trailing newline).
std::string SessionsToJson(const std::vector<Session>& sessions);

// One JSON object: the session, its steps with usage, cost and tool calls (results reduced to
// their size and hash), session-level events, evidence ids and drafts (without documents; no
// trailing newline). Message bodies and documents are left to the export.
std::string SessionShowJson(const SessionHistory& history);

// One JSON object per line, each with a "type":
//   session (first; carries "format": kExportFormat), then per step in order: step, its
//   messages, tool_calls, compactions and events; then every evidence item, every draft (with
//   its document), every decision on a draft, and the session's events that belong to no step.
// Complete: every stored field of every row appears, so a run can be audited from the file.
void WriteSessionJsonl(const SessionHistory& history, std::ostream& out);

}  // namespace intern::sessions
