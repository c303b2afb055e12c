#include "tools/mcp/http_transport.h"

#include <fmt/format.h>

#include "tools/http/sse_parser.h"

namespace intern::tools {
namespace {

std::string Head(std::string_view text, size_t n = 200) {
  std::string out;
  for (char c : text.substr(0, n)) out += (c == '\n' || c == '\r') ? ' ' : c;
  if (text.size() > n) out += "…";
  return out;
}

}  // namespace

HttpTransport::HttpTransport(HttpClient& http, HttpTransportOptions options)
    : http_(http), options_(std::move(options)) {}

HttpTransport::~HttpTransport() {
  std::string session;
  {
    std::lock_guard lock(mu_);
    session = session_id_;
  }
  if (session.empty()) return;
  HttpRequest request = BaseRequest("DELETE");
  request.timeouts.total = std::chrono::milliseconds(2'000);
  (void)http_.Send(request);  // best effort: the server forgets idle sessions anyway
}

Status HttpTransport::Start(McpTransportEvents events) {
  events_ = std::move(events);
  return Status::Ok();
}

void HttpTransport::SetProtocolVersion(const std::string& version) {
  std::lock_guard lock(mu_);
  protocol_version_ = version;
}

HttpRequest HttpTransport::BaseRequest(std::string method) const {
  HttpRequest request;
  request.method = std::move(method);
  request.url = options_.url;
  request.headers = options_.headers;
  std::lock_guard lock(mu_);
  if (!session_id_.empty()) request.headers.emplace_back("Mcp-Session-Id", session_id_);
  if (!protocol_version_.empty())
    request.headers.emplace_back("MCP-Protocol-Version", protocol_version_);
  return request;
}

Status HttpTransport::Deliver(const std::string& json_text, std::vector<nlohmann::json>& replies) {
  nlohmann::json message = nlohmann::json::parse(json_text, nullptr, false);
  if (message.is_discarded() || !(message.is_object() || message.is_array()))
    return Fail(ErrorCode::kProtocol, fmt::format("answered with something that is not a "
                                                  "JSON-RPC message: \"{}\"",
                                                  Head(json_text, 60)));
  auto take = [&](const nlohmann::json& one) {
    if (std::optional<nlohmann::json> reply = events_.on_message(one))
      replies.push_back(std::move(*reply));
  };
  if (message.is_array()) {
    for (const nlohmann::json& one : message) take(one);
  } else {
    take(message);
  }
  return Status::Ok();
}

Status HttpTransport::Send(const nlohmann::json& message, const McpSendOptions& options) {
  HttpRequest request = BaseRequest("POST");
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Accept", "application/json, text/event-stream");
  request.body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::chrono::milliseconds timeout =
      options.timeout.count() > 0 ? options.timeout : options_.default_timeout;
  request.timeouts.total = timeout;
  request.timeouts.first_byte = timeout;
  request.timeouts.idle = timeout;
  // A stream may carry notifications before the answer; allow a few messages' worth.
  request.max_body_bytes = options_.max_message_bytes * 4 + 64 * 1024;

  SseParser sse({.max_event_bytes = options_.max_message_bytes});
  std::string json_body;
  enum class Mode { kUnknown, kJson, kSse } mode = Mode::kUnknown;
  std::vector<nlohmann::json> replies;
  std::optional<Failure> problem;
  bool cancelled = false;
  auto sink = [&](std::string_view chunk) {
    if (options.cancel != nullptr && options.cancel->load()) {
      cancelled = true;
      return false;
    }
    if (mode == Mode::kUnknown) {
      size_t first = chunk.find_first_not_of(" \t\r\n");
      if (first == std::string_view::npos) {
        json_body.append(chunk);
        return true;
      }
      mode = (chunk[first] == '{' || chunk[first] == '[') ? Mode::kJson : Mode::kSse;
      if (mode == Mode::kSse && !json_body.empty()) {
        std::vector<SseEvent> ignored;
        (void)sse.Feed(json_body, ignored);
        json_body.clear();
      }
    }
    if (mode == Mode::kJson) {
      if (json_body.size() + chunk.size() > options_.max_message_bytes) {
        problem = Fail(ErrorCode::kTooLarge,
                       fmt::format("sent a message larger than {} KiB (the limit, "
                                   "mcp.max_message_kb)",
                                   options_.max_message_bytes / 1024));
        return false;
      }
      json_body.append(chunk);
      return true;
    }
    std::vector<SseEvent> events;
    if (Status s = sse.Feed(chunk, events); !s) {
      problem = s.code() == ErrorCode::kTooLarge
                    ? Fail(ErrorCode::kTooLarge,
                           fmt::format("sent a message larger than {} KiB (the limit, "
                                       "mcp.max_message_kb)",
                                       options_.max_message_bytes / 1024))
                    : s.failure();
      return false;
    }
    for (const SseEvent& event : events) {
      if (event.event != "message" || event.data.empty()) continue;
      if (Status s = Deliver(event.data, replies); !s) {
        problem = s.failure();
        return false;
      }
    }
    return true;
  };

  Result<HttpResponse> response = http_.Stream(request, sink);
  if (problem) return *problem;
  if (cancelled) return Fail(ErrorCode::kCancelled, "was interrupted: the call was cancelled");
  if (!response) {
    if (response.code() == ErrorCode::kTooLarge)
      return Fail(ErrorCode::kTooLarge,
                  fmt::format("sent a message larger than {} KiB (the limit, mcp.max_message_kb)",
                              options_.max_message_bytes / 1024));
    return Fail(response.code(), "could not be reached: " + response.message());
  }
  if (std::optional<std::string> id = response->Header("Mcp-Session-Id")) {
    std::lock_guard lock(mu_);
    session_id_ = *id;
  }
  int status = response->status;
  if (status == 404 && request.headers.end() !=
                           std::find_if(request.headers.begin(), request.headers.end(),
                                        [](const auto& h) {
                                          return HeaderNameEquals(h.first, "Mcp-Session-Id");
                                        })) {
    {
      std::lock_guard lock(mu_);
      session_id_.clear();
    }
    events_.on_closed("ended the session (HTTP 404)");
    return Fail(ErrorCode::kConnection, "ended the session (HTTP 404); it will be reconnected");
  }
  if (status >= 400) {
    ErrorCode code = status == 401   ? ErrorCode::kUnauthorized
                     : status == 403 ? ErrorCode::kForbidden
                     : status >= 500 ? ErrorCode::kServer
                                     : ErrorCode::kProtocol;
    return Fail(code, fmt::format("answered HTTP {}{}", status,
                                  response->body.empty() ? "" : ": " + Head(response->body)));
  }
  if (mode == Mode::kJson) {
    if (Status s = Deliver(json_body, replies); !s) return s;
  } else if (mode == Mode::kSse) {
    (void)sse.Finish();  // a stream cut after the answer still delivered the answer
  }
  for (const nlohmann::json& reply : replies) {
    McpSendOptions reply_options;
    reply_options.timeout = std::chrono::milliseconds(5'000);
    (void)Send(reply, reply_options);
  }
  return Status::Ok();
}

}  // namespace intern::tools
