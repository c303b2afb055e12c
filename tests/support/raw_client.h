#pragma once
// RawClient — a byte-level test client (plain TCP or TLS) for checking the loopback fakes
// themselves, independent of the project's HTTP client. Every read has a deadline; what happened
// at the end of a read is reported as a word a test can compare.
//
// Not thread-safe: one test thread uses one client.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace intern::testing {

struct RawRead {
  std::string data;
  // "" (the read completed), "eof", "reset", "timeout", "truncated" (TLS without
  // close_notify), or another error's message.
  std::string error;
};

struct RawResponse {
  int status = 0;
  std::string head;   // status line and headers, with the final blank line
  std::string body;   // de-chunked
  bool chunked = false;
  std::string error;  // as RawRead::error; "" when a whole response was read
};

class RawClient {
 public:
  using Milliseconds = std::chrono::milliseconds;
  static constexpr Milliseconds kDefaultTimeout{2000};

  RawClient();
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Connects to 127.0.0.1:port. Returns "" or the error's message.
  std::string Connect(std::uint16_t port, Milliseconds timeout = kDefaultTimeout);
  // Connects and does a TLS handshake trusting only `ca_pem` and checking that the server's
  // certificate names `verify_host` (a DNS name, or an IP literal matched against IP SANs).
  // Returns "" on success or the handshake's error message.
  std::string ConnectTls(std::uint16_t port, const std::string& ca_pem,
                         const std::string& verify_host, Milliseconds timeout = kDefaultTimeout);
  // Starts TLS on the connected socket (e.g. after a proxy answered CONNECT), as ConnectTls.
  std::string StartTls(const std::string& ca_pem, const std::string& verify_host,
                       Milliseconds timeout = kDefaultTimeout);
  // Returns "" or the error word (as RawRead::error).
  std::string Write(std::string_view bytes, Milliseconds timeout = kDefaultTimeout);

  // Bytes up to and including `delimiter` (what follows stays buffered for the next read).
  RawRead ReadUntil(std::string_view delimiter, Milliseconds timeout = kDefaultTimeout);
  RawRead ReadExactly(std::size_t n, Milliseconds timeout = kDefaultTimeout);
  // Everything until the peer closes or resets (or the deadline), with the reason in `error`.
  RawRead ReadToEnd(Milliseconds timeout = kDefaultTimeout);
  // One response framed by Content-Length or chunked encoding.
  RawResponse ReadResponse(Milliseconds timeout = kDefaultTimeout);

  void Close();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// "GET /path HTTP/1.1\r\nHost: 127.0.0.1\r\n...": a minimal request with optional extra header
// lines (each ending in \r\n) and a body with Content-Length.
std::string RawRequest(std::string_view method, std::string_view target,
                       std::string_view extra_headers = {}, std::string_view body = {});

}  // namespace intern::testing
