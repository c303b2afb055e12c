// FakeResponse helpers and the fault planner: everything about a scripted answer that does not
// need a socket.

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "tests/support/fake_http_server.h"
#include "tests/support/response_plan.h"

namespace intern::testing {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Hex(std::size_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%zx", n);
  return buf;
}

bool IsChunked(const FakeResponse& r) {
  // A truncated chunked body needs chunked framing whatever the script said.
  return r.chunked || r.fault.kind == Fault::Kind::kTruncateChunked;
}

std::string Head(const FakeResponse& r) {
  std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " +
                     (r.reason.empty() ? ReasonPhrase(r.status) : r.reason) + "\r\n";
  for (const auto& [name, value] : r.headers) head += name + ": " + value + "\r\n";
  const bool chunked = IsChunked(r);
  const bool framed = FindHeader(r.headers, "content-length").has_value() ||
                      FindHeader(r.headers, "transfer-encoding").has_value();
  if (!framed) {
    if (chunked) {
      head += "Transfer-Encoding: chunked\r\n";
    } else {
      std::size_t length = r.body.size();
      if (!r.pieces.empty()) {
        length = 0;
        for (const auto& p : r.pieces) length += p.bytes.size();
      }
      head += "Content-Length: " + std::to_string(length) + "\r\n";
    }
  }
  if (r.close_after && !FindHeader(r.headers, "connection")) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

// The body as (payload, delay-before) segments; for chunked bodies each segment is one chunk.
std::vector<BodyPiece> Segments(const FakeResponse& r) {
  std::vector<BodyPiece> out;
  if (!r.pieces.empty()) {
    for (const auto& p : r.pieces) out.push_back(p);
    return out;
  }
  std::size_t at = 0;
  if (IsChunked(r)) {
    for (std::size_t size : r.chunk_sizes) {
      if (at >= r.body.size()) break;
      std::size_t n = std::min(size, r.body.size() - at);
      out.push_back({r.body.substr(at, n), {}});
      at += n;
    }
  }
  if (at < r.body.size()) out.push_back({r.body.substr(at), {}});
  return out;
}

// Splits every write into `bytes` sized writes separated by waits of `delay`.
std::vector<WriteStep> Drip(const std::vector<WriteStep>& steps, std::size_t bytes,
                            Milliseconds delay) {
  bytes = std::max<std::size_t>(bytes, 1);
  std::vector<WriteStep> out;
  bool first_write = true;
  for (const auto& step : steps) {
    if (step.kind != WriteStep::Kind::kWrite) {
      out.push_back(step);
      continue;
    }
    for (std::size_t at = 0; at < step.bytes.size(); at += bytes) {
      if (!first_write) out.push_back({WriteStep::Kind::kWait, {}, delay});
      first_write = false;
      out.push_back({WriteStep::Kind::kWrite, step.bytes.substr(at, bytes), {}});
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> FindHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

FakeResponse FakeResponse::Status(int status, std::string body) {
  FakeResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

FakeResponse FakeResponse::Json(int status, std::string json) {
  FakeResponse r = Status(status, std::move(json));
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

FakeResponse FakeResponse::Text(int status, std::string text) {
  FakeResponse r = Status(status, std::move(text));
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  return r;
}

FakeResponse FakeResponse::Sse(std::vector<BodyPiece> pieces) {
  FakeResponse r;
  r.headers.emplace_back("Content-Type", "text/event-stream");
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.chunked = true;
  r.pieces = std::move(pieces);
  return r;
}

std::string SseFrame(std::string_view event, std::string_view data) {
  std::string out;
  if (!event.empty()) out += "event: " + std::string(event) + "\n";
  for (;;) {
    const std::size_t end = data.find('\n');
    out += "data: " + std::string(data.substr(0, end)) + "\n";
    if (end == std::string_view::npos) break;
    data.remove_prefix(end + 1);
  }
  return out + "\n";
}

std::vector<WriteStep> PlanResponse(const FakeResponse& r) {
  using K = WriteStep::Kind;
  const Fault& fault = r.fault;
  switch (fault.kind) {
    case Fault::Kind::kCloseWithoutResponse:
      return {{K::kClose, {}, {}}};
    case Fault::Kind::kResetBeforeHeaders:
      return {{K::kReset, {}, {}}};
    default:
      break;
  }

  std::vector<WriteStep> steps;
  if (fault.kind == Fault::Kind::kStallBeforeHeaders) steps.push_back({K::kWait, {}, fault.duration});
  steps.push_back({K::kWrite, Head(r), {}});
  if (fault.kind == Fault::Kind::kStallAfterHeaders) steps.push_back({K::kWait, {}, fault.duration});

  const bool chunked = IsChunked(r);
  const bool cut_mid_body = fault.kind == Fault::Kind::kStallMidBody ||
                            fault.kind == Fault::Kind::kResetMidBody ||
                            (fault.kind == Fault::Kind::kTruncateChunked && fault.after_bytes > 0);
  // The step taken once `after_bytes` of payload have been written.
  auto cut_step = [&]() -> WriteStep {
    if (fault.kind == Fault::Kind::kStallMidBody) return {K::kWait, {}, fault.duration};
    if (fault.kind == Fault::Kind::kResetMidBody) return {K::kReset, {}, {}};
    return {K::kClose, {}, {}};
  };
  auto emit = [&](const std::string& payload) {
    if (payload.empty()) return;  // an empty chunk would end the body
    std::string bytes = chunked ? Hex(payload.size()) + "\r\n" + payload + "\r\n" : payload;
    steps.push_back({K::kWrite, std::move(bytes), {}});
  };

  std::size_t written = 0;
  bool cut_done = !cut_mid_body;
  if (!cut_done && fault.after_bytes == 0) {
    steps.push_back(cut_step());
    cut_done = true;
  }
  for (const auto& segment : Segments(r)) {
    if (segment.delay_before.count() > 0) steps.push_back({K::kWait, {}, segment.delay_before});
    std::string_view rest = segment.bytes;
    if (!cut_done && written + rest.size() >= fault.after_bytes) {
      std::size_t head_part = fault.after_bytes - written;
      emit(std::string(rest.substr(0, head_part)));
      written += head_part;
      rest.remove_prefix(head_part);
      steps.push_back(cut_step());
      cut_done = true;
    }
    if (steps.back().kind == K::kReset || steps.back().kind == K::kClose) break;
    emit(std::string(rest));
    written += rest.size();
  }

  // A body shorter than `after_bytes` meets its fault once all of it is out.
  if (!cut_done) steps.push_back(cut_step());
  const WriteStep::Kind last = steps.back().kind;
  if (last != K::kReset && last != K::kClose) {
    if (fault.kind == Fault::Kind::kTruncateChunked) {
      steps.push_back({K::kClose, {}, {}});
    } else {
      if (chunked) steps.push_back({K::kWrite, "0\r\n\r\n", {}});
      if (r.close_after) steps.push_back({K::kClose, {}, {}});
    }
  }
  if (fault.kind == Fault::Kind::kDrip) steps = Drip(steps, fault.drip_bytes, fault.duration);
  return steps;
}

std::string SerializeResponse(const FakeResponse& response) {
  FakeResponse plain = response;
  plain.fault = Fault{};
  std::string out;
  for (const auto& step : PlanResponse(plain)) {
    if (step.kind == WriteStep::Kind::kWrite) out += step.bytes;
  }
  return out;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 529: return "Site Overloaded";
    default: return "Unknown";
  }
}

}  // namespace intern::testing
