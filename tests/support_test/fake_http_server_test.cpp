#include "tests/support/fake_http_server.h"

#include <catch2/catch.hpp>

#include "tests/support/raw_client.h"

namespace intern::testing {
namespace {

using std::chrono::milliseconds;

TEST_CASE("the fake server answers a route's script in order and then repeats the last answer") {
  FakeHttpServer server;
  server.On("GET", "/v1/models",
            {FakeResponse::Status(429, "slow down").WithHeader("retry-after", "2"),
             FakeResponse::Status(503, "busy"), FakeResponse::Json(200, R"({"ok":true})")});
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  std::vector<int> statuses;
  std::vector<std::string> bodies;
  for (int i = 0; i < 4; ++i) {
    REQUIRE(client.Write(RawRequest("GET", "/v1/models")) == "");
    RawResponse response = client.ReadResponse();
    REQUIRE(response.error == "");
    statuses.push_back(response.status);
    bodies.push_back(response.body);
  }
  CHECK(statuses == std::vector<int>{429, 503, 200, 200});
  CHECK(bodies == std::vector<std::string>{"slow down", "busy", R"({"ok":true})",
                                           R"({"ok":true})"});
  // A keep-alive client reused one connection for all four.
  CHECK(server.accepted_connections() == 1);
}

TEST_CASE("the fake server writes exactly the serialized response bytes") {
  FakeHttpServer server;
  FakeResponse response = FakeResponse::Status(429, "wait").WithHeader("retry-after", "3");
  server.On("GET", "/x", {response});
  CHECK(SerializeResponse(response) ==
        "HTTP/1.1 429 Too Many Requests\r\nretry-after: 3\r\nContent-Length: 4\r\n\r\nwait");
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("GET", "/x", "Connection: close\r\n")) == "");
  RawRead read = client.ReadToEnd();
  CHECK(read.data == SerializeResponse(response));
  CHECK(read.error == "eof");
}

TEST_CASE("the fake server records method, target, headers and body of every request") {
  FakeHttpServer server;
  server.On("POST", "/v1/messages", {FakeResponse::Json(200, "{}")});
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("POST", "/v1/messages?beta=1", "X-Api-Key: k1\r\n",
                                  R"({"model":"m"})")) == "");
  REQUIRE(client.ReadResponse().status == 200);
  REQUIRE(server.WaitForRequests(1, milliseconds(2000)));
  std::vector<RecordedRequest> requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/v1/messages?beta=1");
  CHECK(requests[0].path == "/v1/messages");
  CHECK(requests[0].Header("x-api-key") == "k1");
  CHECK(requests[0].body == R"({"model":"m"})");
  CHECK(requests[0].connection == 0);
}

TEST_CASE("the fake server answers an unrouted request 404 naming it, and records it") {
  FakeHttpServer server;
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("DELETE", "/nope?a=1")) == "");
  RawResponse response = client.ReadResponse();
  CHECK(response.status == 404);
  CHECK(response.body == "no route for DELETE /nope?a=1");
  CHECK(server.request_count() == 1);
}

TEST_CASE("a handler route sees the recorded request and prefix routes match target starts") {
  FakeHttpServer server;
  server.OnPrefix("*", "/echo/", [](const RecordedRequest& r) {
    return FakeResponse::Text(200, r.method + " " + r.target + " " + r.body);
  });
  server.On("GET", "/search?q=exact", {FakeResponse::Text(200, "exact")});
  server.On("GET", "/search", {FakeResponse::Text(200, "any query")});
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("PUT", "/echo/a?b", "", "xyz")) == "");
  CHECK(client.ReadResponse().body == "PUT /echo/a?b xyz");
  REQUIRE(client.Write(RawRequest("GET", "/search?q=exact")) == "");
  CHECK(client.ReadResponse().body == "exact");
  REQUIRE(client.Write(RawRequest("GET", "/search?q=other")) == "");
  CHECK(client.ReadResponse().body == "any query");
}

TEST_CASE("a chunked response uses the scripted chunk sizes and ends with the 0-chunk") {
  FakeHttpServer server;
  server.On("GET", "/c", {FakeResponse::Text(200, "abcdefghij").Chunked({3, 4}).CloseAfter()});
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("GET", "/c")) == "");
  RawRead read = client.ReadToEnd();
  CHECK(read.error == "eof");
  const std::string head_end = "\r\n\r\n";
  std::string body = read.data.substr(read.data.find(head_end) + head_end.size());
  CHECK(body == "3\r\nabc\r\n4\r\ndefg\r\n3\r\nhij\r\n0\r\n\r\n");
  CHECK(read.data.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
  CHECK(read.data.find("Connection: close\r\n") != std::string::npos);
}

