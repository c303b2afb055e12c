#include "agent/providers/wire_provider.h"

#include <fmt/format.h>

#include <optional>
#include <utility>
#include <vector>

#include "tools/http/retry.h"

namespace intern::agent {

struct WireProvider::Attempt {
  std::optional<Response> response;
  Failure failure;
  bool retryable = false;
  tools::HttpHeaders headers;  // of an HTTP error answer, for retry-after
};

namespace {

std::string CutOffNote(bool emitted) {
  return emitted ? " (the answer was cut off after part of it was shown; not retried, so no "
                   "text is repeated)"
                 : "";
}

}  // namespace

WireProvider::WireProvider(ProviderOptions options, tools::HttpClient& http, Clock& clock)
    : options_(std::move(options)), http_(http), clock_(clock), rng_(options_.retry_seed) {}

WireProvider::Attempt WireProvider::FromHttpError(const tools::HttpResponse& response,
                                                  const std::string& model) const {
  wire::VendorError vendor = wire::ParseVendorError(response.body);
  bool context = response.status >= 400 && response.status < 500 && IsContextLengthError(vendor);
  Attempt out;
  out.failure =
      wire::ClassifyHttpError({options_.name, options_.key_hint, model}, response, vendor, context);
  out.retryable = !context && tools::ShouldRetry(response.status);
  // The official SDKs let the server overrule the status table.
  if (auto hint = response.Header("x-should-retry"); hint && !context) {
    if (*hint == "true") out.retryable = true;
    if (*hint == "false") out.retryable = false;
  }
  out.headers = response.headers;
  return out;
}

WireProvider::Attempt WireProvider::Once(const tools::HttpRequest& http_request,
                                         const std::string& model, const wire::ToolNames& names,
                                         const std::function<void(std::string_view)>& on_delta,
                                         bool& emitted) {
  Attempt out;
  const std::string& p = options_.name;
  if (!options_.stream) {
    Result<tools::HttpResponse> result = http_.Send(http_request);
    if (!result) {
      out.failure = Fail(result.code(), fmt::format("{}: {}", p, result.message()));
      out.retryable = tools::ShouldRetry(result.code());
      return out;
    }
    if (result->status >= 400) return FromHttpError(*result, model);
    Result<Response> parsed = ParseBody(result->body, names);
    if (!parsed) {
      out.failure = parsed.failure();
      return out;
    }
    if (on_delta) {
      // The whole text at once: callers print deltas, so a non-streamed answer still shows.
      std::string text = parsed->message.Text();
      if (!text.empty()) on_delta(text);
    }
    out.response = std::move(*parsed);
    return out;
  }

  std::unique_ptr<StreamDecoder> decoder = NewDecoder(names);
  tools::SseParser parser;
  std::vector<tools::SseEvent> events;
  std::optional<Failure> stream_failure;
  // Some OpenAI-compatible servers ignore "stream": true and answer one JSON document; keep the
  // bytes until the first event proves the body is an event stream.
  constexpr std::size_t kMaxUnstreamedBody = 16u << 20;
  std::string unstreamed;
  bool saw_event = false;
  wire::TextSink on_text = [&](std::string_view text) {
    if (text.empty()) return;
    emitted = true;
    if (on_delta) on_delta(text);
  };
  Result<tools::HttpResponse> result = http_.Stream(http_request, [&](std::string_view chunk) {
    events.clear();
    if (!saw_event && unstreamed.size() + chunk.size() <= kMaxUnstreamedBody) {
      unstreamed.append(chunk);
    }
    if (Status s = parser.Feed(chunk, events); !s) {
      stream_failure = Fail(ErrorCode::kProtocol, fmt::format("{}: {}", p, s.message()));
      return false;
    }
    if (!events.empty()) {
      saw_event = true;
      unstreamed.clear();
    }
    for (const tools::SseEvent& event : events) {
      if (Status s = decoder->OnEvent(event, on_text); !s) {
        stream_failure = s.failure();
        return false;
      }
    }
    return true;
  });
  if (stream_failure) {
    out.failure = *stream_failure;
    out.failure.message += CutOffNote(emitted);
    out.retryable = !emitted && tools::ShouldRetry(out.failure.code);
    return out;
  }
  if (!result) {
    out.failure =
        Fail(result.code(), fmt::format("{}: {}{}", p, result.message(), CutOffNote(emitted)));
    out.retryable = !emitted && tools::ShouldRetry(result.code());
    return out;
  }
  if (result->status >= 400) return FromHttpError(*result, model);
  if (!saw_event && result->Header("content-type").value_or("").rfind("application/json", 0) == 0) {
    Result<Response> parsed = ParseBody(unstreamed, names);
    if (!parsed) {
      out.failure = parsed.failure();
      return out;
    }
    on_text(parsed->message.Text());
    out.response = std::move(*parsed);
    return out;
  }
  if (Status s = parser.Finish(); !s) {
    out.failure =
        Fail(ErrorCode::kProtocol, fmt::format("{}: {}{}", p, s.message(), CutOffNote(emitted)));
    return out;
  }
  Result<Response> response = decoder->Finish();
  if (!response) {
    out.failure = response.failure();
    out.failure.message += CutOffNote(emitted);
    return out;
  }
  out.response = std::move(*response);
  return out;
}

Result<Response> WireProvider::Complete(const LlmRequest& request,
                                        const std::function<void(std::string_view)>& on_delta) {
  LlmRequest filled = request;
  if (filled.model.empty()) filled.model = options_.model;
  tools::HttpRequest http_request;
  http_request.method = "POST";
  http_request.url = Url();
  http_request.headers = Headers(options_.stream);
  for (const auto& header : options_.extra_headers) http_request.headers.push_back(header);
  http_request.body = Body(filled, options_.stream);
  // The converters map tool names the same way when they build the body (wire_tool_names.h).
  const wire::ToolNames names(filled);
  http_request.timeouts = options_.timeouts;

  const std::string host = wire::HostForMessages(http_request.url);
  const int max_attempts = std::max(options_.retry.max_attempts, 1);
  bool emitted = false;
  for (int tried = 1;; ++tried) {
    Attempt attempt = Once(http_request, filled.model, names, on_delta, emitted);
    if (attempt.response) return std::move(*attempt.response);
    Failure failure = std::move(attempt.failure);
    if (attempt.retryable && tried < max_attempts) {
      Result<std::chrono::milliseconds> delay =
          tools::RetryDelay(options_.retry, tried - 1, attempt.headers, rng_, clock_.Now(), host);
      if (delay) {
        if (options_.on_retry) {
          options_.on_retry(tried - 1, *delay, wire::Redact(failure.message, options_.api_key));
        }
        clock_.Sleep(*delay);
        continue;
      }
      failure = Fail(failure.code, fmt::format("{}: {}", options_.name, delay.message()));
    } else if (attempt.retryable && tried > 1) {
      failure.message += fmt::format(" (after {} attempts)", tried);
    }
    failure.message = wire::Redact(std::move(failure.message), options_.api_key);
    return failure;
  }
}

}  // namespace intern::agent
