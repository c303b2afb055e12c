#pragma once
// HttpClient — the one way the project talks HTTP (DESIGN §3 transport, §5 per-host auth).
// It is an interface so that tests can put a scripted fake behind it; the real implementation is
// BeastHttpClient (tools/http/beast_http_client.h), usually wrapped in RetryingHttpClient
// (tools/http/retry.h).
//
// Contract shared by every implementation:
// - An HTTP error status (4xx, 5xx) is NOT a failure at this layer: the response is returned with
//   its status, headers and body, so callers can read the server's explanation. Only the retrying
//   wrapper and RequireSuccess() turn statuses into failures.
// - A Result failure means no complete response was obtained. Its code says which kind:
//   kTimeout (the message names the deadline: connect, first byte, idle or total), kConnection
//   (refused, reset, closed early, DNS, TLS handshake or certificate), kProtocol (malformed HTTP,
//   too many redirects, unsupported URL), kTooLarge (body over max_body_bytes), kCancelled (the
//   streaming callback asked to stop), kInvalidArgument (the request itself is malformed).
// - Messages name the host and port and, for the body, how many bytes had arrived; they never
//   contain header values, and show URLs without their query string, so a credential cannot
//   leak into a log through an error.
// - Thread safety is the implementation's to state; BeastHttpClient and RetryingHttpClient (over
//   a thread-safe client) allow concurrent calls, which read-only tools running in parallel need.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/result.h"

namespace intern::tools {

// Header names are compared case-insensitively; order and duplicates are preserved.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive ASCII comparison of two header names.
bool HeaderNameEquals(std::string_view a, std::string_view b);

// The value of the first header called `name` (any case), or nullopt.
std::optional<std::string> FindHeader(const HttpHeaders& headers, std::string_view name);

// Deadlines of one request. Zero means "use the client's default" (HttpClientOptions).
struct HttpTimeouts {
  // Resolving, TCP connect, the proxy CONNECT exchange and the TLS handshake, per hop.
  std::chrono::milliseconds connect{0};
  // From the end of sending the request until the whole response header has arrived.
  std::chrono::milliseconds first_byte{0};
  // Longest silence while sending the request or reading the body; re-armed on every read, so a
  // slow stream of server-sent events never trips it while events keep coming.
  std::chrono::milliseconds idle{0};
  // The whole call, every redirect hop included.
  std::chrono::milliseconds total{0};

  bool operator==(const HttpTimeouts&) const = default;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;      // http:// or https://; a #fragment is ignored
  HttpHeaders headers;  // sent as given, after Host, User-Agent and per-host credentials
  std::string body;     // sent with Content-Length when non-empty (or method is POST/PUT/PATCH)
  HttpTimeouts timeouts;
  // 0: the client's default. A larger body fails kTooLarge; this counts streamed bytes too.
  std::uint64_t max_body_bytes = 0;

  bool operator==(const HttpRequest&) const = default;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;       // empty for Stream() when the status is below 400
  std::string final_url;  // the URL that answered, after redirects
  int redirects = 0;      // how many redirects were followed

  // The first header called `name` (any case), or nullopt.
  std::optional<std::string> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }

  bool operator==(const HttpResponse&) const = default;
};

// Receives body bytes as they arrive. Return false to stop reading (the call then fails with
// kCancelled). Called on the thread that called Stream().
using HttpBodySink = std::function<bool(std::string_view chunk)>;

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Sends the request, follows redirects and returns the final response with its whole body.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;

  // Like Send, but hands the body of the final response to `on_body` chunk by chunk as it
  // arrives (for server-sent events) and returns once the body has ended; response.body stays
  // empty. Exception: when the final status is 400 or above, the body (an error document) is
  // collected into response.body instead, so the caller can describe the error, and `on_body` is
  // not called. An exception thrown by `on_body` propagates out of Stream.
  virtual Result<HttpResponse> Stream(const HttpRequest& request, const HttpBodySink& on_body) = 0;
};

}  // namespace intern::tools
