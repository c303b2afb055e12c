// BeastHttpClient through the loopback CONNECT proxy.
#include <catch2/catch.hpp>

#include "tests/support/connect_proxy.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/test_certs.h"
#include "tools/http/beast_http_client.h"

namespace intern::tools {
namespace {

using intern::testing::ConnectProxy;
using intern::testing::FakeHttpServer;
using intern::testing::FakeResponse;
using intern::testing::SharedTestCertificates;
using std::chrono::milliseconds;

constexpr const char* kToken = "sk-SECRET-7f3a9c-do-not-leak";

HttpClientOptions ProxiedOptions(const std::map<std::string, std::string>& env) {
  HttpClientOptions options;
  options.use_system_cas = false;
  options.ca_pem = SharedTestCertificates().ca().cert_pem;
  Result<ProxyConfig> proxy = ProxyConfig::FromEnv(env);
  REQUIRE(proxy.ok());
  options.proxy = *proxy;
  options.default_timeouts = {milliseconds(2000), milliseconds(2000), milliseconds(2000),
                              milliseconds(5000)};
  return options;
}

HttpRequest Get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

TEST_CASE("an https request through the loopback CONNECT proxy succeeds") {
  FakeHttpServer server(SharedTestCertificates().leaf().tls());
  server.On("GET", "/v1/models", {FakeResponse::Json(200, R"({"data":[]})")});
  ConnectProxy proxy;
  HttpClientOptions options = ProxiedOptions({{"HTTPS_PROXY", proxy.url()}});
  std::string target = "localhost:" + std::to_string(server.port());
  options.credentials.Add({"localhost", server.port(), {{"x-api-key", kToken}}, "KEY"});
  BeastHttpClient client(options);
  Result<HttpResponse> r = client.Send(Get("https://" + target + "/v1/models"));
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == R"({"data":[]})");
  CHECK(proxy.connect_targets() == std::vector<std::string>{target});
  // The proxy only sees the CONNECT line: the credential travels inside the tunnel.
  std::vector<intern::testing::ProxiedRequest> seen = proxy.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "CONNECT");
  CHECK(seen[0].status == 200);
  CHECK_FALSE(intern::testing::FindHeader(seen[0].headers, "x-api-key").has_value());
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].Header("x-api-key") == kToken);
}

TEST_CASE("plain http is tunnelled too, to a name only the proxy can resolve") {
  FakeHttpServer server;
  server.On("GET", "/x", {FakeResponse::Text(200, "via proxy")});
  ConnectProxy proxy;
  proxy.MapHost("api.example.invalid:80", server.port());
  BeastHttpClient client(ProxiedOptions({{"http_proxy", proxy.url()}}));
  Result<HttpResponse> r = client.Send(Get("http://api.example.invalid/x"));
  REQUIRE(r.ok());
  CHECK(r->body == "via proxy");
  CHECK(proxy.connect_targets() == std::vector<std::string>{"api.example.invalid:80"});
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].Header("host") == "api.example.invalid");
}

TEST_CASE("NO_PROXY bypasses the proxy") {
  FakeHttpServer server(SharedTestCertificates().leaf().tls());
  server.On("GET", "/", {FakeResponse::Text(200, "direct")});
  ConnectProxy proxy;
  BeastHttpClient client(
      ProxiedOptions({{"HTTPS_PROXY", proxy.url()}, {"NO_PROXY", "example.com,localhost"}}));
  Result<HttpResponse> r = client.Send(Get("https://localhost:" + std::to_string(server.port())));
  REQUIRE(r.ok());
  CHECK(r->body == "direct");
  CHECK(proxy.requests().empty());
  CHECK(proxy.accepted_connections() == 0);
}

TEST_CASE("a proxy that refuses the tunnel is reported with its status") {
  FakeHttpServer server(SharedTestCertificates().leaf().tls());
  ConnectProxy proxy;
  proxy.RefuseConnectWith(407);
  BeastHttpClient client(ProxiedOptions({{"HTTPS_PROXY", proxy.url()}}));
  std::string target = "localhost:" + std::to_string(server.port());
  Result<HttpResponse> r = client.Send(Get("https://" + target + "/"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kConnection);
  CHECK(r.message() == "the proxy 127.0.0.1:" + std::to_string(proxy.port()) +
                           " refused to open a tunnel to " + target +
                           " (HTTP 407): give the proxy's user and password in the proxy URL "
                           "(http://user:password@host:port)");
  proxy.RefuseConnectWith(502);
  CHECK(client.Send(Get("https://" + target + "/")).message() ==
        "the proxy 127.0.0.1:" + std::to_string(proxy.port()) + " refused to open a tunnel to " +
            target + " (HTTP 502)");
}

TEST_CASE("proxy credentials in the proxy URL are sent as Proxy-Authorization to the proxy only") {
  FakeHttpServer server(SharedTestCertificates().leaf().tls());
  server.On("GET", "/", {FakeResponse::Text(200, "ok")});
  ConnectProxy proxy;
  std::string proxy_url = "http://user:pass@127.0.0.1:" + std::to_string(proxy.port());
  BeastHttpClient client(ProxiedOptions({{"HTTPS_PROXY", proxy_url}}));
  REQUIRE(client.Send(Get("https://localhost:" + std::to_string(server.port()))).ok());
  std::vector<intern::testing::ProxiedRequest> seen = proxy.requests();
  REQUIRE(seen.size() == 1);
  CHECK(intern::testing::FindHeader(seen[0].headers, "proxy-authorization") ==
        "Basic dXNlcjpwYXNz");
  REQUIRE(server.requests().size() == 1);
  CHECK_FALSE(server.requests()[0].Header("proxy-authorization").has_value());
}

}  // namespace
}  // namespace intern::tools
