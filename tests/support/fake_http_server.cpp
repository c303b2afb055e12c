// The server loop of FakeHttpServer: one io_context thread, one coroutine per connection. Requests
// are parsed with Beast; responses are written as raw bytes from PlanResponse so faults land on
// exact byte positions.

#include <utility>  // Boost 1.74's awaitable headers need std::exchange declared first.

#include "tests/support/fake_http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "config/error.h"
#include "tests/support/response_plan.h"

namespace intern::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

struct Route {
  std::string method;  // "*" = any
  RequestPredicate matches;
  std::vector<FakeResponse> script;
  std::size_t next = 0;
  Handler handler;
};

bool MethodMatches(const std::string& want, const std::string& got) {
  return want == "*" || want == got;
}

// Handles of a live connection, so Stop() can close it and end its stalls.
struct LiveConnection {
  tcp::socket* socket;
  asio::steady_timer* timer;
};

}  // namespace

class FakeHttpServer::Impl {
 public:
  explicit Impl(std::optional<TlsOptions> tls) : tls_(tls.has_value()) {
    if (tls) {
      try {
        ssl_.use_certificate_chain(asio::buffer(tls->cert_pem));
        ssl_.use_private_key(asio::buffer(tls->key_pem), asio::ssl::context::pem);
      } catch (const boost::system::system_error& e) {
        throw Error(std::string("loading the fake server's TLS certificate: ") + e.what());
      }
    }
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
      // Closing every socket and timer on the server thread ends each pending operation; stopping
      // the loop right after means no coroutine can start a new wait. Their frames are destroyed
      // with io_.
      asio::post(io_, [this] {
        error_code ignored;
        acceptor_.close(ignored);
        for (LiveConnection* c : live_) {
          c->timer->cancel();
          c->socket->close(ignored);
        }
        io_.stop();
      });
      if (thread_.joinable()) thread_.join();
    });
  }

  std::uint16_t port() const { return port_; }
  bool tls() const { return tls_; }

  void AddRoute(Route route) {
    std::lock_guard lock(routes_mutex_);
    routes_.push_back(std::move(route));
  }
  void ClearRoutes() {
    std::lock_guard lock(routes_mutex_);
    routes_.clear();
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(requests_mutex_);
    return requests_;
  }
  std::size_t request_count() const {
    std::lock_guard lock(requests_mutex_);
    return requests_.size();
  }
  bool WaitForRequests(std::size_t n, Milliseconds timeout) const {
    std::unique_lock lock(requests_mutex_);
    return requests_arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }
  std::size_t accepted() const {
    std::lock_guard lock(requests_mutex_);
    return accepted_;
  }

 private:
  asio::awaitable<void> AcceptLoop() {
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // closed by Stop()
      // Without this, a head and body written separately meet Nagle plus delayed ACK (40 ms).
      socket.set_option(tcp::no_delay(true), ec);
      std::size_t index;
      {
        std::lock_guard lock(requests_mutex_);
        index = accepted_++;
      }
      asio::co_spawn(io_, ServeConnection(std::move(socket), index), asio::detached);
    }
  }

  asio::awaitable<void> ServeConnection(tcp::socket socket, std::size_t index) {
    asio::steady_timer timer(io_);
    LiveConnection live{&socket, &timer};
    live_.insert(&live);
    struct Unregister {
      std::set<LiveConnection*>& set;
      LiveConnection* item;
      ~Unregister() { set.erase(item); }
    } unregister{live_, &live};
    if (tls_) {
      asio::ssl::stream<tcp::socket&> stream(socket, ssl_);
      error_code ec;
      co_await stream.async_handshake(asio::ssl::stream_base::server,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      co_await Serve(stream, socket, timer, index);
    } else {
      co_await Serve(socket, socket, timer, index);
    }
  }

  template <typename Stream>
  asio::awaitable<void> Serve(Stream& stream, tcp::socket& socket, asio::steady_timer& timer,
                              std::size_t index) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(64 * 1024);
      parser.body_limit(64 * 1024 * 1024);
      error_code ec;
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // peer closed, garbage, or Stop()
      const auto& message = parser.get();
      RecordedRequest request;
      request.method = std::string(message.method_string());
      request.target = std::string(message.target());
      request.path = request.target.substr(0, request.target.find('?'));
      for (const auto& field : message) {
        request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      request.body = message.body();
      request.received_at = std::chrono::steady_clock::now();
      request.connection = index;
      const bool keep_alive = message.keep_alive();

      FakeResponse response = Answer(request);
      for (const WriteStep& step : PlanResponse(response)) {
        switch (step.kind) {
          case WriteStep::Kind::kWrite:
            co_await asio::async_write(stream, asio::buffer(step.bytes),
                                       asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            break;
          case WriteStep::Kind::kWait:
            timer.expires_after(step.wait);
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;  // cancelled by Stop()
            break;
          case WriteStep::Kind::kReset:
            // Linger 0 turns close() into an abortive close: the peer gets RST, not FIN.
            socket.set_option(tcp::socket::linger(true, 0), ec);
            socket.close(ec);
            co_return;
          case WriteStep::Kind::kClose:
            co_await CloseCleanly(stream, socket);
            co_return;
        }
      }
      if (!keep_alive || response.close_after) {
        co_await CloseCleanly(stream, socket);
        co_return;
      }
    }
  }

  // Sends FIN (after close_notify for TLS) and waits for the peer to close its side, so unread
  // bytes from the peer never turn our close into a reset.
  asio::awaitable<void> CloseCleanly(tcp::socket& stream, tcp::socket& socket) {
    error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    co_await Drain(stream);
    socket.close(ec);
  }
  asio::awaitable<void> CloseCleanly(asio::ssl::stream<tcp::socket&>& stream,
                                     tcp::socket& socket) {
    error_code ec;
    // Waits for the peer's close_notify or its FIN; Stop() ends a peer that does neither.
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    socket.shutdown(tcp::socket::shutdown_send, ec);
    co_await Drain(socket);
    socket.close(ec);
  }
  asio::awaitable<void> Drain(tcp::socket& socket) {
    char sink[4096];
    for (;;) {
      error_code ec;
      co_await socket.async_read_some(asio::buffer(sink),
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
  }

  FakeResponse Answer(const RecordedRequest& request) {
    {
      std::lock_guard lock(requests_mutex_);
      requests_.push_back(request);
    }
    requests_arrived_.notify_all();
    Handler handler;
    {
      std::lock_guard lock(routes_mutex_);
      for (Route& route : routes_) {
        if (!MethodMatches(route.method, request.method) || !route.matches(request)) continue;
        if (route.handler) {
          handler = route.handler;
          break;
        }
        if (route.script.empty()) return FakeResponse::Status(200);
        std::size_t at = std::min(route.next, route.script.size() - 1);
        ++route.next;
        return route.script[at];
      }
    }
    if (handler) {
      // An exception escaping here would end the server thread (and the test binary).
      try {
        return handler(request);
      } catch (const std::exception& e) {
        return FakeResponse::Text(500, std::string("handler threw: ") + e.what());
      }
    }
    return FakeResponse::Text(404, "no route for " + request.method + " " + request.target);
  }

  const bool tls_;
  asio::ssl::context ssl_{asio::ssl::context::tls_server};
  mutable std::mutex routes_mutex_;
  std::vector<Route> routes_;
  mutable std::mutex requests_mutex_;
  mutable std::condition_variable requests_arrived_;
  std::vector<RecordedRequest> requests_;
  std::size_t accepted_ = 0;
  std::set<LiveConnection*> live_;  // touched only on the server thread (and in ~io_)
  std::once_flag stopped_;
  std::uint16_t port_ = 0;
  // Declared last so that it is destroyed first: coroutine frames it destroys refer to the
  // members above.
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  std::thread thread_;
};

FakeHttpServer::FakeHttpServer() : impl_(std::make_unique<Impl>(std::nullopt)) {}
FakeHttpServer::FakeHttpServer(TlsOptions tls) : impl_(std::make_unique<Impl>(std::move(tls))) {}
FakeHttpServer::~FakeHttpServer() = default;

std::uint16_t FakeHttpServer::port() const { return impl_->port(); }
bool FakeHttpServer::tls() const { return impl_->tls(); }
std::string FakeHttpServer::url() const {
  return std::string(tls() ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

namespace {

RequestPredicate PathEquals(std::string path) {
  const bool with_query = path.find('?') != std::string::npos;
  return [path = std::move(path), with_query](const RecordedRequest& r) {
    return (with_query ? r.target : r.path) == path;
  };
}

RequestPredicate TargetStartsWith(std::string prefix) {
  return [prefix = std::move(prefix)](const RecordedRequest& r) {
    return r.target.compare(0, prefix.size(), prefix) == 0;
  };
}

}  // namespace

void FakeHttpServer::On(std::string method, std::string path, std::vector<FakeResponse> script) {
  impl_->AddRoute({std::move(method), PathEquals(std::move(path)), std::move(script), 0, {}});
}
void FakeHttpServer::On(std::string method, std::string path, Handler handler) {
  impl_->AddRoute({std::move(method), PathEquals(std::move(path)), {}, 0, std::move(handler)});
}
void FakeHttpServer::OnPrefix(std::string method, std::string prefix,
                              std::vector<FakeResponse> script) {
  impl_->AddRoute(
      {std::move(method), TargetStartsWith(std::move(prefix)), std::move(script), 0, {}});
}
void FakeHttpServer::OnPrefix(std::string method, std::string prefix, Handler handler) {
  impl_->AddRoute(
      {std::move(method), TargetStartsWith(std::move(prefix)), {}, 0, std::move(handler)});
}
void FakeHttpServer::OnMatch(RequestPredicate predicate, std::vector<FakeResponse> script) {
  impl_->AddRoute({"*", std::move(predicate), std::move(script), 0, {}});
}
void FakeHttpServer::OnMatch(RequestPredicate predicate, Handler handler) {
  impl_->AddRoute({"*", std::move(predicate), {}, 0, std::move(handler)});
}

void FakeHttpServer::Replay(const std::vector<RecordedExchange>& exchanges) {
  // One route per method + target, answering its recorded responses in order.
  std::vector<std::pair<std::string, std::string>> keys;
  std::vector<std::vector<FakeResponse>> scripts;
  const std::string base = url();
  for (const RecordedExchange& exchange : exchanges) {
    std::pair<std::string, std::string> key{exchange.method, exchange.path};
    auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      keys.push_back(key);
      scripts.emplace_back();
      it = keys.end() - 1;
    }
    scripts[it - keys.begin()].push_back(ReplayResponse(exchange, base));
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::string target = keys[i].second;
    impl_->AddRoute({keys[i].first,
                     [target](const RecordedRequest& r) { return r.target == target; },
                     std::move(scripts[i]), 0, {}});
  }
}

void FakeHttpServer::ClearRoutes() { impl_->ClearRoutes(); }
std::vector<RecordedRequest> FakeHttpServer::requests() const { return impl_->requests(); }
std::size_t FakeHttpServer::request_count() const { return impl_->request_count(); }
bool FakeHttpServer::WaitForRequests(std::size_t n, Milliseconds timeout) const {
  return impl_->WaitForRequests(n, timeout);
}
std::size_t FakeHttpServer::accepted_connections() const { return impl_->accepted(); }
void FakeHttpServer::Stop() { impl_->Stop(); }

}  // namespace intern::testing
