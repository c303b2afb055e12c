#pragma once
// BeastHttpClient — the real HttpClient: Boost.Beast over TCP or TLS, one C++20 coroutine per
// call, with a deadline on every step (DESIGN §3).
//
// What it does on every call:
// - resolves and connects (directly, or through an HTTP proxy with a CONNECT tunnel, chosen by
//   options.proxy), then for https:// a TLS handshake with SNI, certificate verification against
//   the system CAs and/or options.ca_file / options.ca_pem, and a check that the certificate
//   names the host (or IP address) of the URL;
// - sends the request with Host, User-Agent, Connection: close, the per-host credentials of
//   options.credentials for this hop's host, then the caller's headers;
// - reads the response (Content-Length, chunked or until close) under the deadlines of
//   HttpTimeouts and the body cap, and follows up to options.max_redirects redirects
//   (301/302/303 turn a non-GET/HEAD into a GET without body; 307/308 keep method and body).
//   When a redirect leaves the origin (scheme, host or port), the caller's secret headers
//   (IsSecretHeader) are dropped and credentials are re-evaluated for the new host.
// Every call opens fresh connections (no pooling) and closes them before returning.
//
// Known limit: name resolution uses the system resolver (getaddrinfo), which cannot be
// interrupted. When DNS hangs, the call still fails with the connect timeout, but only returns
// once the system resolver gives up (resolv.conf's timeout and attempts).
//
// Thread safety: Send and Stream may be called concurrently from any number of threads. Each call
// runs its own io_context on the calling thread; the only shared state is the immutable options
// and the TLS context (OpenSSL's SSL_CTX is safe to share once configured).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tools/http/credentials.h"
#include "tools/http/http_client.h"
#include "tools/http/proxy.h"

namespace intern::tools {

struct HttpClientOptions {
  // Trust the operating system's CA store (OpenSSL's default paths).
  bool use_system_cas = true;
  // A PEM file of extra CAs to trust (e.g. a corporate proxy's CA); empty for none.
  std::string ca_file;
  // Extra CAs as PEM text (tests use this for their own CA); empty for none.
  std::string ca_pem;
  // Proxies (see ProxyConfig::FromEnv); default: connect directly.
  ProxyConfig proxy;
  // Per-host credential headers.
  CredentialStore credentials;
  // The User-Agent header, unless the request sets its own.
  std::string user_agent = "intern/0.1";
  // Redirects followed before failing with kProtocol.
  int max_redirects = 5;
  // Deadlines used where a request leaves a field at 0.
  HttpTimeouts default_timeouts{std::chrono::seconds(15), std::chrono::seconds(120),
                                std::chrono::seconds(90), std::chrono::minutes(10)};
  // Body cap used where a request leaves max_body_bytes at 0.
  std::uint64_t default_max_body_bytes = 64ull << 20;
};

class BeastHttpClient final : public HttpClient {
 public:
  // Throws intern::Error when the CA file or PEM cannot be loaded (naming the file).
  explicit BeastHttpClient(HttpClientOptions options);
  ~BeastHttpClient() override;
  BeastHttpClient(const BeastHttpClient&) = delete;
  BeastHttpClient& operator=(const BeastHttpClient&) = delete;

  Result<HttpResponse> Send(const HttpRequest& request) override;
  Result<HttpResponse> Stream(const HttpRequest& request, const HttpBodySink& on_body) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace intern::tools
