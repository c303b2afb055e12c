// ConnectProxy: one coroutine per client connection reads the request head by hand (a proxy only
// needs the request line and headers), then pipes bytes both ways between client and upstream.

#include <utility>

#include "tests/support/connect_proxy.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "tests/support/response_plan.h"

namespace intern::testing {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

struct Head {
  std::string method, target, version;
  HeaderList headers;
};

std::optional<Head> ParseHead(const std::string& text) {
  Head head;
  std::size_t line_end = text.find("\r\n");
  const std::string line = text.substr(0, line_end);
  std::size_t a = line.find(' ');
  std::size_t b = line.find(' ', a == std::string::npos ? a : a + 1);
  if (a == std::string::npos || b == std::string::npos) return std::nullopt;
  head.method = line.substr(0, a);
  head.target = line.substr(a + 1, b - a - 1);
  head.version = line.substr(b + 1);
  std::size_t at = line_end + 2;
  while (at < text.size()) {
    std::size_t end = text.find("\r\n", at);
    if (end == std::string::npos || end == at) break;
    std::string field = text.substr(at, end - at);
    std::size_t colon = field.find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::size_t value_at = field.find_first_not_of(' ', colon + 1);
    head.headers.emplace_back(field.substr(0, colon),
                              value_at == std::string::npos ? "" : field.substr(value_at));
    at = end + 2;
  }
  return head;
}

// "host:port" → (host, port); brackets of an IPv6 literal removed.
std::optional<std::pair<std::string, std::uint16_t>> SplitHostPort(const std::string& authority,
                                                                   std::uint16_t default_port) {
  std::string host = authority;
  std::uint16_t port = default_port;
  std::size_t colon = authority.rfind(':');
  std::size_t bracket = authority.rfind(']');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    host = authority.substr(0, colon);
    try {
      int value = std::stoi(authority.substr(colon + 1));
      if (value <= 0 || value > 65535) return std::nullopt;
      port = static_cast<std::uint16_t>(value);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return std::nullopt;
  return std::pair{host, port};
}

bool IsLoopback(const std::string& host) {
  if (host == "localhost") return true;
  error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

std::string Reply(int status, const char* reason) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

}  // namespace

class ConnectProxy::Impl {
 public:
  Impl() {
    tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, AcceptLoop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Impl() { Stop(); }

  void Stop() {
    std::call_once(stopped_, [this] {
      asio::post(io_, [this] {
        error_code ignored;
        acceptor_.close(ignored);
        for (tcp::socket* socket : live_) socket->close(ignored);
        io_.stop();
      });
      if (thread_.joinable()) thread_.join();
    });
  }

  std::uint16_t port() const { return port_; }

  void MapHost(std::string host_port, std::uint16_t local_port) {
    std::lock_guard lock(mutex_);
    mapped_[std::move(host_port)] = local_port;
  }
  void RefuseConnectWith(int status) {
    std::lock_guard lock(mutex_);
    refuse_status_ = status;
  }
  std::vector<ProxiedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  bool WaitForRequests(std::size_t n, Milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }
  std::size_t accepted() const {
    std::lock_guard lock(mutex_);
    return accepted_;
  }

 private:
  // A socket Stop() can close; registered for as long as the object lives.
  struct Tracked {
    Tracked(asio::io_context& io, std::set<tcp::socket*>& live) : socket(io), live(live) {
      live.insert(&socket);
    }
    ~Tracked() { live.erase(&socket); }
    tcp::socket socket;
    std::set<tcp::socket*>& live;
  };

  asio::awaitable<void> AcceptLoop() {
    for (;;) {
      auto client = std::make_shared<Tracked>(io_, live_);
      error_code ec;
      co_await acceptor_.async_accept(client->socket,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      client->socket.set_option(tcp::no_delay(true), ec);
      {
        std::lock_guard lock(mutex_);
        ++accepted_;
      }
      asio::co_spawn(io_, Serve(client), asio::detached);
    }
  }

  asio::awaitable<void> Serve(std::shared_ptr<Tracked> client) {
    std::string buffer;
    error_code ec;
    std::size_t head_size =
        co_await asio::async_read_until(client->socket, asio::dynamic_buffer(buffer, 64 * 1024),
                                        "\r\n\r\n", asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    std::optional<Head> head = ParseHead(buffer.substr(0, head_size));
    std::string rest = buffer.substr(head_size);
    if (!head) {
      Record({"", "", {}, 400});
      co_await AnswerAndClose(*client, Reply(400, "Bad Request"));
      co_return;
    }

    ProxiedRequest record{head->method, head->target, head->headers, 0};
    std::string authority;
    std::string upstream_bytes;
    if (head->method == "CONNECT") {
      authority = head->target;
    } else if (head->target.rfind("http://", 0) == 0) {
      // Absolute form: send the origin form upstream.
      std::string after_scheme = head->target.substr(7);
      std::size_t slash = after_scheme.find('/');
      authority = after_scheme.substr(0, slash);
      std::string path = slash == std::string::npos ? "/" : after_scheme.substr(slash);
      upstream_bytes = head->method + " " + path + " " + head->version + "\r\n";
      for (const auto& [name, value] : head->headers) {
        if (FindHeader({{name, ""}}, "proxy-connection") ||
            FindHeader({{name, ""}}, "proxy-authorization") ||
            FindHeader({{name, ""}}, "connection")) {
          continue;
        }
        upstream_bytes += name + ": " + value + "\r\n";
      }
      upstream_bytes += "Connection: close\r\n\r\n" + rest;
    } else {
      record.status = 400;
      Record(record);
      co_await AnswerAndClose(*client, Reply(400, "Bad Request"));
      co_return;
    }

    int refuse = 0;
    std::optional<std::uint16_t> mapped;
    {
      std::lock_guard lock(mutex_);
      if (head->method == "CONNECT") refuse = refuse_status_;
      auto it = mapped_.find(authority);
      if (it == mapped_.end() && authority.find(':') == std::string::npos) {
        it = mapped_.find(authority + (head->method == "CONNECT" ? ":443" : ":80"));
      }
      if (it != mapped_.end()) mapped = it->second;
    }
    if (refuse != 0) {
      record.status = refuse;
      Record(record);
      co_await AnswerAndClose(*client, Reply(refuse, ReasonPhrase(refuse)));
      co_return;
    }
    auto host_port = SplitHostPort(authority, head->method == "CONNECT" ? 443 : 80);
    std::optional<tcp::endpoint> target;
    if (mapped) {
      target = tcp::endpoint(asio::ip::make_address("127.0.0.1"), *mapped);
    } else if (host_port && IsLoopback(host_port->first)) {
      const std::string ip = host_port->first == "localhost" ? "127.0.0.1" : host_port->first;
      target = tcp::endpoint(asio::ip::make_address(ip), host_port->second);
    }
    if (!target) {
      record.status = 403;
      Record(record);
      co_await AnswerAndClose(*client, Reply(403, "Forbidden"));
      co_return;
    }

    auto upstream = std::make_shared<Tracked>(io_, live_);
    co_await upstream->socket.async_connect(*target,
                                            asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      record.status = 502;
      Record(record);
      co_await AnswerAndClose(*client, Reply(502, "Bad Gateway"));
      co_return;
    }
    upstream->socket.set_option(tcp::no_delay(true), ec);
    if (head->method == "CONNECT") {
      record.status = 200;
      Record(record);
      const std::string established = "HTTP/1.1 200 Connection Established\r\n\r\n";
      co_await asio::async_write(client->socket, asio::buffer(established),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      upstream_bytes = rest;  // a client may send its TLS hello without waiting for our answer
    } else {
      Record(record);
    }
    if (!upstream_bytes.empty()) {
      co_await asio::async_write(upstream->socket, asio::buffer(upstream_bytes),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
    asio::co_spawn(io_, Pump(upstream, client), asio::detached);
    co_await Pump(client, upstream);
  }

  // Copies bytes from `from` to `to` until `from` ends, then passes the end on as a FIN (or
  // closes both on an error, so a reset reaches the other side as a reset).
  static asio::awaitable<void> Pump(std::shared_ptr<Tracked> from, std::shared_ptr<Tracked> to) {
    char data[16 * 1024];
    for (;;) {
      error_code ec;
      std::size_t n = co_await from->socket.async_read_some(
          asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::eof) {
        to->socket.shutdown(tcp::socket::shutdown_send, ec);
        co_return;
      }
      if (ec) {
        to->socket.set_option(tcp::socket::linger(true, 0), ec);
        to->socket.close(ec);
        co_return;
      }
      co_await asio::async_write(to->socket, asio::buffer(data, n),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        from->socket.close(ec);
        co_return;
      }
    }
  }

  asio::awaitable<void> AnswerAndClose(Tracked& client, std::string bytes) {
    error_code ec;
    co_await asio::async_write(client.socket, asio::buffer(bytes),
                               asio::redirect_error(asio::use_awaitable, ec));
    client.socket.shutdown(tcp::socket::shutdown_send, ec);
    // Read until the client closes: closing with its bytes unread would reset the connection
    // and could destroy our answer before the client reads it.
    char sink[4096];
    while (!ec) {
      co_await client.socket.async_read_some(asio::buffer(sink),
                                             asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  void Record(ProxiedRequest request) {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(request));
    }
    arrived_.notify_all();
  }

  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<ProxiedRequest> requests_;
  std::map<std::string, std::uint16_t> mapped_;
  int refuse_status_ = 0;
  std::size_t accepted_ = 0;
  std::set<tcp::socket*> live_;  // touched only on the server thread (and in ~io_)
  std::once_flag stopped_;
  std::uint16_t port_ = 0;
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  std::thread thread_;
};

ConnectProxy::ConnectProxy() : impl_(std::make_unique<Impl>()) {}
ConnectProxy::~ConnectProxy() = default;
std::uint16_t ConnectProxy::port() const { return impl_->port(); }
std::string ConnectProxy::url() const { return "http://127.0.0.1:" + std::to_string(port()); }
void ConnectProxy::MapHost(std::string host_port, std::uint16_t local_port) {
  impl_->MapHost(std::move(host_port), local_port);
}
void ConnectProxy::RefuseConnectWith(int status) { impl_->RefuseConnectWith(status); }
std::vector<ProxiedRequest> ConnectProxy::requests() const { return impl_->requests(); }
std::vector<std::string> ConnectProxy::connect_targets() const {
  std::vector<std::string> out;
  for (const ProxiedRequest& r : impl_->requests()) {
    if (r.method == "CONNECT") out.push_back(r.target);
  }
  return out;
}
bool ConnectProxy::WaitForRequests(std::size_t n, Milliseconds timeout) const {
  return impl_->WaitForRequests(n, timeout);
}
std::size_t ConnectProxy::accepted_connections() const { return impl_->accepted(); }
void ConnectProxy::Stop() { impl_->Stop(); }

}  // namespace intern::testing
