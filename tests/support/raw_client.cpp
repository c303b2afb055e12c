// RawClient: asynchronous Asio operations driven with io_context::run_until, so that a read that
// never completes is cancelled at its deadline instead of blocking the test.

#include <utility>

#include "tests/support/raw_client.h"

#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <optional>

namespace intern::testing {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

std::string ErrorWord(const error_code& ec) {
  if (!ec) return "";
  if (ec == asio::error::eof) return "eof";
  if (ec == asio::error::connection_reset) return "reset";
  if (ec == asio::error::timed_out) return "timeout";
  if (ec == asio::ssl::error::stream_truncated) return "truncated";
  return ec.message();
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<std::string> HeadValue(const std::string& head, const std::string& name) {
  const std::string lower = Lower(head);
  const std::string needle = "\r\n" + Lower(name) + ":";
  std::size_t at = lower.find(needle);
  if (at == std::string::npos) return std::nullopt;
  at += needle.size();
  std::size_t end = head.find("\r\n", at);
  std::string value = head.substr(at, end - at);
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  while (!value.empty() && value.back() == ' ') value.pop_back();
  return value;
}

}  // namespace

class RawClient::Impl {
 public:
  std::string Connect(std::uint16_t port, Milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    std::size_t n = 0;
    error_code ec = Run(
        [&](auto done) {
          socket_.async_connect(endpoint, [done](error_code e) { done(e, 0); });
        },
        deadline, n);
    if (!ec) socket_.set_option(tcp::no_delay(true), ec);
    return ErrorWord(ec);
  }

  std::string ConnectTls(std::uint16_t port, const std::string& ca_pem,
                         const std::string& verify_host, Milliseconds timeout) {
    if (std::string e = Connect(port, timeout); !e.empty()) return e;
    return StartTls(ca_pem, verify_host, timeout);
  }

  std::string StartTls(const std::string& ca_pem, const std::string& verify_host,
                       Milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    ssl_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    error_code ec;
    ssl_->add_certificate_authority(asio::buffer(ca_pem), ec);
    if (ec) return "loading the CA: " + ec.message();
    ssl_->set_verify_mode(asio::ssl::verify_peer);
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *ssl_);
    SSL* ssl = tls_->native_handle();
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    error_code address_ec;
    asio::ip::make_address(verify_host, address_ec);
    if (!address_ec) {
      X509_VERIFY_PARAM_set1_ip_asc(param, verify_host.c_str());
    } else {
      SSL_set_tlsext_host_name(ssl, verify_host.c_str());
      X509_VERIFY_PARAM_set1_host(param, verify_host.c_str(), 0);
    }
    std::size_t n = 0;
    ec = Run(
        [&](auto done) {
          tls_->async_handshake(asio::ssl::stream_base::client,
                                [done](error_code e) { done(e, 0); });
        },
        deadline, n);
    if (ec) {
      long verify = SSL_get_verify_result(ssl);
      if (verify != X509_V_OK) return X509_verify_cert_error_string(verify);
      return ErrorWord(ec);
    }
    return "";
  }

