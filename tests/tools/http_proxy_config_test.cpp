#include <catch2/catch.hpp>

#include "tools/http/proxy.h"

namespace intern::tools {
namespace {

ProxyConfig FromEnv(const std::map<std::string, std::string>& env) {
  Result<ProxyConfig> config = ProxyConfig::FromEnv(env);
  REQUIRE(config.ok());
  return *config;
}

TEST_CASE("proxy settings come from the environment, lower case winning like curl") {
  ProxyConfig config = FromEnv({{"HTTPS_PROXY", "http://upper:1"},
                                {"https_proxy", "http://lower:2"},
                                {"HTTP_PROXY", "plain:3"}});
  REQUIRE(config.https_proxy.has_value());
  CHECK(config.https_proxy->HostPort() == "lower:2");
  REQUIRE(config.http_proxy.has_value());
  CHECK(config.http_proxy->HostPort() == "plain:3");
  CHECK(config.ProxyFor(*ParseUrl("https://api.example.com/"))->HostPort() == "lower:2");
  CHECK(config.ProxyFor(*ParseUrl("http://api.example.com/"))->HostPort() == "plain:3");
  CHECK_FALSE(FromEnv({}).ProxyFor(*ParseUrl("https://x/")).has_value());
}

TEST_CASE("a malformed proxy variable is refused naming the variable") {
  Result<ProxyConfig> config = ProxyConfig::FromEnv({{"HTTPS_PROXY", "socks5://h:1"}});
  REQUIRE_FALSE(config.ok());
  CHECK(config.message() ==
        "HTTPS_PROXY is not a usable proxy URL: unsupported URL scheme \"socks5\" in socks5://h:1 "
        "(only http and https)");
}

TEST_CASE("NO_PROXY matches hosts, their subdomains, ports, addresses and *") {
  ProxyConfig config = FromEnv({{"HTTPS_PROXY", "http://p:3128"},
                                {"NO_PROXY",
                                 " example.com, .internal ,localhost:8080,10.0.0.1,"
                                 "[::1]:9000,10.0.0.0/8"}});
  CHECK(config.Bypasses("example.com", 443));
  CHECK(config.Bypasses("API.Example.com", 443));
  CHECK_FALSE(config.Bypasses("notexample.com", 443));
  CHECK(config.Bypasses("svc.internal", 1));
  CHECK(config.Bypasses("internal", 1));
  CHECK(config.Bypasses("localhost", 8080));
  CHECK_FALSE(config.Bypasses("localhost", 8081));
  CHECK(config.Bypasses("10.0.0.1", 80));
  CHECK_FALSE(config.Bypasses("110.0.0.1", 80));
  CHECK(config.Bypasses("::1", 9000));
  CHECK_FALSE(config.Bypasses("::1", 9001));
  CHECK_FALSE(config.Bypasses("10.1.2.3", 80));  // CIDR is not supported and matches nothing
  CHECK_FALSE(config.ProxyFor(*ParseUrl("https://docs.example.com/")).has_value());
  CHECK(config.ProxyFor(*ParseUrl("https://other.org/")).has_value());

  ProxyConfig all = FromEnv({{"HTTPS_PROXY", "http://p:3128"}, {"no_proxy", "*"}});
  CHECK_FALSE(all.ProxyFor(*ParseUrl("https://anything.org/")).has_value());
}

TEST_CASE("proxy credentials in the URL become a Basic Proxy-Authorization, percent-decoded") {
  CHECK(ProxyAuthorization(*ParseProxyUrl("http://user:pass@p:1")) == "Basic dXNlcjpwYXNz");
  // "p@ss:w" encoded as p%40ss%3Aw; base64 of "me:p@ss:w".
  CHECK(ProxyAuthorization(*ParseProxyUrl("http://me:p%40ss%3Aw@p:1")) == "Basic bWU6cEBzczp3");
  CHECK(ProxyAuthorization(*ParseProxyUrl("http://solo@p:1")) == "Basic c29sbzo=");
  CHECK_FALSE(ProxyAuthorization(*ParseProxyUrl("p:1")).has_value());
}

}  // namespace
}  // namespace intern::tools
