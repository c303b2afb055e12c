// BeastHttpClient against the loopback FakeHttpServer (plain HTTP): framing, deadlines, transport
// faults, redirects, streaming, caps and per-host credentials.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "config/clock.h"
#include "config/error.h"
#include "tests/support/fake_http_server.h"
#include "tools/http/beast_http_client.h"
#include "tools/http/retry.h"

namespace intern::tools {
namespace {

using intern::testing::BodyPiece;
using intern::testing::FakeHttpServer;
using intern::testing::FakeResponse;
using intern::testing::Fault;
using std::chrono::milliseconds;

constexpr const char* kToken = "sk-SECRET-7f3a9c-do-not-leak";

// Short deadlines so a missed one fails fast; each test that wants a deadline sets its own.
HttpClientOptions TestOptions() {
  HttpClientOptions options;
  options.use_system_cas = false;
  options.default_timeouts = {milliseconds(2000), milliseconds(2000), milliseconds(2000),
                              milliseconds(5000)};
  return options;
}

HttpRequest Get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

std::string HostPort(const FakeHttpServer& server) {
  return "127.0.0.1:" + std::to_string(server.port());
}

TEST_CASE("Send returns status, headers and body, and sends Host, User-Agent and the body") {
  FakeHttpServer server;
  server.On("POST", "/v1/echo",
            {FakeResponse::Json(201, R"({"ok":true})").WithHeader("X-Request-Id", "r1")});
  BeastHttpClient client(TestOptions());
  HttpRequest request;
  request.method = "POST";
  request.url = server.url() + "/v1/echo?x=1";
  request.headers = {{"Content-Type", "application/json"}, {"anthropic-version", "2023-06-01"}};
  request.body = R"({"q":1})";
  Result<HttpResponse> r = client.Send(request);
  REQUIRE(r.ok());
  CHECK(r->status == 201);
  CHECK(r->body == R"({"ok":true})");
  CHECK(r->Header("x-request-id") == "r1");
  CHECK(r->Header("content-type") == "application/json");
  CHECK(r->final_url == server.url() + "/v1/echo?x=1");
  CHECK(r->redirects == 0);

  REQUIRE(server.requests().size() == 1);
  const auto seen = server.requests()[0];
  CHECK(seen.method == "POST");
  CHECK(seen.target == "/v1/echo?x=1");
  CHECK(seen.Header("host") == HostPort(server));
  CHECK(seen.Header("user-agent") == "intern/0.1");
  CHECK(seen.Header("anthropic-version") == "2023-06-01");
  CHECK(seen.Header("content-length") == "7");
  CHECK(seen.body == R"({"q":1})");
}

TEST_CASE("a chunked body is reassembled whole") {
  FakeHttpServer server;
  std::string body = "0123456789abcdefghijklmnopqrstuvwxyz";
  server.On("GET", "/chunked", {FakeResponse::Text(200, body).Chunked({1, 2, 3, 5, 8})});
  BeastHttpClient client(TestOptions());
  Result<HttpResponse> r = client.Send(Get(server.url() + "/chunked"));
  REQUIRE(r.ok());
  CHECK(r->Header("transfer-encoding") == "chunked");
  CHECK(r->body == body);
}

TEST_CASE("interim 1xx answers are skipped and the final response is returned") {
  FakeHttpServer server;
  // The fake writes one head; the final response rides in what it thinks is the body.
  FakeResponse interim =
      FakeResponse::Status(103, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");
  interim.WithHeader("Link", "</style.css>; rel=preload").WithHeader("Content-Length", "0");
  server.On("GET", "/hints", {interim});
  BeastHttpClient client(TestOptions());
  Result<HttpResponse> r = client.Send(Get(server.url() + "/hints"));
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == "final");
  CHECK_FALSE(r->Header("link").has_value());
}

TEST_CASE("an error status is a response, not a failure, at this layer") {
  FakeHttpServer server;
  server.On("GET", "/missing", {FakeResponse::Json(404, R"({"error":"nope"})")});
  BeastHttpClient client(TestOptions());
  Result<HttpResponse> r = client.Send(Get(server.url() + "/missing"));
  REQUIRE(r.ok());
  CHECK(r->status == 404);
  CHECK(r->body == R"({"error":"nope"})");
}

TEST_CASE("a stalled server trips the idle deadline, naming it and the bytes received") {
  FakeHttpServer server;
  server.On("GET", "/stall",
            {FakeResponse::Text(200, std::string(50, 'x')).WithFault(Fault::StallMidBody(5))});
  BeastHttpClient client(TestOptions());
  HttpRequest request = Get(server.url() + "/stall");
  request.timeouts.idle = milliseconds(100);
  auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> r = client.Send(request);
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kTimeout);
  CHECK(r.message() == HostPort(server) +
                           " stalled for longer than the idle deadline (100 ms) after 5 bytes of "
                           "the body");
  CHECK(took < std::chrono::seconds(2));
}

TEST_CASE("a server that never answers trips the first-byte deadline") {
  FakeHttpServer server;
  server.On("GET", "/slow",
            {FakeResponse::Text(200, "late").WithFault(Fault::StallBeforeHeaders())});
  BeastHttpClient client(TestOptions());
  HttpRequest request = Get(server.url() + "/slow");
  request.timeouts.first_byte = milliseconds(100);
  Result<HttpResponse> r = client.Send(request);
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kTimeout);
  CHECK(r.message() ==
        HostPort(server) + " sent no response within the first-byte deadline (100 ms)");
}

