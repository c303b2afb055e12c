#include <catch2/catch.hpp>

#include "tools/http/http_client.h"
#include "tools/http/url.h"

namespace intern::tools {
namespace {

TEST_CASE("ParseUrl splits scheme, host, default or explicit port and target") {
  Result<Url> a = ParseUrl("HTTPS://API.Example.com/v1/messages?beta=true#frag");
  REQUIRE(a.ok());
  CHECK(a->scheme == "https");
  CHECK(a->host == "api.example.com");
  CHECK(a->port == 443);
  CHECK(a->target == "/v1/messages?beta=true");
  CHECK(a->Authority() == "api.example.com");
  CHECK(a->HostPort() == "api.example.com:443");
  CHECK(a->ForMessages() == "https://api.example.com/v1/messages");

  Result<Url> b = ParseUrl("http://127.0.0.1:8080");
  REQUIRE(b.ok());
  CHECK(b->port == 8080);
  CHECK(b->target == "/");
  CHECK(b->Authority() == "127.0.0.1:8080");
  CHECK(b->ToString() == "http://127.0.0.1:8080/");

  Result<Url> c = ParseUrl("http://[::1]:9000?x=1");
  REQUIRE(c.ok());
  CHECK(c->host == "::1");
  CHECK(c->target == "/?x=1");
  CHECK(c->HostPort() == "[::1]:9000");

  Result<Url> d = ParseUrl("http://user:pw@proxy.local:3128");
  REQUIRE(d.ok());
  CHECK(d->userinfo == "user:pw");
  CHECK(d->host == "proxy.local");
  CHECK(d->ToString() == "http://proxy.local:3128/");
}

TEST_CASE("ParseUrl rejects what it cannot fetch with a sentence saying why") {
  CHECK(ParseUrl("ftp://x/y").message() ==
        "unsupported URL scheme \"ftp\" in ftp://x/y (only http and https)");
  CHECK(ParseUrl("example.com/x").message() ==
        "invalid URL \"example.com/x\": it has no scheme (http:// or https://)");
  CHECK(ParseUrl("http://host:99999/").message() ==
        "invalid URL \"http://host:99999/\": the port \"99999\" is not a number from 1 to 65535");
  CHECK(ParseUrl("http:///path").message() == "invalid URL \"http:///path\": it has no host");
  CHECK(ParseUrl("http://h/a b?key=SECRET").message() ==
        "invalid URL \"http://h/a b\": the path contains whitespace or a line break");
  CHECK(ParseUrl("gopher://h/?key=SECRET").message() ==
        "unsupported URL scheme \"gopher\" in gopher://h/ (only http and https)");
  CHECK(ParseProxyUrl("127.0.0.1:3128")->ToString() == "http://127.0.0.1:3128/");
}

TEST_CASE(
    "ResolveLocation handles absolute, scheme-relative, absolute-path and relative redirects") {
  Url base = *ParseUrl("https://a.example/docs/guide/intro?x=1");
  CHECK(ResolveLocation(base, "http://b.example:81/z")->ToString() == "http://b.example:81/z");
  CHECK(ResolveLocation(base, "//c.example/q")->ToString() == "https://c.example/q");
  CHECK(ResolveLocation(base, "/root?y=2")->ToString() == "https://a.example/root?y=2");
  CHECK(ResolveLocation(base, "next")->ToString() == "https://a.example/docs/guide/next");
  CHECK(ResolveLocation(base, "../api/")->ToString() == "https://a.example/docs/api/");
  CHECK(ResolveLocation(base, "./")->ToString() == "https://a.example/docs/guide/");
  CHECK(ResolveLocation(base, "../../../..")->ToString() == "https://a.example/");
  CHECK(ResolveLocation(base, "?page=2")->ToString() ==
        "https://a.example/docs/guide/intro?page=2");
  CHECK(ResolveLocation(base, "").code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("origins differ by scheme, host or port") {
  Url a = *ParseUrl("https://a.example/x");
  CHECK(a.SameOrigin(*ParseUrl("https://A.example:443/y")));
  CHECK_FALSE(a.SameOrigin(*ParseUrl("http://a.example/x")));
  CHECK_FALSE(a.SameOrigin(*ParseUrl("https://a.example:8443/x")));
  CHECK_FALSE(a.SameOrigin(*ParseUrl("https://b.example/x")));
}

TEST_CASE("header lookup ignores case and returns the first of duplicates") {
  HttpResponse response;
  response.headers = {{"Content-Type", "text/plain"}, {"Set-Cookie", "a"}, {"set-cookie", "b"}};
  CHECK(response.Header("content-type") == "text/plain");
  CHECK(response.Header("SET-COOKIE") == "a");
  CHECK_FALSE(response.Header("retry-after").has_value());
  CHECK(HeaderNameEquals("X-Api-Key", "x-api-key"));
  CHECK_FALSE(HeaderNameEquals("x-api-key", "x-api-kez"));
}

TEST_CASE("IsIpLiteral tells addresses from names") {
  CHECK(IsIpLiteral("127.0.0.1"));
  CHECK(IsIpLiteral("::1"));
  CHECK_FALSE(IsIpLiteral("localhost"));
  CHECK_FALSE(IsIpLiteral("1.2.3"));
  CHECK_FALSE(IsIpLiteral("1.2.3.example"));
}

}  // namespace
}  // namespace intern::tools
