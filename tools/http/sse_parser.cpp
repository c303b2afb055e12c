#include "tools/http/sse_parser.h"

#include <algorithm>

namespace intern::tools {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The BOM, or the start of one, at the front of the first line: not content.
bool IsBomPrefix(std::string_view line) {
  return line.size() <= kBom.size() && kBom.substr(0, line.size()) == line;
}

std::optional<std::int64_t> ParseRetry(std::string_view value) {
  // 18 digits always fit in int64; a longer value is not a usable delay.
  if (value.empty() || value.size() > 18) return std::nullopt;
  std::int64_t ms = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    ms = ms * 10 + (c - '0');
  }
  return ms;
}

}  // namespace

SseParser::SseParser(SseParserOptions options) : options_(options) {}

Status SseParser::TooLarge() {
  failed_ = true;
  return Fail(ErrorCode::kTooLarge, "an event-stream event exceeded " +
                                        std::to_string(options_.max_event_bytes) + " bytes");
}

Status SseParser::Feed(std::string_view bytes, std::vector<SseEvent>& events) {
  if (failed_) return TooLarge();
  while (!bytes.empty()) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (bytes.front() == '\n') {
        bytes.remove_prefix(1);
        continue;
      }
    }
    const std::size_t end = bytes.find_first_of("\r\n");
    const std::string_view piece = bytes.substr(0, end);
    if (line_.size() + piece.size() + data_.size() > options_.max_event_bytes) return TooLarge();
    line_.append(piece);
    if (end == std::string_view::npos) break;
    skip_lf_ = bytes[end] == '\r';
    bytes.remove_prefix(end + 1);
    ProcessLine(events);
    if (data_.size() > options_.max_event_bytes) return TooLarge();
  }
  return Status::Ok();
}

Result<std::vector<SseEvent>> SseParser::Feed(std::string_view bytes) {
  std::vector<SseEvent> events;
  if (Status s = Feed(bytes, events); !s) return s.failure();
  return events;
}

void SseParser::ProcessLine(std::vector<SseEvent>& events) {
  std::string_view line = line_;
  if (at_stream_start_) {
    at_stream_start_ = false;
    if (line.substr(0, kBom.size()) == kBom) line.remove_prefix(kBom.size());
  }
  if (line.empty()) {
    Dispatch(events);
  } else if (line.front() == ':') {
    ++comment_count_;
  } else {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      Field(line, {});
    } else {
      std::string_view value = line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      Field(line.substr(0, colon), value);
    }
  }
  line_.clear();
}

void SseParser::Field(std::string_view name, std::string_view value) {
  if (name == "data") {
    data_.append(value);
    data_.push_back('\n');
  } else if (name == "event") {
    event_type_.assign(value);
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) last_event_id_.assign(value);
  } else if (name == "retry") {
    if (auto ms = ParseRetry(value)) {
      reconnection_time_ = ms;
      retry_in_event_ = ms;
    }
  }
}

void SseParser::Dispatch(std::vector<SseEvent>& events) {
  if (!data_.empty()) {
    data_.pop_back();  // the "\n" after the last data line
    SseEvent event;
    if (!event_type_.empty()) event.event = std::move(event_type_);
    event.data = std::move(data_);
    event.id = last_event_id_;
    event.retry = retry_in_event_;
    events.push_back(std::move(event));
  }
  data_.clear();
  event_type_.clear();
  retry_in_event_.reset();
}

bool SseParser::pending() const {
  const bool line_pending = !line_.empty() && !(at_stream_start_ && IsBomPrefix(line_));
  return line_pending || !data_.empty() || !event_type_.empty();
}

Status SseParser::Finish() {
  if (failed_) return TooLarge();
  const bool was_pending = pending();
  line_.clear();
  data_.clear();
  event_type_.clear();
  retry_in_event_.reset();
  if (was_pending) {
    return Fail(ErrorCode::kProtocol, "the event stream ended in the middle of an event");
  }
  return Status::Ok();
}

}  // namespace intern::tools