TEST_CASE("a body that keeps dripping is cut off by the total deadline") {
  FakeHttpServer server;
  server.On(
      "GET", "/drip",
      {FakeResponse::Text(200, std::string(200, 'd')).WithFault(Fault::Drip(1, milliseconds(10)))});
  BeastHttpClient client(TestOptions());
  HttpRequest request = Get(server.url() + "/drip?key=abc");
  request.timeouts.idle = milliseconds(1000);
  request.timeouts.total = milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> r = client.Send(request);
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kTimeout);
  std::string prefix =
      "the request to " + server.url() + "/drip exceeded the total deadline (300 ms)";
  CHECK(r.message().substr(0, prefix.size()) == prefix);
  CHECK(r.message().find("key=abc") == std::string::npos);
  CHECK(took >= milliseconds(300));
  CHECK(took < milliseconds(1500));
}

TEST_CASE("a reset mid-body is reported as such, with the bytes received") {
  FakeHttpServer server;
  server.On("GET", "/reset",
            {FakeResponse::Text(200, std::string(400, 'r')).WithFault(Fault::ResetMidBody(120))});
  BeastHttpClient client(TestOptions());
  Result<HttpResponse> r = client.Send(Get(server.url() + "/reset"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kConnection);
  CHECK(r.message() == "connection reset by " + HostPort(server) + " after 120 bytes of the body");
}

TEST_CASE("a chunked body cut short by a clean close is reported, not taken as complete") {
  FakeHttpServer server;
  server.On("GET", "/cut",
            {FakeResponse::Text(200, std::string(64, 'c'))
                 .Chunked({16})
                 .WithFault(Fault::TruncateChunked(16))});
  BeastHttpClient client(TestOptions());
  Result<HttpResponse> r = client.Send(Get(server.url() + "/cut"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kConnection);
  CHECK(r.message() == HostPort(server) +
                           " closed the connection after 16 bytes of the body, before the "
                           "response was complete");
}

TEST_CASE("a refused connection names the address") {
  std::uint16_t port = 0;
  {
    // Bind and release a port so nothing listens on it.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    port = acceptor.local_endpoint().port();
  }
  BeastHttpClient client(TestOptions());
  Result<HttpResponse> r = client.Send(Get("http://127.0.0.1:" + std::to_string(port) + "/"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kConnection);
  CHECK(r.message() == "127.0.0.1:" + std::to_string(port) + " refused the connection");
}

TEST_CASE("a body over max_body_bytes fails kTooLarge, whether sized or chunked") {
  FakeHttpServer server;
  server.On("GET", "/big", {FakeResponse::Text(200, std::string(100, 'b'))});
  server.On("GET", "/bigchunks", {FakeResponse::Text(200, std::string(100, 'b')).Chunked({30})});
  BeastHttpClient client(TestOptions());
  for (const char* path : {"/big", "/bigchunks"}) {
    INFO(path);
    HttpRequest request = Get(server.url() + path);
    request.max_body_bytes = 64;
    Result<HttpResponse> r = client.Send(request);
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == ErrorCode::kTooLarge);
    CHECK(r.message() ==
          "the response body from " + HostPort(server) + " exceeds the limit of 64 bytes");
  }
  HttpRequest fits = Get(server.url() + "/big");
  fits.max_body_bytes = 100;
  CHECK(client.Send(fits).ok());
}

TEST_CASE("redirects are followed: 303 turns POST into GET, 307 keeps method and body") {
  FakeHttpServer server;
  server.On("POST", "/see-other", {FakeResponse::Status(303).WithHeader("Location", "/result")});
  server.On("POST", "/temporary", {FakeResponse::Status(307).WithHeader("Location", "echo")});
  server.On("GET", "/result", {FakeResponse::Text(200, "result")});
  server.On("POST", "/echo", {FakeResponse::Text(200, "echoed")});
  BeastHttpClient client(TestOptions());
  HttpRequest post;
  post.method = "POST";
  post.url = server.url() + "/see-other";
  post.headers = {{"Content-Type", "application/json"}};
  post.body = "{}";
  Result<HttpResponse> a = client.Send(post);
  REQUIRE(a.ok());
  CHECK(a->body == "result");
  CHECK(a->redirects == 1);
  CHECK(a->final_url == server.url() + "/result");

  post.url = server.url() + "/temporary";
  Result<HttpResponse> b = client.Send(post);
  REQUIRE(b.ok());
  CHECK(b->body == "echoed");

  std::vector<intern::testing::RecordedRequest> seen = server.requests();
  REQUIRE(seen.size() == 4);
  CHECK(seen[1].method == "GET");
  CHECK(seen[1].body.empty());
  CHECK_FALSE(seen[1].Header("content-type").has_value());
  CHECK(seen[3].method == "POST");
  CHECK(seen[3].body == "{}");
}

TEST_CASE("a redirect loop ends after max_redirects with a clear error") {
  FakeHttpServer server;
  server.On("GET", "/loop", {FakeResponse::Status(302).WithHeader("Location", "/loop?again=1")});
  HttpClientOptions options = TestOptions();
  options.max_redirects = 3;
  BeastHttpClient client(options);
  Result<HttpResponse> r = client.Send(Get(server.url() + "/loop"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kProtocol);
  CHECK(r.message() ==
        "gave up after 3 redirects: " + server.url() + "/loop redirects again (a redirect loop?)");
  CHECK(server.request_count() == 4);
}

TEST_CASE("a redirect from host A to host B drops A's Authorization header and credentials") {
  FakeHttpServer a;
  FakeHttpServer b;
  a.On("GET", "/start", {FakeResponse::Status(302).WithHeader("Location", b.url() + "/landing")});
  b.On("GET", "/landing", {FakeResponse::Text(200, "landed")});
  HttpClientOptions options = TestOptions();
  options.credentials.Add({"127.0.0.1", a.port(), {{"x-api-key", kToken}}, "A_KEY", true});
  options.credentials.Add({"127.0.0.1", b.port(), {{"x-b-key", "b-secret"}}, "B_KEY", true});
  BeastHttpClient client(options);
  HttpRequest request = Get(a.url() + "/start");
  request.headers = {
      {"Authorization", "Bearer caller-token"}, {"Cookie", "session=1"}, {"Accept", "text/plain"}};
  Result<HttpResponse> r = client.Send(request);
  REQUIRE(r.ok());
  CHECK(r->body == "landed");

  REQUIRE(a.requests().size() == 1);
  CHECK(a.requests()[0].Header("x-api-key") == kToken);
  CHECK(a.requests()[0].Header("authorization") == "Bearer caller-token");
  CHECK_FALSE(a.requests()[0].Header("x-b-key").has_value());

  REQUIRE(b.requests().size() == 1);
  const auto landed = b.requests()[0];
  CHECK_FALSE(landed.Header("authorization").has_value());
  CHECK_FALSE(landed.Header("cookie").has_value());
  CHECK_FALSE(landed.Header("x-api-key").has_value());
  CHECK(landed.Header("x-b-key") == "b-secret");
  CHECK(landed.Header("accept") == "text/plain");
}

TEST_CASE("a redirect within the same origin keeps the caller's Authorization header") {
  FakeHttpServer server;
  server.On("GET", "/old", {FakeResponse::Status(301).WithHeader("Location", "/new")});
  server.On("GET", "/new", {FakeResponse::Text(200, "new")});
  BeastHttpClient client(TestOptions());
  HttpRequest request = Get(server.url() + "/old");
  request.headers = {{"Authorization", "Bearer caller-token"}};
  REQUIRE(client.Send(request).ok());
  REQUIRE(server.requests().size() == 2);
  CHECK(server.requests()[1].Header("authorization") == "Bearer caller-token");
}

TEST_CASE("Stream delivers chunks as they arrive, before the server sends the next") {
  FakeHttpServer server;
  // The second event comes only after a long pause; the reader stops at the first, so the call
  // can only end quickly if the first event was delivered while the server was still pausing.
  server.On("POST", "/events",
            {FakeResponse::Sse({{"data: one\n\n", milliseconds(0)},
                                {"data: two\n\n", std::chrono::seconds(20)}})});
  BeastHttpClient client(TestOptions());
  HttpRequest request;
  request.method = "POST";
  request.url = server.url() + "/events";
  request.timeouts.idle = std::chrono::seconds(30);
  request.timeouts.total = std::chrono::seconds(30);
  std::vector<std::string> chunks;
  auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> r = client.Stream(request, [&](std::string_view chunk) {
    chunks.emplace_back(chunk);
    return false;
  });
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kCancelled);
  CHECK(r.message() ==
        "the reader stopped reading " + server.url() + "/events after 11 bytes of the body");
  CHECK(chunks == std::vector<std::string>{"data: one\n\n"});
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("Stream hands over every piece in order and leaves the response body empty") {
  FakeHttpServer server;
  server.On("GET", "/events",
            {FakeResponse::Sse({{"data: 1\n\n", milliseconds(0)},
                                {"data: 2\n\n", milliseconds(30)},
                                {"data: 3\n\n", milliseconds(30)}})});
  BeastHttpClient client(TestOptions());
  std::string all;
  int calls = 0;
  Result<HttpResponse> r = client.Stream(Get(server.url() + "/events"), [&](std::string_view c) {
    all += c;
    ++calls;
    return true;
  });
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->Header("content-type") == "text/event-stream");
  CHECK(r->body.empty());
  CHECK(all == "data: 1\n\ndata: 2\n\ndata: 3\n\n");
  CHECK(calls >= 3);
}

TEST_CASE("an exception thrown by the body callback propagates out of Stream") {
  FakeHttpServer server;
  server.On("GET", "/events", {FakeResponse::Sse({{"data: x\n\n", milliseconds(0)}})});
  BeastHttpClient client(TestOptions());
  CHECK_THROWS_WITH(client.Stream(Get(server.url() + "/events"),
                                  [](std::string_view) -> bool { throw Error("parser broke"); }),
                    "parser broke");
}

TEST_CASE("Stream collects an error status's body instead of streaming it") {
  FakeHttpServer server;
  server.On("POST", "/v1/messages", {FakeResponse::Json(400, R"({"error":{"message":"bad"}})")});
  BeastHttpClient client(TestOptions());
  HttpRequest request;
  request.method = "POST";
  request.url = server.url() + "/v1/messages";
  bool called = false;
  Result<HttpResponse> r = client.Stream(request, [&](std::string_view) {
    called = true;
    return true;
  });
  REQUIRE(r.ok());
  CHECK(r->status == 400);
  CHECK(r->body == R"({"error":{"message":"bad"}})");
  CHECK_FALSE(called);
}

TEST_CASE(
    "a 429 with retry-after: 2 from a real server waits 2 s on the fake clock, then succeeds") {
  FakeHttpServer server;
  server.On("GET", "/limited",
            {FakeResponse::Json(429, "{}").WithHeader("retry-after", "2"),
             FakeResponse::Json(200, R"({"ok":1})")});
  BeastHttpClient beast(TestOptions());
  FakeClock clock;
  RetryingHttpClient client(beast, clock, RetryPolicy{}, std::mt19937(9));
  Result<HttpResponse> r = client.Send(Get(server.url() + "/limited"));
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(clock.sleeps() == std::vector<milliseconds>{milliseconds(2000)});
  CHECK(server.request_count() == 2);
}

TEST_CASE("a credential never appears in an error message") {
  FakeHttpServer server;
  server.On("GET", "/reset",
            {FakeResponse::Text(200, std::string(40, 'r')).WithFault(Fault::ResetMidBody(3))});
  server.On("GET", "/denied", {FakeResponse::Json(401, R"({"error":"bad key"})")});
  HttpClientOptions options = TestOptions();
  options.credentials.Add({"127.0.0.1", 0, {{"x-api-key", kToken}}, "TEST_API_KEY", true});
  BeastHttpClient client(options);

  Result<HttpResponse> reset = client.Send(Get(server.url() + "/reset"));
  REQUIRE_FALSE(reset.ok());
  CHECK(reset.message().find(kToken) == std::string::npos);

  Result<HttpResponse> denied =
      RequireSuccess(client.Send(Get(server.url() + "/denied")),
                     options.credentials.HintFor(*ParseUrl(server.url())));
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.message() == "127.0.0.1 refused the credential (HTTP 401): check TEST_API_KEY");

  HttpRequest injected = Get(server.url() + "/denied");
  injected.headers = {{"Authorization", std::string("Bearer ") + kToken + "\r\nX-Evil: 1"}};
  Result<HttpResponse> bad = client.Send(injected);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.code() == ErrorCode::kInvalidArgument);
  CHECK(bad.message() ==
        "the request header \"Authorization\" has an invalid name or a line "
        "break in its value");
  CHECK(server.request_count() == 2);
}

TEST_CASE("concurrent Send calls from several threads each get their own answer") {
  FakeHttpServer server;
  server.OnPrefix("GET", "/n/", [](const intern::testing::RecordedRequest& req) {
    return FakeResponse::Text(200, req.path.substr(3));
  });
  BeastHttpClient client(TestOptions());
  std::vector<std::string> got(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      Result<HttpResponse> r = client.Send(Get(server.url() + "/n/" + std::to_string(i)));
      got[i] = r ? r->body : r.message();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) CHECK(got[i] == std::to_string(i));
}

}  // namespace
}  // namespace intern::tools
