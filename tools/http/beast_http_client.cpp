// The only translation unit with Beast and the TLS details: they compile slowly, and keeping them
// here keeps every header of the module free of third-party types.
#include "tools/http/beast_http_client.h"

// clang-format off
#include <utility>  // first: Boost 1.74's awaitable headers use std::exchange without including it
// clang-format on

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>
#include <optional>

#include "config/error.h"
#include "tools/http/deadlines.h"

namespace intern::tools {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;
using std::chrono::milliseconds;

constexpr std::size_t kHeaderLimit = 64 * 1024;
constexpr milliseconds kShutdownGrace{250};

using Step = HttpStep;

// Points the stream's expiry at the deadline of `step`.
void Arm(HttpDeadlines& deadlines, beast::tcp_stream& stream, Step step) {
  stream.expires_at(deadlines.ExpiryFor(step));
}

// One hop of a call: where it goes and what it sends.
struct Hop {
  Url url;
  std::string method;
  HttpHeaders headers;  // the caller's, minus what redirects stripped
  std::string body;
};

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool IsDisconnect(const error_code& ec) {
  return ec == net::error::eof || ec == http::error::end_of_stream ||
         ec == http::error::partial_message || ec == ssl::error::stream_truncated ||
         ec == net::error::broken_pipe;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c <= ' ' || c >= 127 ||
        std::string_view("\"(),/:;<=>?@[\\]{}").find(c) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// Everything one call needs while it runs; lives in the calling thread's stack frame.
struct Call {
  const HttpClientOptions& options;
  ssl::context& tls;
  HttpDeadlines deadlines;
  std::uint64_t max_body;
  const HttpBodySink* sink;  // null for Send
  std::string url_for_messages;
};

// Turns a failed step into a Failure whose message names the peer, the step and, in the body,
// how far it got. `peer` is "host:port" (or "proxy host:port" while connecting through one).
Failure StepFailure(const Call& call, Step step, const error_code& ec, const std::string& peer,
                    std::uint64_t body_bytes = 0) {
  if (ec == beast::error::timeout) {
    return call.deadlines.TimeoutFailure(step, peer, call.url_for_messages, body_bytes);
  }
  if (ec == http::error::body_limit) {
    return Fail(ErrorCode::kTooLarge, fmt::format("the response body from {} exceeds the limit "
                                                  "of {} bytes",
                                                  peer, call.max_body));
  }
  if (ec == http::error::header_limit) {
    return Fail(ErrorCode::kProtocol,
                fmt::format("the response header from {} exceeds {} bytes", peer, kHeaderLimit));
  }
  if (ec == net::error::connection_refused) {
    return Fail(ErrorCode::kConnection, fmt::format("{} refused the connection", peer));
  }
  if (ec == net::error::connection_reset) {
    switch (step) {
      case Step::kBody:
        return Fail(ErrorCode::kConnection, fmt::format("connection reset by {} after {} bytes "
                                                        "of the body",
                                                        peer, body_bytes));
      case Step::kHeader:
        return Fail(ErrorCode::kConnection,
                    fmt::format("connection reset by {} before the response arrived", peer));
      default:
        return Fail(ErrorCode::kConnection, fmt::format("connection reset by {}", peer));
    }
  }
  if (IsDisconnect(ec)) {
    switch (step) {
      case Step::kBody:
        return Fail(ErrorCode::kConnection,
                    fmt::format("{} closed the connection after {} bytes of the body, before the "
                                "response was complete",
                                peer, body_bytes));
      case Step::kHeader:
        return Fail(ErrorCode::kConnection,
                    fmt::format("{} closed the connection without sending a response", peer));
      default:
        return Fail(ErrorCode::kConnection, fmt::format("{} closed the connection", peer));
    }
  }
  if (ec.category() == error_code(http::error::bad_version).category()) {
    return Fail(ErrorCode::kProtocol,
                fmt::format("{} sent a malformed HTTP response: {}", peer, ec.message()));
  }
  const char* doing = step == Step::kConnect ? "connecting to"
                      : step == Step::kTls   ? "TLS handshake with"
                      : step == Step::kSend  ? "sending the request to"
                                             : "reading the response from";
  return Fail(ErrorCode::kConnection, fmt::format("{} {}: {}", doing, peer, ec.message()));
}

// Checks that every header can go on the wire as given (no header injection through a value).
Status CheckHeaders(const HttpHeaders& headers) {
  for (const auto& [name, value] : headers) {
    if (!IsToken(name) || HasLineBreak(value)) {
      // The value is left out on purpose: it may be a secret.
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("the request header \"{}\" has an invalid name or a line break in "
                              "its value",
                              name));
    }
  }
  return Status::Ok();
}

http::request<http::string_body> BuildRequest(const Call& call, const Hop& hop) {
  http::request<http::string_body> req;
  req.version(11);
  req.method_string(hop.method);
  req.target(hop.url.target);
  req.set(http::field::host, hop.url.Authority());
  req.set(http::field::connection, "close");
  auto caller_sets = [&](std::string_view name) {
    return FindHeader(hop.headers, name).has_value();
  };
  if (!caller_sets("user-agent")) req.set(http::field::user_agent, call.options.user_agent);
  // A header the caller set explicitly wins over the stored credential for the same host.
  for (const auto& [name, value] : call.options.credentials.HeadersFor(hop.url)) {
    if (!caller_sets(name)) req.insert(name, value);
  }
  for (const auto& [name, value] : hop.headers) {
    if (HeaderNameEquals(name, "host") || HeaderNameEquals(name, "connection") ||
        HeaderNameEquals(name, "content-length") || HeaderNameEquals(name, "transfer-encoding")) {
      continue;  // framing is ours to decide
    }
    req.insert(name, value);
  }
  req.body() = hop.body;
  if (!hop.body.empty() || hop.method == "POST" || hop.method == "PUT" || hop.method == "PATCH") {
    req.prepare_payload();
  }
  return req;
}

// Sends the request and reads the response on an open connection (plain or TLS). Redirect bodies
// are not read: the connection is dropped instead.
template <typename Stream>
net::awaitable<Result<HttpResponse>> Exchange(Stream& stream, Call& call, const Hop& hop) {
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  const std::string peer = hop.url.HostPort();
  error_code ec;

  http::request<http::string_body> req = BuildRequest(call, hop);
  Arm(call.deadlines, tcp, Step::kSend);
  co_await http::async_write(stream, req, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return StepFailure(call, Step::kSend, ec, peer);

  beast::flat_buffer buffer;
  std::optional<http::response_parser<http::buffer_body>> interim;
  int status = 0;
  Arm(call.deadlines, tcp, Step::kHeader);
  // Interim answers (100 Continue, 103 Early Hints) precede the real one; skip them.
  do {
    interim.emplace();
    interim->header_limit(kHeaderLimit);
    interim->body_limit(call.max_body);
    if (hop.method == "HEAD") interim->skip(true);
    co_await http::async_read_header(stream, buffer, *interim,
                                     net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return StepFailure(call, Step::kHeader, ec, peer);
    status = static_cast<int>(interim->get().result_int());
  } while (status >= 100 && status < 200 && status != 101);
  http::response_parser<http::buffer_body>& parser = *interim;

  HttpResponse response;
  response.status = status;
  for (const auto& field : parser.get()) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  if (IsRedirect(response.status) && response.Header("location")) co_return response;

  // Error documents are collected even when streaming, so the caller can explain them.
  const bool collect = call.sink == nullptr || response.status >= 400;
  std::uint64_t received = 0;
  std::array<char, 16 * 1024> chunk;
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    Arm(call.deadlines, tcp, Step::kBody);
    co_await http::async_read_some(stream, buffer, parser,
                                   net::redirect_error(net::use_awaitable, ec));
    std::size_t got = chunk.size() - parser.get().body().size;
    if (got > 0) {
      received += got;
      std::string_view piece(chunk.data(), got);
      if (collect) {
        response.body.append(piece);
      } else if (!(*call.sink)(piece)) {
        co_return Fail(ErrorCode::kCancelled,
                       fmt::format("the reader stopped reading {} after {} bytes of the body",
                                   call.url_for_messages, received));
      }
    }
    if (ec == http::error::need_buffer) ec = {};
    if (ec == ssl::error::stream_truncated && parser.need_eof()) {
      // A body delimited by the end of the connection: many servers close TCP without a TLS
      // close_notify. The bytes received were authenticated by TLS; only the ending is
      // unannounced, which is how such bodies end anyway, so this counts as the end.
      ec = {};
      parser.put_eof(ec);
    }
    if (ec) co_return StepFailure(call, Step::kBody, ec, peer, received);
  }
  co_return response;
}

// Asks the proxy on `tcp` to open a tunnel to `target`.
net::awaitable<Status> Tunnel(beast::tcp_stream& tcp, Call& call, const Url& proxy,
                              const Url& target) {
  const std::string peer = "proxy " + proxy.HostPort();
  error_code ec;
  http::request<http::empty_body> req{http::verb::connect, target.HostPort(), 11};
  req.set(http::field::host, target.HostPort());
  req.set(http::field::user_agent, call.options.user_agent);
  if (auto credentials = ProxyAuthorization(proxy)) {
    req.set(http::field::proxy_authorization, *credentials);
  }
  Arm(call.deadlines, tcp, Step::kConnect);
  co_await http::async_write(tcp, req, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return StepFailure(call, Step::kConnect, ec, peer);

  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.skip(true);  // a CONNECT answer has no body: what follows belongs to the tunnel
  co_await http::async_read_header(tcp, buffer, parser,
                                   net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return StepFailure(call, Step::kConnect, ec, peer);
  unsigned status = parser.get().result_int();
  if (status / 100 != 2) {
    std::string fix = status == 407 ? ": give the proxy's user and password in the proxy URL "
                                      "(http://user:password@host:port)"
                                    : "";
    co_return Fail(ErrorCode::kConnection,
                   fmt::format("the {} refused to open a tunnel to {} (HTTP {}){}", peer,
                               target.HostPort(), status, fix));
  }
  if (buffer.size() != 0) {
    co_return Fail(
        ErrorCode::kProtocol,
        fmt::format("the {} sent data before the tunnel to {} was used", peer, target.HostPort()));
  }
  co_return Status::Ok();
}

// Makes the TLS session check the certificate against the URL's host, and sends SNI.
Status ConfigureTls(SSL* ssl, const std::string& host) {
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  int ok = 1;
  if (IsIpLiteral(host)) {
    // No SNI for addresses (RFC 6066 §3); the certificate must list the address itself.
    ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
  } else {
    ok = SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
  }
  if (ok != 1) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("cannot set up TLS for host \"{}\"", host));
  }
  return Status::Ok();
}

Failure HandshakeFailure(const Call& call, SSL* ssl, const error_code& ec,
                         const std::string& peer) {
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return Fail(ErrorCode::kConnection, fmt::format("the TLS certificate of {} was rejected: {}",
                                                    peer, X509_verify_cert_error_string(verify)));
  }
  if (ec == beast::error::timeout || IsDisconnect(ec) || ec == net::error::connection_reset) {
    return StepFailure(call, Step::kTls, ec, peer);
  }
  return Fail(ErrorCode::kConnection,
              fmt::format("the TLS handshake with {} failed: {}", peer, ec.message()));
}

net::awaitable<Result<HttpResponse>> RunHop(Call& call, const Hop& hop) {
  auto executor = co_await net::this_coro::executor;
  const std::optional<Url> proxy = call.options.proxy.ProxyFor(hop.url);
  const Url& first = proxy ? *proxy : hop.url;
  const std::string first_peer = proxy ? "proxy " + proxy->HostPort() : hop.url.HostPort();
  error_code ec;
  call.deadlines.StartConnect();

  // The resolver has no expiry of its own: a timer cancels it.
  tcp::resolver resolver(executor);
  net::steady_timer resolve_timer(executor);
  resolve_timer.expires_at(call.deadlines.ExpiryFor(Step::kConnect));
  bool resolve_timed_out = false;
  resolve_timer.async_wait([&resolver, &resolve_timed_out](const error_code& e) {
    if (e) return;
    resolve_timed_out = true;
    resolver.cancel();
  });
  auto endpoints = co_await resolver.async_resolve(first.host, std::to_string(first.port),
                                                   net::redirect_error(net::use_awaitable, ec));
  resolve_timer.cancel();
  if (resolve_timed_out) {
    co_return StepFailure(call, Step::kConnect, beast::error::timeout, first_peer);
  }
  if (ec) {
    co_return Fail(ErrorCode::kConnection,
                   fmt::format("cannot resolve {}: {}", first.host, ec.message()));
  }

  beast::tcp_stream tcp(executor);
  Arm(call.deadlines, tcp, Step::kConnect);
  co_await tcp.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return StepFailure(call, Step::kConnect, ec, first_peer);
  if (proxy) {
    Status tunnel = co_await Tunnel(tcp, call, *proxy, hop.url);
    if (!tunnel) co_return tunnel.failure();
  }
  if (!hop.url.is_https()) co_return co_await Exchange(tcp, call, hop);

  const std::string peer = hop.url.HostPort();
  ssl::stream<beast::tcp_stream> tls(std::move(tcp), call.tls);
  if (Status s = ConfigureTls(tls.native_handle(), hop.url.host); !s) co_return s.failure();
  Arm(call.deadlines, beast::get_lowest_layer(tls), Step::kTls);
  co_await tls.async_handshake(ssl::stream_base::client,
                               net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return HandshakeFailure(call, tls.native_handle(), ec, peer);

  Result<HttpResponse> result = co_await Exchange(tls, call, hop);
  if (result && !IsRedirect(result->status)) {
    beast::get_lowest_layer(tls).expires_after(std::min(kShutdownGrace, call.deadlines.Left()));
    co_await tls.async_shutdown(net::redirect_error(net::use_awaitable, ec));
    // Errors are ignored: the response is complete. Servers often drop the connection instead
    // of answering our close_notify, which shows up as stream_truncated or eof.
  }
  co_return result;
}

net::awaitable<Result<HttpResponse>> FollowRedirects(Call& call, const HttpRequest& request) {
  Result<Url> url = ParseUrl(request.url);
  if (!url) co_return url.failure();
  if (!IsToken(request.method)) {
    co_return Fail(ErrorCode::kInvalidArgument,
                   fmt::format("\"{}\" is not a valid HTTP method", request.method));
  }
  if (Status s = CheckHeaders(request.headers); !s) co_return s.failure();

  Hop hop{*url, request.method, request.headers, request.body};
  for (int redirects = 0;; ++redirects) {
    call.url_for_messages = hop.url.ForMessages();
    Result<HttpResponse> result = co_await RunHop(call, hop);
    if (!result) co_return result;
    result->final_url = hop.url.ToString();
    result->redirects = redirects;
    std::optional<std::string> location = result->Header("location");
    if (!IsRedirect(result->status) || !location) co_return result;
    if (redirects >= call.options.max_redirects) {
      co_return Fail(ErrorCode::kProtocol,
                     fmt::format("gave up after {} redirects: {} redirects again (a redirect "
                                 "loop?)",
                                 redirects, hop.url.ForMessages()));
    }
    Result<Url> next = ResolveLocation(hop.url, *location);
    if (!next) {
      co_return Fail(ErrorCode::kProtocol, fmt::format("{} redirected to an unusable address: {}",
                                                       hop.url.ForMessages(), next.message()));
    }
    if (!next->SameOrigin(hop.url)) {
      // Secrets set by the caller belong to the first origin; credentials from the store are
      // re-chosen for the next hop's host in BuildRequest.
      std::erase_if(hop.headers, [&](const auto& header) {
        return IsSecretHeader(header.first, call.options.credentials);
      });
    }
    const bool becomes_get =
        result->status == 303
            ? hop.method != "HEAD"
            : (result->status == 301 || result->status == 302) && hop.method == "POST";
    if (becomes_get) {
      hop.method = "GET";
      hop.body.clear();
      std::erase_if(hop.headers, [](const auto& header) {
        return HeaderNameEquals(header.first, "content-type");
      });
    }
    hop.url = *std::move(next);
  }
}

net::awaitable<void> RunCall(Call& call, const HttpRequest& request,
                             std::optional<Result<HttpResponse>>& out) {
  out.emplace(co_await FollowRedirects(call, request));
}

}  // namespace

struct BeastHttpClient::Impl {
  explicit Impl(HttpClientOptions opts) : options(std::move(opts)) {
    error_code ec;
    tls.set_verify_mode(ssl::verify_peer);
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
    if (options.use_system_cas) {
      tls.set_default_verify_paths(ec);
      if (ec) throw Error("loading the system's CA certificates: " + ec.message());
    }
    if (!options.ca_file.empty()) {
      tls.load_verify_file(options.ca_file, ec);
      if (ec) {
        throw Error(
            fmt::format("loading the CA file {}: {}; check that it exists and holds PEM "
                        "certificates",
                        options.ca_file, ec.message()));
      }
    }
    if (!options.ca_pem.empty()) {
      tls.add_certificate_authority(net::buffer(options.ca_pem), ec);
      if (ec) throw Error("loading the extra CA certificates (ca_pem): " + ec.message());
    }
  }

  Result<HttpResponse> Run(const HttpRequest& request, const HttpBodySink* sink) {
    Call call{options,
              tls,
              HttpDeadlines(WithDefaults(request.timeouts, options.default_timeouts)),
              request.max_body_bytes > 0 ? request.max_body_bytes : options.default_max_body_bytes,
              sink,
              std::string()};
    std::optional<Result<HttpResponse>> out;
    std::exception_ptr error;
    net::io_context io(1);
    net::co_spawn(io, RunCall(call, request, out), [&error](std::exception_ptr e) { error = e; });
    io.run();
    if (error) std::rethrow_exception(error);
    return std::move(*out);
  }

  const HttpClientOptions options;
  ssl::context tls{ssl::context::tls_client};
};

BeastHttpClient::BeastHttpClient(HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

BeastHttpClient::~BeastHttpClient() = default;

Result<HttpResponse> BeastHttpClient::Send(const HttpRequest& request) {
  return impl_->Run(request, nullptr);
}

Result<HttpResponse> BeastHttpClient::Stream(const HttpRequest& request,
                                             const HttpBodySink& on_body) {
  return impl_->Run(request, &on_body);
}

}  // namespace intern::tools