  std::string Write(std::string_view bytes, Milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::size_t n = 0;
    return ErrorWord(Run(
        [&](auto done) {
          auto handler = [done](error_code ec, std::size_t k) { done(ec, k); };
          if (tls_) {
            asio::async_write(*tls_, asio::buffer(bytes.data(), bytes.size()), handler);
          } else {
            asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()), handler);
          }
        },
        deadline, n));
  }

  // Reads more bytes into pending_. Returns the error (none if some bytes arrived).
  error_code Fill(Clock::time_point deadline) {
    char chunk[16 * 1024];
    std::size_t n = 0;
    error_code ec = Run(
        [&](auto done) {
          auto handler = [done](error_code e, std::size_t k) { done(e, k); };
          if (tls_) {
            tls_->async_read_some(asio::buffer(chunk), handler);
          } else {
            socket_.async_read_some(asio::buffer(chunk), handler);
          }
        },
        deadline, n);
    pending_.append(chunk, n);
    return ec;
  }

  RawRead ReadUntil(std::string_view delimiter, Clock::time_point deadline) {
    for (;;) {
      std::size_t at = pending_.find(delimiter);
      if (at != std::string::npos) return {Take(at + delimiter.size()), ""};
      if (error_code ec = Fill(deadline)) return {Take(pending_.size()), ErrorWord(ec)};
    }
  }

  RawRead ReadExactly(std::size_t n, Clock::time_point deadline) {
    while (pending_.size() < n) {
      if (error_code ec = Fill(deadline)) return {Take(pending_.size()), ErrorWord(ec)};
    }
    return {Take(n), ""};
  }

  RawRead ReadToEnd(Clock::time_point deadline) {
    for (;;) {
      if (error_code ec = Fill(deadline)) return {Take(pending_.size()), ErrorWord(ec)};
    }
  }

  RawResponse ReadResponse(Clock::time_point deadline) {
    RawResponse out;
    RawRead head = ReadUntil("\r\n\r\n", deadline);
    out.head = head.data;
    if (!head.error.empty()) {
      out.error = head.error;
      return out;
    }
    if (out.head.size() > 12) out.status = std::atoi(out.head.c_str() + 9);
    auto encoding = HeadValue(out.head, "transfer-encoding");
    if (encoding && Lower(*encoding) == "chunked") {
      out.chunked = true;
      for (;;) {
        RawRead size_line = ReadUntil("\r\n", deadline);
        if (!size_line.error.empty()) {
          out.error = size_line.error;
          return out;
        }
        std::size_t size = std::stoul(size_line.data, nullptr, 16);
        RawRead data = ReadExactly(size + 2, deadline);
        if (!data.error.empty()) {
          out.body += data.data;
          out.error = data.error;
          return out;
        }
        if (size == 0) return out;
        out.body += data.data.substr(0, size);
      }
    }
    std::size_t length = std::stoul(HeadValue(out.head, "content-length").value_or("0"));
    RawRead body = ReadExactly(length, deadline);
    out.body = body.data;
    out.error = body.error;
    return out;
  }

  void Close() {
    error_code ignored;
    socket_.close(ignored);
  }

 private:
  std::string Take(std::size_t n) {
    std::string out = pending_.substr(0, n);
    pending_.erase(0, n);
    return out;
  }

  // Starts an operation and runs the loop until it completes or the deadline passes; in the
  // latter case cancels it and reports timed_out.
  template <typename Start>
  error_code Run(Start start, Clock::time_point deadline, std::size_t& n) {
    bool finished = false;
    error_code result;
    start([&finished, &result, &n](error_code ec, std::size_t k) {
      finished = true;
      result = ec;
      n = k;
    });
    io_.restart();
    io_.run_until(deadline);
    if (!finished) {
      error_code ignored;
      socket_.cancel(ignored);
      io_.restart();
      io_.run();
      return asio::error::timed_out;
    }
    return result;
  }

  asio::io_context io_;
  tcp::socket socket_{io_};
  std::unique_ptr<asio::ssl::context> ssl_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  std::string pending_;
};

RawClient::RawClient() : impl_(std::make_unique<Impl>()) {}
RawClient::~RawClient() = default;

std::string RawClient::Connect(std::uint16_t port, Milliseconds timeout) {
  return impl_->Connect(port, timeout);
}
std::string RawClient::ConnectTls(std::uint16_t port, const std::string& ca_pem,
                                  const std::string& verify_host, Milliseconds timeout) {
  return impl_->ConnectTls(port, ca_pem, verify_host, timeout);
}
std::string RawClient::StartTls(const std::string& ca_pem, const std::string& verify_host,
                                Milliseconds timeout) {
  return impl_->StartTls(ca_pem, verify_host, timeout);
}
std::string RawClient::Write(std::string_view bytes, Milliseconds timeout) {
  return impl_->Write(bytes, timeout);
}
RawRead RawClient::ReadUntil(std::string_view delimiter, Milliseconds timeout) {
  return impl_->ReadUntil(delimiter, Clock::now() + timeout);
}
RawRead RawClient::ReadExactly(std::size_t n, Milliseconds timeout) {
  return impl_->ReadExactly(n, Clock::now() + timeout);
}
RawRead RawClient::ReadToEnd(Milliseconds timeout) {
  return impl_->ReadToEnd(Clock::now() + timeout);
}
RawResponse RawClient::ReadResponse(Milliseconds timeout) {
  return impl_->ReadResponse(Clock::now() + timeout);
}
void RawClient::Close() { impl_->Close(); }

std::string RawRequest(std::string_view method, std::string_view target,
                       std::string_view extra_headers, std::string_view body) {
  std::string out = std::string(method) + " " + std::string(target) +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(extra_headers);
  if (!body.empty() || method == "POST" || method == "PUT") {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  out += "\r\n";
  out += body;
  return out;
}

}  // namespace intern::testing
