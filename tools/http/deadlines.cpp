#include "tools/http/deadlines.h"

#include <fmt/format.h>

#include <algorithm>

namespace intern::tools {
namespace {

using std::chrono::milliseconds;

milliseconds OrDefault(milliseconds value, milliseconds fallback) {
  return value.count() > 0 ? value : fallback;
}

}  // namespace

HttpTimeouts WithDefaults(const HttpTimeouts& request, const HttpTimeouts& defaults) {
  return HttpTimeouts{OrDefault(request.connect, defaults.connect),
                      OrDefault(request.first_byte, defaults.first_byte),
                      OrDefault(request.idle, defaults.idle),
                      OrDefault(request.total, defaults.total)};
}

HttpDeadlines::HttpDeadlines(const HttpTimeouts& timeouts, Clock::time_point start)
    : timeouts_(timeouts), end_(start + timeouts.total), connect_end_(start + timeouts.connect) {}

void HttpDeadlines::StartConnect(Clock::time_point now) { connect_end_ = now + timeouts_.connect; }

HttpDeadlines::Clock::time_point HttpDeadlines::ExpiryFor(HttpStep step, Clock::time_point now) {
  Clock::time_point own =
      step == HttpStep::kConnect || step == HttpStep::kTls ? connect_end_ : now + Limit(step);
  total_binding_ = end_ <= own;
  return total_binding_ ? end_ : own;
}

milliseconds HttpDeadlines::Left(Clock::time_point now) const {
  return std::max(std::chrono::duration_cast<milliseconds>(end_ - now), milliseconds(0));
}

milliseconds HttpDeadlines::Limit(HttpStep step) const {
  switch (step) {
    case HttpStep::kConnect:
    case HttpStep::kTls:
      return timeouts_.connect;
    case HttpStep::kHeader:
      return timeouts_.first_byte;
    case HttpStep::kSend:
    case HttpStep::kBody:
      return timeouts_.idle;
  }
  return timeouts_.total;
}

Failure HttpDeadlines::TimeoutFailure(HttpStep step, const std::string& peer,
                                      const std::string& url, std::uint64_t body_bytes) const {
  if (total_binding_) {
    std::string when;
    switch (step) {
      case HttpStep::kConnect:
        when = "while connecting to " + peer;
        break;
      case HttpStep::kTls:
        when = "during the TLS handshake with " + peer;
        break;
      case HttpStep::kSend:
        when = "while sending the request";
        break;
      case HttpStep::kHeader:
        when = "while waiting for the response";
        break;
      case HttpStep::kBody:
        when = fmt::format("after {} bytes of the body", body_bytes);
        break;
    }
    return Fail(ErrorCode::kTimeout, fmt::format("the request to {} exceeded the total deadline "
                                                 "({} ms) {}",
                                                 url, timeouts_.total.count(), when));
  }
  long long limit = Limit(step).count();
  std::string message;
  switch (step) {
    case HttpStep::kConnect:
      message = fmt::format("connecting to {} exceeded the connect deadline ({} ms)", peer, limit);
      break;
    case HttpStep::kTls:
      message = fmt::format("the TLS handshake with {} exceeded the connect deadline ({} ms)", peer,
                            limit);
      break;
    case HttpStep::kSend:
      message = fmt::format("sending the request to {} stalled beyond the idle deadline ({} ms)",
                            peer, limit);
      break;
    case HttpStep::kHeader:
      message =
          fmt::format("{} sent no response within the first-byte deadline ({} ms)", peer, limit);
      break;
    case HttpStep::kBody:
      message = fmt::format(
          "{} stalled for longer than the idle deadline ({} ms) after {} bytes of the body", peer,
          limit, body_bytes);
      break;
  }
  return Fail(ErrorCode::kTimeout, message);
}

}  // namespace intern::tools