TEST_CASE("reset mid-body delivers the head and exactly N body bytes, then a reset") {
  FakeHttpServer server;
  FakeResponse response =
      FakeResponse::Text(200, "0123456789").WithFault(Fault::ResetMidBody(4));
  server.On("GET", "/r", {response});
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("GET", "/r")) == "");
  RawRead read = client.ReadToEnd();
  const std::string full = SerializeResponse(response);
  CHECK(read.data == full.substr(0, full.size() - 6));
  CHECK(read.error == "reset");
}

TEST_CASE("reset before headers sends nothing and resets") {
  FakeHttpServer server;
  server.On("GET", "/r", {FakeResponse::Text(200, "x").WithFault(Fault::ResetBeforeHeaders())});
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("GET", "/r")) == "");
  RawRead read = client.ReadToEnd();
  CHECK(read.data == "");
  CHECK(read.error == "reset");
}

TEST_CASE("close without response ends the connection cleanly with no bytes") {
  FakeHttpServer server;
  server.On("GET", "/c", {FakeResponse::Text(200, "x").WithFault(Fault::CloseWithoutResponse())});
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("GET", "/c")) == "");
  RawRead read = client.ReadToEnd();
  CHECK(read.data == "");
  CHECK(read.error == "eof");
  CHECK(server.request_count() == 1);
}

TEST_CASE("truncate chunked closes inside the body without the terminating chunk") {
  FakeHttpServer server;
  server.On("GET", "/all", {FakeResponse::Text(200, "abcdef").WithFault(Fault::TruncateChunked())});
  server.On("GET", "/part",
            {FakeResponse::Text(200, "abcdef").WithFault(Fault::TruncateChunked(2))});
  for (auto [target, body] : {std::pair{"/all", "6\r\nabcdef\r\n"}, std::pair{"/part", "2\r\nab\r\n"}}) {
    RawClient client;
    REQUIRE(client.Connect(server.port()) == "");
    REQUIRE(client.Write(RawRequest("GET", target)) == "");
    RawRead read = client.ReadToEnd();
    CHECK(read.error == "eof");
    CHECK(read.data.substr(read.data.find("\r\n\r\n") + 4) == body);
    CHECK(read.data.find("0\r\n\r\n") == std::string::npos);
  }
}

TEST_CASE("stall before headers sends nothing until the stall ends") {
  FakeHttpServer server;
  server.On("GET", "/s",
            {FakeResponse::Text(200, "late").WithFault(Fault::StallBeforeHeaders(milliseconds(300)))});
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("GET", "/s")) == "");
  RawRead early = client.ReadExactly(1, milliseconds(100));
  CHECK(early.error == "timeout");
  CHECK(early.data == "");
  RawResponse response = client.ReadResponse(milliseconds(2000));
  CHECK(response.status == 200);
  CHECK(response.body == "late");
}

TEST_CASE("stall after headers and mid-body hold the rest of the body back") {
  FakeHttpServer server;
  server.On("GET", "/after",
            {FakeResponse::Text(200, "body").WithFault(Fault::StallAfterHeaders())});
  server.On("GET", "/mid", {FakeResponse::Text(200, "0123456789").WithFault(Fault::StallMidBody(3))});
  RawClient after;
  REQUIRE(after.Connect(server.port()) == "");
  REQUIRE(after.Write(RawRequest("GET", "/after")) == "");
  RawRead head = after.ReadUntil("\r\n\r\n");
  CHECK(head.error == "");
  CHECK(after.ReadExactly(1, milliseconds(100)).error == "timeout");

  RawClient mid;
  REQUIRE(mid.Connect(server.port()) == "");
  REQUIRE(mid.Write(RawRequest("GET", "/mid")) == "");
  REQUIRE(mid.ReadUntil("\r\n\r\n").error == "");
  RawRead body = mid.ReadExactly(4, milliseconds(150));
  CHECK(body.data == "012");
  CHECK(body.error == "timeout");
}

