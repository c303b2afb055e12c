// BeastHttpClient over TLS against the loopback FakeHttpServer with test-time certificates.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>

#include "config/error.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/test_certs.h"
#include "tools/http/beast_http_client.h"

namespace intern::tools {
namespace {

using intern::testing::FakeHttpServer;
using intern::testing::FakeResponse;
using intern::testing::SharedTestCertificates;
using std::chrono::milliseconds;

HttpClientOptions TlsOptions(bool trust_test_ca) {
  HttpClientOptions options;
  options.use_system_cas = true;  // the test CA is not among them
  if (trust_test_ca) options.ca_pem = SharedTestCertificates().ca().cert_pem;
  options.default_timeouts = {milliseconds(2000), milliseconds(2000), milliseconds(2000),
                              milliseconds(5000)};
  return options;
}

HttpRequest Get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

TEST_CASE("the test CA is accepted only when configured") {
  FakeHttpServer server(SharedTestCertificates().leaf().tls());
  server.On("GET", "/hello", {FakeResponse::Text(200, "hello over tls")});
  std::string port = std::to_string(server.port());

  BeastHttpClient untrusting(TlsOptions(false));
  Result<HttpResponse> refused = untrusting.Send(Get("https://127.0.0.1:" + port + "/hello"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == ErrorCode::kConnection);
  CHECK(refused.message() == "the TLS certificate of 127.0.0.1:" + port +
                                 " was rejected: unable to get local issuer certificate");
  CHECK(server.request_count() == 0);

  BeastHttpClient trusting(TlsOptions(true));
  for (const char* host : {"127.0.0.1", "localhost"}) {
    INFO(host);
    Result<HttpResponse> r =
        trusting.Send(Get(std::string("https://") + host + ":" + port + "/hello"));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->body == "hello over tls");
  }
}

TEST_CASE("an extra CA can come from a PEM file instead of memory") {
  FakeHttpServer server(SharedTestCertificates().leaf().tls());
  server.On("GET", "/", {FakeResponse::Text(200, "ok")});
  HttpClientOptions options = TlsOptions(false);
  options.use_system_cas = false;
  options.ca_file = SharedTestCertificates().ca().cert_path.string();
  BeastHttpClient client(options);
  Result<HttpResponse> r = client.Send(Get("https://localhost:" + std::to_string(server.port())));
  REQUIRE(r.ok());
  CHECK(r->body == "ok");
}

TEST_CASE("a CA file that cannot be read is refused when the client is built") {
  HttpClientOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_AS(BeastHttpClient(options), Error);
  try {
    BeastHttpClient client(options);
  } catch (const Error& e) {
    std::string message = e.what();
    CHECK(message.rfind("loading the CA file /nonexistent/ca.pem: ", 0) == 0);
    CHECK(message.find("check that it exists and holds PEM certificates") != std::string::npos);
  }
}

TEST_CASE("a certificate for the wrong host name is refused") {
  FakeHttpServer server(SharedTestCertificates().wrong_leaf().tls());
  server.On("GET", "/", {FakeResponse::Text(200, "should not be read")});
  std::string port = std::to_string(server.port());
  BeastHttpClient client(TlsOptions(true));

  Result<HttpResponse> by_name = client.Send(Get("https://localhost:" + port + "/"));
  REQUIRE_FALSE(by_name.ok());
  CHECK(by_name.code() == ErrorCode::kConnection);
  CHECK(by_name.message() ==
        "the TLS certificate of localhost:" + port + " was rejected: hostname mismatch");

  Result<HttpResponse> by_address = client.Send(Get("https://127.0.0.1:" + port + "/"));
  REQUIRE_FALSE(by_address.ok());
  CHECK(by_address.message() ==
        "the TLS certificate of 127.0.0.1:" + port + " was rejected: IP address mismatch");
  CHECK(server.request_count() == 0);
}

TEST_CASE("a TLS server that stalls before answering trips the first-byte deadline") {
  FakeHttpServer server(SharedTestCertificates().leaf().tls());
  server.On(
      "GET", "/slow",
      {FakeResponse::Text(200, "late").WithFault(intern::testing::Fault::StallBeforeHeaders())});
  BeastHttpClient client(TlsOptions(true));
  HttpRequest request = Get("https://localhost:" + std::to_string(server.port()) + "/slow");
  request.timeouts.first_byte = milliseconds(100);
  Result<HttpResponse> r = client.Send(request);
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kTimeout);
  CHECK(r.message() == "localhost:" + std::to_string(server.port()) +
                           " sent no response within the first-byte deadline (100 ms)");
}

TEST_CASE("a TLS handshake that never completes trips the connect deadline") {
  // A listening socket nobody accepts from: the kernel completes the TCP handshake, then
  // nothing ever answers the ClientHello.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  std::string port = std::to_string(silent.local_endpoint().port());
  BeastHttpClient client(TlsOptions(true));
  HttpRequest request = Get("https://127.0.0.1:" + port + "/");
  request.timeouts.connect = milliseconds(150);
  auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> r = client.Send(request);
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kTimeout);
  CHECK(r.message() ==
        "the TLS handshake with 127.0.0.1:" + port + " exceeded the connect deadline (150 ms)");
  CHECK(took >= milliseconds(150));
  CHECK(took < milliseconds(1500));
}

TEST_CASE("a reset mid-body over TLS is reported as such") {
  FakeHttpServer server(SharedTestCertificates().leaf().tls());
  server.On("GET", "/reset",
            {FakeResponse::Text(200, std::string(300, 'z'))
                 .WithFault(intern::testing::Fault::ResetMidBody(120))});
  BeastHttpClient client(TlsOptions(true));
  std::string port = std::to_string(server.port());
  Result<HttpResponse> r = client.Send(Get("https://localhost:" + port + "/reset"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kConnection);
  CHECK(r.message() == "connection reset by localhost:" + port + " after 120 bytes of the body");
}

}  // namespace
}  // namespace intern::tools
