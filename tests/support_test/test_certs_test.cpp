#include "tests/support/test_certs.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/fake_http_server.h"
#include "tests/support/raw_client.h"

namespace intern::testing {
namespace {

TEST_CASE("generated certificates are PEM files in a directory removed with the object") {
  std::filesystem::path dir;
  {
    TestCertificates certs = TestCertificates::Generate();
    dir = certs.dir();
    CHECK(certs.ca().cert_pem.rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
    CHECK(certs.leaf().key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
    CHECK(std::filesystem::file_size(certs.wrong_leaf().cert_path) ==
          certs.wrong_leaf().cert_pem.size());
    CHECK(certs.leaf().key_path.parent_path() == dir);
  }
  CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("a TLS fake server handshakes with a client trusting the test CA, by name and by IP") {
  const TestCertificates& certs = SharedTestCertificates();
  FakeHttpServer server(certs.leaf().tls());
  server.On("GET", "/secure", {FakeResponse::Text(200, "over tls")});
  CHECK(server.url() == "https://127.0.0.1:" + std::to_string(server.port()));
  for (const char* host : {"localhost", "127.0.0.1"}) {
    RawClient client;
    REQUIRE(client.ConnectTls(server.port(), certs.ca().cert_pem, host) == "");
    REQUIRE(client.Write(RawRequest("GET", "/secure")) == "");
    RawResponse response = client.ReadResponse();
    CHECK(response.error == "");
    CHECK(response.status == 200);
    CHECK(response.body == "over tls");
  }
  CHECK(server.request_count() == 2);
}

TEST_CASE("a TLS fake server with the wrong-name leaf fails the client's host-name check") {
  const TestCertificates& certs = SharedTestCertificates();
  FakeHttpServer server(certs.wrong_leaf().tls());
  RawClient by_name;
  CHECK(by_name.ConnectTls(server.port(), certs.ca().cert_pem, "localhost") ==
        "hostname mismatch");
  RawClient by_ip;
  CHECK(by_ip.ConnectTls(server.port(), certs.ca().cert_pem, "127.0.0.1") ==
        "IP address mismatch");
  CHECK(server.request_count() == 0);
}

TEST_CASE("a TLS client that does not trust the test CA fails verification") {
  const TestCertificates& certs = SharedTestCertificates();
  TestCertificates other = TestCertificates::Generate();
  FakeHttpServer server(certs.leaf().tls());
  RawClient client;
  CHECK(client.ConnectTls(server.port(), other.ca().cert_pem, "localhost") ==
        "unable to get local issuer certificate");
}

TEST_CASE("TLS faults: a reset mid-body cuts the stream after N bytes") {
  const TestCertificates& certs = SharedTestCertificates();
  FakeHttpServer server(certs.leaf().tls());
  server.On("GET", "/r", {FakeResponse::Text(200, "0123456789").WithFault(Fault::ResetMidBody(4))});
  RawClient client;
  REQUIRE(client.ConnectTls(server.port(), certs.ca().cert_pem, "localhost") == "");
  REQUIRE(client.Write(RawRequest("GET", "/r")) == "");
  RawResponse response = client.ReadResponse();
  CHECK(response.status == 200);
  CHECK(response.body == "0123");
  CHECK(response.error == "reset");
}

TEST_CASE("a TLS server that closes after a response sends close_notify") {
  const TestCertificates& certs = SharedTestCertificates();
  FakeHttpServer server(certs.leaf().tls());
  server.On("GET", "/bye", {FakeResponse::Text(200, "bye").CloseAfter()});
  RawClient client;
  REQUIRE(client.ConnectTls(server.port(), certs.ca().cert_pem, "localhost") == "");
  REQUIRE(client.Write(RawRequest("GET", "/bye")) == "");
  RawRead read = client.ReadToEnd();
  CHECK(read.data.substr(read.data.size() - 3) == "bye");
  CHECK(read.error == "eof");
}

TEST_CASE("a TLS fake server rejects a key that is not PEM with a sentence naming the problem") {
  CHECK_THROWS_WITH(FakeHttpServer(TlsOptions{"not a cert", "not a key"}),
                    Catch::StartsWith("loading the fake server's TLS certificate: "));
}

}  // namespace
}  // namespace intern::testing
