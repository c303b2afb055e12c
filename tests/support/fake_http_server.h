#pragma once
// FakeHttpServer — a scriptable loopback HTTP/1.1 server for tests (plain or TLS), run on its own
// thread. It records every request and answers from scripts that can inject transport faults
// (stalls, resets, slow drips, truncated chunked bodies) so a client's deadlines, retries and
// stream handling can be tested without the network.
//
// Usage:
//   intern::testing::FakeHttpServer server;                         // 127.0.0.1, ephemeral port
//   server.On("POST", "/v1/messages",
//             {FakeResponse::Status(429).WithHeader("retry-after", "1"),
//              FakeResponse::Json(200, R"({"ok":true})")});       // consumed in order
//   client.Post(server.url() + "/v1/messages", ...);
//   REQUIRE(server.WaitForRequests(2, std::chrono::seconds(2)));
//   CHECK(server.requests()[1].Header("x-api-key") == "k");
//
// Lifetime: the constructor binds and starts serving before it returns; the destructor (or Stop())
// closes every connection, ends every stall and joins the thread. It never blocks on a client.
// Thread safety: every public member may be called from any thread while the server runs.
// Handlers run on the server thread, one at a time; one that throws is answered 500 with
// "handler threw: WHAT" as the body.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace intern::testing {

using Milliseconds = std::chrono::milliseconds;

// A stall without a stated length lasts until the server stops (about a day; Stop() ends it).
inline constexpr Milliseconds kUntilStopped = std::chrono::hours(24);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup of the first header named `name`.
std::optional<std::string> FindHeader(const HeaderList& headers, std::string_view name);

struct RecordedRequest {
  std::string method;       // "GET"
  std::string target;       // as sent: "/search?q=x" (or absolute-form through a proxy)
  std::string path;         // target without the query: "/search"
  HeaderList headers;       // in the order received, names as sent
  std::string body;         // de-chunked
  std::chrono::steady_clock::time_point received_at;  // when the whole request had arrived
  std::size_t connection = 0;  // 0-based index of the accepted connection it came on

  std::optional<std::string> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

// How a response misbehaves. Body byte counts are payload bytes (chunk framing not counted).
struct Fault {
  enum class Kind {
    kNone,
    kStallBeforeHeaders,   // read the request, wait `duration`, then answer normally
    kStallAfterHeaders,    // send the head, wait `duration`, then the body
    kStallMidBody,         // send the head and `after_bytes` of body, wait, then the rest
    kResetBeforeHeaders,   // read the request, then abort the connection (TCP RST)
    kResetMidBody,         // send the head and `after_bytes` of body, then RST
    kDrip,                 // send the whole response `drip_bytes` at a time, `duration` apart
    kTruncateChunked,      // chunked body; after `after_bytes` (0 = all of it) close the
                           // connection cleanly without the terminating 0-chunk
    kCloseWithoutResponse, // read the request, then close cleanly (FIN) with nothing sent
  };
  Kind kind = Kind::kNone;
  Milliseconds duration{0};
  std::size_t after_bytes = 0;
  std::size_t drip_bytes = 1;

  static Fault StallBeforeHeaders(Milliseconds d = kUntilStopped) {
    return {Kind::kStallBeforeHeaders, d};
  }
  static Fault StallAfterHeaders(Milliseconds d = kUntilStopped) {
    return {Kind::kStallAfterHeaders, d};
  }
  static Fault StallMidBody(std::size_t after, Milliseconds d = kUntilStopped) {
    return {Kind::kStallMidBody, d, after};
  }
  static Fault ResetBeforeHeaders() { return {Kind::kResetBeforeHeaders}; }
  static Fault ResetMidBody(std::size_t after) { return {Kind::kResetMidBody, {}, after}; }
  static Fault Drip(std::size_t bytes_per_write, Milliseconds delay) {
    return {Kind::kDrip, delay, 0, bytes_per_write};
  }
  static Fault TruncateChunked(std::size_t after = 0) {
    return {Kind::kTruncateChunked, {}, after};
  }
  static Fault CloseWithoutResponse() { return {Kind::kCloseWithoutResponse}; }
};

// A part of a body written on its own, after waiting `delay_before` (e.g. one SSE event).
struct BodyPiece {
  std::string bytes;
  Milliseconds delay_before{0};
};

// One scripted answer. The server adds Content-Length (unless chunked, or the headers already
// name Content-Length or Transfer-Encoding) and `Transfer-Encoding: chunked` when chunked.
struct FakeResponse {
  int status = 200;
  std::string reason;          // empty: the standard phrase for `status`
  HeaderList headers;
  std::string body;
  bool chunked = false;
  // Chunked only: sizes of the leading chunks; what is left of the body goes in one more chunk.
  std::vector<std::size_t> chunk_sizes;
  // When not empty, replaces `body`: each piece is written (one chunk each when chunked) after
  // its delay. Delays end early when the server stops.
  std::vector<BodyPiece> pieces;
  Fault fault;
  bool close_after = false;    // send `Connection: close` and close after this response

