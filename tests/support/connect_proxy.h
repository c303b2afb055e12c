#pragma once
// ConnectProxy — a loopback HTTP proxy for tests of HTTPS_PROXY / HTTP_PROXY handling, run on its
// own thread. It tunnels `CONNECT host:port` to a loopback target and forwards absolute-form
// requests (`GET http://127.0.0.1:PORT/path`), recording what it was asked.
//
// Usage:
//   FakeHttpServer server(certs.leaf().tls());
//   ConnectProxy proxy;
//   proxy.MapHost("api.example.com:443", server.port());   // optional: a realistic name
//   setenv-free client option: proxy = proxy.url();
//   ... client.Get("https://api.example.com/v1/x") ...
//   CHECK(proxy.connect_targets() == std::vector<std::string>{"api.example.com:443"});
//
// Only loopback targets are reached (127.0.0.0/8, ::1, "localhost", or a mapped name); any other
// target is answered 403 and recorded. Each absolute-form request is sent upstream with
// `Connection: close`, so its client connection ends after one response.
//
// Lifetime and thread safety as FakeHttpServer: starts in the constructor, the destructor (or
// Stop()) closes everything and joins; every public member may be called from any thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace intern::testing {

struct ProxiedRequest {
  std::string method;   // "CONNECT", "GET", ...
  std::string target;   // "127.0.0.1:4443" for CONNECT, "http://127.0.0.1:8080/x" otherwise
  HeaderList headers;   // as received (Proxy-Authorization included)
  int status = 0;       // what the proxy answered itself: 200 tunnel, 403, 400, 502; 0 when
                        // the answer came from upstream
};

class ConnectProxy {
 public:
  ConnectProxy();
  ~ConnectProxy();
  ConnectProxy(const ConnectProxy&) = delete;
  ConnectProxy& operator=(const ConnectProxy&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:PORT"

  // Sends requests for `host_port` ("api.example.com:443") to 127.0.0.1:`local_port`.
  void MapHost(std::string host_port, std::uint16_t local_port);
  // Answer every CONNECT with `status` (e.g. 407) instead of tunnelling; 0 restores tunnelling.
  void RefuseConnectWith(int status);

  std::vector<ProxiedRequest> requests() const;
  // The CONNECT targets, in order.
  std::vector<std::string> connect_targets() const;
  bool WaitForRequests(std::size_t n, Milliseconds timeout) const;
  std::size_t accepted_connections() const;

  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace intern::testing