TEST_CASE("stopping the server ends stalls and closes connections at once") {
  auto server = std::make_unique<FakeHttpServer>();
  server->On("GET", "/s", {FakeResponse::Text(200, "x").WithFault(Fault::StallBeforeHeaders())});
  RawClient client;
  REQUIRE(client.Connect(server->port()) == "");
  REQUIRE(client.Write(RawRequest("GET", "/s")) == "");
  REQUIRE(server->WaitForRequests(1, milliseconds(2000)));
  const auto started = std::chrono::steady_clock::now();
  server.reset();
  CHECK(std::chrono::steady_clock::now() - started < milliseconds(1000));
  RawRead read = client.ReadToEnd(milliseconds(1000));
  CHECK(read.data == "");
  CHECK(read.error != "timeout");
}

TEST_CASE("drip writes the whole response a few bytes at a time") {
  FakeHttpServer server;
  FakeResponse response =
      FakeResponse::Text(200, "dripping").CloseAfter().WithFault(Fault::Drip(5, milliseconds(2)));
  server.On("GET", "/d", {response});
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("GET", "/d")) == "");
  RawRead read = client.ReadToEnd();
  CHECK(read.data == SerializeResponse(response));
  CHECK(read.error == "eof");
}

TEST_CASE("an SSE response writes its pieces as chunks with the delays between them") {
  FakeHttpServer server;
  server.On("POST", "/v1/chat/completions",
            {FakeResponse::Sse({{"data: {\"a\":1}\n\n", milliseconds(0)},
                                {"data: [DONE]\n\n", milliseconds(200)}})});
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("POST", "/v1/chat/completions", "", "{}")) == "");
  RawRead head = client.ReadUntil("\r\n\r\n");
  CHECK(head.data.find("Content-Type: text/event-stream\r\n") != std::string::npos);
  const std::string first_chunk = "f\r\ndata: {\"a\":1}\n\n\r\n";
  CHECK(client.ReadExactly(first_chunk.size()).data == first_chunk);
  CHECK(client.ReadExactly(1, milliseconds(50)).error == "timeout");
  CHECK(client.ReadUntil("0\r\n\r\n").data == "e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n");
}

TEST_CASE("a truncated SSE response sends its events, then closes without the 0-chunk") {
  FakeHttpServer server;
  server.On("POST", "/v1/messages",
            {FakeResponse::Sse({{SseFrame("message_start", "{}")}, {SseFrame("ping", "{}")}})
                 .WithFault(Fault::TruncateChunked())});
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("POST", "/v1/messages", "", "{}")) == "");
  RawResponse response = client.ReadResponse();
  CHECK(response.chunked);
  CHECK(response.body == "event: message_start\ndata: {}\n\nevent: ping\ndata: {}\n\n");
  CHECK(response.error == "eof");
}

TEST_CASE("SseFrame writes an event line and one data line per line of data") {
  CHECK(SseFrame("message_start", R"({"a":1})") == "event: message_start\ndata: {\"a\":1}\n\n");
  CHECK(SseFrame("", "[DONE]") == "data: [DONE]\n\n");
  CHECK(SseFrame("", "one\ntwo") == "data: one\ndata: two\n\n");
}

TEST_CASE("a handler that throws is answered 500 with the exception's message") {
  FakeHttpServer server;
  server.On("GET", "/boom", [](const RecordedRequest&) -> FakeResponse {
    throw std::runtime_error("scripted failure");
  });
  RawClient client;
  REQUIRE(client.Connect(server.port()) == "");
  REQUIRE(client.Write(RawRequest("GET", "/boom")) == "");
  RawResponse response = client.ReadResponse();
  CHECK(response.status == 500);
  CHECK(response.body == "handler threw: scripted failure");
}

TEST_CASE("the fake server counts each new connection and tags requests with it") {
  FakeHttpServer server;
  server.On("GET", "/n", {FakeResponse::Text(200, "n")});
  for (int i = 0; i < 3; ++i) {
    RawClient client;
    REQUIRE(client.Connect(server.port()) == "");
    REQUIRE(client.Write(RawRequest("GET", "/n", "Connection: close\r\n")) == "");
    REQUIRE(client.ReadResponse().status == 200);
  }
  CHECK(server.accepted_connections() == 3);
  std::vector<RecordedRequest> requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[2].connection == 2);
  CHECK(requests[0].received_at <= requests[2].received_at);
}

}  // namespace
}  // namespace intern::testing