  static FakeResponse Status(int status, std::string body = {});
  static FakeResponse Json(int status, std::string json);      // application/json
  static FakeResponse Text(int status, std::string text);      // text/plain
  // `text/event-stream`, chunked, `Cache-Control: no-cache`; one piece per write.
  static FakeResponse Sse(std::vector<BodyPiece> pieces);

  FakeResponse& WithHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  FakeResponse& WithFault(Fault f) {
    fault = f;
    return *this;
  }
  FakeResponse& Chunked(std::vector<std::size_t> sizes = {}) {
    chunked = true;
    chunk_sizes = std::move(sizes);
    return *this;
  }
  FakeResponse& CloseAfter() {
    close_after = true;
    return *this;
  }
};

// One SSE event as written on the wire: "event: NAME\n" (left out when `event` is empty), one
// "data: LINE\n" per line of `data`, then the blank line. For FakeResponse::Sse pieces:
//   FakeResponse::Sse({{SseFrame("message_start", R"({...})")},
//                      {SseFrame("", "[DONE]"), std::chrono::milliseconds(50)}});
std::string SseFrame(std::string_view event, std::string_view data);

// The exact bytes the server writes for `response` when it has no fault (tests compare to these).
std::string SerializeResponse(const FakeResponse& response);

using Handler = std::function<FakeResponse(const RecordedRequest&)>;
using RequestPredicate = std::function<bool(const RecordedRequest&)>;

// Server certificate and key, PEM (see test_certs.h for generated ones).
struct TlsOptions {
  std::string cert_pem;  // leaf first, then any intermediates
  std::string key_pem;
};

// One recorded exchange of a fixture file (tests/fixtures/github/*.json).
struct RecordedExchange {
  std::string method;
  std::string host;        // "api.github.com"
  std::string path;        // origin-form target with query: "/search/repositories?q=x"
  std::optional<std::string> request_body;
  int status = 0;
  HeaderList headers;
  std::string body;        // already decoded (no gzip, no chunking)
};

// Reads a fixture file: {"source", "exchanges":[{request:{method,host,path,body},
// response:{status, headers:[[k,v]...], body}}]}. Throws intern::Error naming the file and the
// problem when it cannot be read or does not have that shape.
std::vector<RecordedExchange> LoadExchanges(const std::string& path);

// The response a replaying server sends for `exchange`: Content-Encoding, Transfer-Encoding,
// Content-Length and Connection dropped (the body is decoded; the server sets its own length),
// and `https://api.github.com` in Link headers rewritten to `base_url` so pagination stays local.
FakeResponse ReplayResponse(const RecordedExchange& exchange, std::string_view base_url);

class FakeHttpServer {
 public:
  // Plain HTTP on 127.0.0.1 with an ephemeral port.
  FakeHttpServer();
  // HTTPS with the given certificate. Throws intern::Error if the PEM cannot be loaded.
  explicit FakeHttpServer(TlsOptions tls);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::uint16_t port() const;
  // "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT" (no trailing slash).
  std::string url() const;
  bool tls() const;

  // Routes are tried in the order they were added; the first match answers. `method` "*" matches
  // any method. A script answers with its responses in order; the last one then repeats. A
  // request no route matches is recorded and answered 404 "no route for METHOD TARGET".
  //
  // Exact match on the path (query ignored) — or on the whole target if `path` contains '?'.
  void On(std::string method, std::string path, std::vector<FakeResponse> script);
  void On(std::string method, std::string path, Handler handler);
  // Match when the target starts with `prefix`.
  void OnPrefix(std::string method, std::string prefix, std::vector<FakeResponse> script);
  void OnPrefix(std::string method, std::string prefix, Handler handler);
  // Match when `predicate` (called on the server thread) says so.
  void OnMatch(RequestPredicate predicate, std::vector<FakeResponse> script);
  void OnMatch(RequestPredicate predicate, Handler handler);
  // Serve recorded exchanges: each answers its method + exact target (query included); repeated
  // targets answer in recorded order. See ReplayResponse for the rewriting.
  void Replay(const std::vector<RecordedExchange>& exchanges);
  // Forget every route (recorded requests stay).
  void ClearRoutes();

  // Copies of every request received so far, in arrival order.
  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;
  // True once at least `n` requests have arrived; false if `timeout` passes first.
  bool WaitForRequests(std::size_t n, Milliseconds timeout) const;
  // Connections accepted so far (a keep-alive client reuses one).
  std::size_t accepted_connections() const;

  // Closes the listener and every connection, ends stalls and joins the thread. Idempotent.
  // Not from a handler (it would join its own thread).
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace intern::testing
