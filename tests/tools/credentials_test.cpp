#include "tools/http/credentials.h"

#include <catch2/catch.hpp>

#include "config/error.h"

namespace intern::tools {
namespace {

constexpr const char* kToken = "sk-SECRET-7f3a9c-do-not-leak";

Url U(const char* text) { return *ParseUrl(text); }

TEST_CASE("a credential is offered only to its exact host, and to its port when one is given") {
  CredentialStore store;
  store.Add({"api.anthropic.com", 0, {{"x-api-key", kToken}}, "ANTHROPIC_API_KEY"});
  store.Add({"Models.Example", 8443, {{"Authorization", "Bearer m"}}, "EXAMPLE_TOKEN"});

  CHECK(store.HeadersFor(U("https://api.anthropic.com/v1/messages")) ==
        HttpHeaders{{"x-api-key", kToken}});
  CHECK(store.HeadersFor(U("https://API.ANTHROPIC.COM:444/")) ==
        HttpHeaders{{"x-api-key", kToken}});
  CHECK(store.HeadersFor(U("https://evil.api.anthropic.com/")).empty());
  CHECK(store.HeadersFor(U("https://api.anthropic.com.evil.org/")).empty());
  CHECK(store.HeadersFor(U("https://anthropic.com/")).empty());

  CHECK(store.HeadersFor(U("https://models.example:8443/")) ==
        HttpHeaders{{"Authorization", "Bearer m"}});
  CHECK(store.HeadersFor(U("https://models.example/")).empty());
  CHECK(store.HintFor(U("https://models.example:8443/x")) == "EXAMPLE_TOKEN");
  CHECK(store.HintFor(U("https://other.example/")) == "");
}

TEST_CASE("a credential is not sent over plain http unless allowed for that host") {
  CredentialStore store;
  store.Add({"api.example.com", 0, {{"x-api-key", kToken}}, "EXAMPLE_KEY"});
  store.Add({"localhost", 11434, {{"Authorization", "Bearer local"}}, "OLLAMA_KEY", true});
  CHECK(store.HeadersFor(U("http://api.example.com/")).empty());
  CHECK(store.HeadersFor(U("http://localhost:11434/api")) ==
        HttpHeaders{{"Authorization", "Bearer local"}});
}

TEST_CASE("secret headers are recognised by name, including those the store sets") {
  CredentialStore store;
  store.Add({"h", 0, {{"X-Custom-Token", kToken}}, "H_TOKEN"});
  CHECK(IsSecretHeader("authorization", store));
  CHECK(IsSecretHeader("Cookie", store));
  CHECK(IsSecretHeader("X-API-KEY", store));
  CHECK(IsSecretHeader("x-custom-token", store));
  // Hand-configured headers (an MCP server's) that name their secret in their own words.
  for (const char* name : {"X-MCP-Token", "X-Auth-User", "Api-Secret", "X-Session-Key",
                           "X-Amz-Security-Token", "X-Password", "X-Client-Credential",
                           "X-Hub-Signature-256", "Mcp-Session-Id"}) {
    INFO(name);
    CHECK(IsSecretHeader(name, store));
  }
  CHECK_FALSE(IsSecretHeader("anthropic-version", store));
  CHECK_FALSE(IsSecretHeader("MCP-Protocol-Version", store));
  CHECK_FALSE(IsSecretHeader("Accept", store));
  CHECK_FALSE(IsSecretHeader("User-Agent", store));
  CHECK_FALSE(IsSecretHeader("content-type", store));
}

TEST_CASE("a malformed credential is refused without showing its value") {
  CredentialStore store;
  std::string bad = std::string(kToken) + "\r\nInjected: yes";
  CHECK_THROWS_WITH(
      store.Add({"api.example.com", 0, {{"x-api-key", bad}}, "EXAMPLE_KEY"}),
      "the credential for host \"api.example.com\" from EXAMPLE_KEY has a header with "
      "an empty name or a line break; check its value");
  CHECK_THROWS_WITH(store.Add({"", 0, {{"x-api-key", kToken}}, "EXAMPLE_KEY"}),
                    "the credential for host \"\" from EXAMPLE_KEY has no host name");
  CHECK(store.empty());
}

}  // namespace
}  // namespace intern::tools
