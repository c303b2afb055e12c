#pragma once
// SseParser — an incremental parser for `text/event-stream` bodies (WHATWG HTML, "Server-sent
// events", the event stream interpretation), used by the streaming LLM providers.
//
// Feed() accepts the byte stream split anywhere — inside a line, a multi-byte UTF-8 character, or
// between the CR and LF of a CRLF — and yields the same events as for the unsplit stream. Bytes
// are kept as they are (no UTF-8 decoding) until a line ends, so characters are never cut.
//
// Rules followed: lines end in CRLF, LF or CR; a UTF-8 BOM at the very start is ignored; a line
// starting with ':' is a comment (counted, e.g. keep-alive pings); "name: value" with one leading
// space of the value removed; a line without a colon is a field with an empty value; `data`
// lines are joined with "\n"; a blank line dispatches the event if any data arrived, else just
// resets the event name; `id` (without NUL) persists across events; `retry` counts only when it is
// all ASCII digits; unknown fields are ignored.
//
// Usage:
//   SseParser parser;
//   std::vector<SseEvent> events;
//   if (Status s = parser.Feed(chunk, events); !s) return s.failure();
//   ... at end of body:
//   if (Status s = parser.Finish(); !s) return s.failure();   // truncated stream
//
// Not thread-safe; one parser per stream.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/result.h"

namespace intern::tools {

struct SseEvent {
  std::string event = "message";     // the `event:` field, "message" when absent
  std::string data;                  // `data:` lines joined with "\n"
  std::string id;                    // the last event id seen on the stream so far ("" if none)
  std::optional<std::int64_t> retry; // milliseconds, when this event's lines carried `retry:`

  bool operator==(const SseEvent&) const = default;
};

struct SseParserOptions {
  // Largest event accepted: bytes of the current line plus the data gathered for the event.
  // Default 8 MiB, far above any streamed LLM delta.
  std::size_t max_event_bytes = 8 * 1024 * 1024;
};

class SseParser {
 public:
  explicit SseParser(SseParserOptions options = {});

  // Consumes `bytes` and appends each event they complete to `events`. Fails with kTooLarge
  // ("an event-stream event exceeded N bytes") once an event grows past the limit; a failed
  // parser fails every later call the same way.
  Status Feed(std::string_view bytes, std::vector<SseEvent>& events);
  // The same, returning the events.
  Result<std::vector<SseEvent>> Feed(std::string_view bytes);

  // Call at the end of the body. Fails with kProtocol ("the event stream ended in the middle of
  // an event") when an unfinished line or an undispatched event is pending, so a truncated
  // stream is told apart from a finished one. The pending event is discarded.
  Status Finish();

  // True while bytes or fields of an unfinished event are held.
  bool pending() const;
  std::size_t comment_count() const { return comment_count_; }
  // The last valid `retry:` value on the stream, in milliseconds.
  std::optional<std::int64_t> reconnection_time() const { return reconnection_time_; }
  const std::string& last_event_id() const { return last_event_id_; }

 private:
  void ProcessLine(std::vector<SseEvent>& events);
  void Field(std::string_view name, std::string_view value);
  void Dispatch(std::vector<SseEvent>& events);
  Status TooLarge();

  SseParserOptions options_;
  std::string line_;                 // the current line, without its terminator
  std::string data_;                 // gathered `data` values, each followed by "\n"
  std::string event_type_;
  std::optional<std::int64_t> retry_in_event_;
  std::optional<std::int64_t> reconnection_time_;
  std::string last_event_id_;
  std::size_t comment_count_ = 0;
  bool at_stream_start_ = true;      // the first line may begin with a BOM
  bool skip_lf_ = false;             // the previous byte was a CR ending a line
  bool failed_ = false;
};

}  // namespace intern::tools
