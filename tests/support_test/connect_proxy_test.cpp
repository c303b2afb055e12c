#include "tests/support/connect_proxy.h"

#include <catch2/catch.hpp>

#include "tests/support/fake_http_server.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_certs.h"

namespace intern::testing {
namespace {

std::string ConnectRequest(const std::string& authority) {
  return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority +
         "\r\nProxy-Authorization: Basic dTpw\r\n\r\n";
}

TEST_CASE("the proxy tunnels CONNECT to a loopback TLS server and records the target") {
  const TestCertificates& certs = SharedTestCertificates();
  FakeHttpServer server(certs.leaf().tls());
  server.On("GET", "/v1/models", {FakeResponse::Json(200, R"({"data":[]})")});
  ConnectProxy proxy;
  const std::string authority = "127.0.0.1:" + std::to_string(server.port());

  RawClient client;
  REQUIRE(client.Connect(proxy.port()) == "");
  REQUIRE(client.Write(ConnectRequest(authority)) == "");
  CHECK(client.ReadUntil("\r\n\r\n").data == "HTTP/1.1 200 Connection Established\r\n\r\n");
  REQUIRE(client.StartTls(certs.ca().cert_pem, "localhost") == "");
  REQUIRE(client.Write(RawRequest("GET", "/v1/models")) == "");
  RawResponse response = client.ReadResponse();
  CHECK(response.status == 200);
  CHECK(response.body == R"({"data":[]})");

  CHECK(proxy.connect_targets() == std::vector<std::string>{authority});
  std::vector<ProxiedRequest> requests = proxy.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].status == 200);
  CHECK(FindHeader(requests[0].headers, "proxy-authorization") == "Basic dTpw");
  CHECK(server.request_count() == 1);
}

TEST_CASE("the proxy sends a mapped host name to its loopback port") {
  FakeHttpServer server;
  server.On("GET", "/x", {FakeResponse::Text(200, "mapped")});
  ConnectProxy proxy;
  proxy.MapHost("api.example.com:443", server.port());
  RawClient client;
  REQUIRE(client.Connect(proxy.port()) == "");
  REQUIRE(client.Write(ConnectRequest("api.example.com:443")) == "");
  REQUIRE(client.ReadUntil("\r\n\r\n").data == "HTTP/1.1 200 Connection Established\r\n\r\n");
  REQUIRE(client.Write(RawRequest("GET", "/x")) == "");
  CHECK(client.ReadResponse().body == "mapped");
  CHECK(proxy.connect_targets() == std::vector<std::string>{"api.example.com:443"});
}

TEST_CASE("the proxy forwards an absolute-form GET in origin form and records it") {
  FakeHttpServer server;
  server.On("GET", "/page", {FakeResponse::Text(200, "via proxy")});
  ConnectProxy proxy;
  const std::string absolute = server.url() + "/page?q=1";
  RawClient client;
  REQUIRE(client.Connect(proxy.port()) == "");
  REQUIRE(client.Write("GET " + absolute +
                       " HTTP/1.1\r\nHost: 127.0.0.1\r\nProxy-Connection: keep-alive\r\n\r\n") ==
          "");
  RawResponse response = client.ReadResponse();
  CHECK(response.status == 200);
  CHECK(response.body == "via proxy");
  CHECK(client.ReadToEnd().error == "eof");

  REQUIRE(server.WaitForRequests(1, std::chrono::milliseconds(2000)));
  RecordedRequest upstream = server.requests()[0];
  CHECK(upstream.target == "/page?q=1");
  CHECK(upstream.Header("connection") == "close");
  CHECK(upstream.Header("proxy-connection") == std::nullopt);
  std::vector<ProxiedRequest> requests = proxy.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].target == absolute);
  CHECK(proxy.connect_targets().empty());
}

TEST_CASE("the proxy refuses a target that is not loopback with 403 and records it") {
  ConnectProxy proxy;
  RawClient client;
  REQUIRE(client.Connect(proxy.port()) == "");
  REQUIRE(client.Write(ConnectRequest("example.com:443")) == "");
  RawRead read = client.ReadToEnd();
  CHECK(read.data == "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  REQUIRE(proxy.requests().size() == 1);
  CHECK(proxy.requests()[0].status == 403);
  CHECK(proxy.connect_targets() == std::vector<std::string>{"example.com:443"});
}

TEST_CASE("a proxy told to refuse CONNECT answers with that status") {
  ConnectProxy proxy;
  proxy.RefuseConnectWith(407);
  RawClient client;
  REQUIRE(client.Connect(proxy.port()) == "");
  REQUIRE(client.Write(ConnectRequest("127.0.0.1:1")) == "");
  RawResponse response = client.ReadResponse();
  CHECK(response.status == 407);
  CHECK(response.head.rfind("HTTP/1.1 407 ", 0) == 0);
}

TEST_CASE("the proxy answers 502 when the loopback target refuses the connection") {
  std::uint16_t closed_port;
  {
    FakeHttpServer gone;
    closed_port = gone.port();
  }
  ConnectProxy proxy;
  RawClient client;
  REQUIRE(client.Connect(proxy.port()) == "");
  REQUIRE(client.Write(ConnectRequest("127.0.0.1:" + std::to_string(closed_port))) == "");
  CHECK(client.ReadResponse().status == 502);
}

}  // namespace
}  // namespace intern::testing
