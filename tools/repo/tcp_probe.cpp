#include "tools/repo/tcp_probe.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace intern::tools {
namespace {

struct AddrInfoFree {
  void operator()(addrinfo* p) const noexcept { freeaddrinfo(p); }
};

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// 0 when connected, else an errno value (ETIMEDOUT when the deadline passed).
int ConnectOne(const addrinfo& ai, std::chrono::steady_clock::time_point deadline) {
  Socket sock(socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol));
  if (sock.fd() < 0) return errno;
  if (connect(sock.fd(), ai.ai_addr, ai.ai_addrlen) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return ETIMEDOUT;
    pollfd p{sock.fd(), POLLOUT, 0};
    int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return ETIMEDOUT;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(sock.fd(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
    return err;
  }
}

}  // namespace

Status ProbeTcp(const std::string& host, int port, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &raw);
  std::unique_ptr<addrinfo, AddrInfoFree> list(raw);
  if (rc != 0) {
    return Fail(ErrorCode::kConnection,
                fmt::format("cannot resolve host {} ({})", host, gai_strerror(rc)));
  }
  int last_error = ECONNREFUSED;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    last_error = ConnectOne(*ai, deadline);
    if (last_error == 0) return Status::Ok();
    if (last_error == ETIMEDOUT) break;
  }
  if (last_error == ETIMEDOUT) {
    return Fail(ErrorCode::kTimeout, fmt::format("connecting to {}:{} timed out after {} ms", host,
                                                 port, timeout.count()));
  }
  return Fail(ErrorCode::kConnection,
              fmt::format("cannot connect to {}:{} ({})", host, port, strerrordesc_np(last_error)));
}

}  // namespace intern::tools
