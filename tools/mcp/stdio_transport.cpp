#include "tools/mcp/stdio_transport.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tools/mcp/line_splitter.h"

namespace intern::tools {
namespace {

// A short, printable excerpt of what the server wrote, for messages.
std::string Excerpt(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 60)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 60) out += "…";
  return out;
}

}  // namespace

StdioTransport::StdioTransport(StdioTransportOptions options) : options_(std::move(options)) {}

StdioTransport::~StdioTransport() {
  if (wake_write_ >= 0) {
    char byte = 1;
    while (::write(wake_write_, &byte, 1) < 0 && errno == EINTR) {
    }
  }
  if (reader_.joinable()) reader_.join();
  child_.reset();
  if (wake_read_ >= 0) ::close(wake_read_);
  if (wake_write_ >= 0) ::close(wake_write_);
}

Status StdioTransport::Start(McpTransportEvents events) {
  events_ = std::move(events);
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC) != 0)
    return Fail(ErrorCode::kIo, fmt::format("creating a pipe: {}", std::strerror(errno)));
  wake_read_ = wake[0];
  wake_write_ = wake[1];
  Result<std::unique_ptr<ChildProcess>> child = ChildProcess::Spawn(options_.child);
  if (!child) return child.failure();
  child_ = std::move(*child);
  reader_ = std::thread([this] { ReadLoop(); });
  return Status::Ok();
}

Status StdioTransport::Send(const nlohmann::json& message, const McpSendOptions&) {
  std::string line = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  return child_->WriteAll(line);
}

std::string StdioTransport::LogTail() const {
  std::lock_guard lock(log_mu_);
  return log_;
}

void StdioTransport::TakeStderr(std::string_view bytes) {
  std::lock_guard lock(log_mu_);
  log_.append(bytes);
  if (log_.size() > options_.stderr_log_bytes) {
    // Keep whole lines where possible: cut at the first newline inside the part that stays.
    size_t cut = log_.size() - options_.stderr_log_bytes;
    size_t newline = log_.find('\n', cut);
    log_.erase(0, newline != std::string::npos && newline + 1 < log_.size() ? newline + 1 : cut);
  }
}

void StdioTransport::ReadLoop() {
  LineSplitter splitter(options_.max_message_bytes);
  std::vector<SplitLine> lines;
  std::vector<char> buffer(64 * 1024);
  bool err_open = true;
  auto dispatch = [&] {
    for (SplitLine& line : lines) {
      if (line.oversized) {
        events_.on_fault(
            Fail(ErrorCode::kTooLarge,
                 fmt::format("sent a message larger than {} KiB (the limit, mcp.max_message_kb)",
                             options_.max_message_bytes / 1024)),
            false);
        continue;
      }
      nlohmann::json message = nlohmann::json::parse(line.text, nullptr, false);
      if (message.is_discarded() || !(message.is_object() || message.is_array())) {
        events_.on_fault(Fail(ErrorCode::kProtocol,
                              fmt::format("wrote something that is not a JSON-RPC message on "
                                          "stdout: \"{}\"",
                                          Excerpt(line.text))),
                         true);
        continue;
      }
      auto take = [&](const nlohmann::json& one) {
        if (std::optional<nlohmann::json> reply = events_.on_message(one))
          (void)Send(*reply, {});  // a dead server is reported by the end of stdout
      };
      if (message.is_array()) {
        for (const nlohmann::json& one : message) take(one);
      } else {
        take(message);
      }
    }
    lines.clear();
  };
  auto read_stderr = [&]() {
    ssize_t n = ::read(child_->stderr_fd(), buffer.data(), buffer.size());
    if (n > 0)
      TakeStderr(std::string_view(buffer.data(), static_cast<size_t>(n)));
    else if (n == 0 || errno != EINTR)
      err_open = false;
  };

  while (true) {
    pollfd fds[3] = {{wake_read_, POLLIN, 0},
                     {child_->stdout_fd(), POLLIN, 0},
                     {err_open ? child_->stderr_fd() : -1, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) return;  // shutting down: nobody is waiting for on_closed
    if (fds[2].revents != 0) read_stderr();
    if (fds[1].revents != 0) {
      ssize_t n = ::read(child_->stdout_fd(), buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      splitter.Feed(std::string_view(buffer.data(), static_cast<size_t>(n)), lines);
      dispatch();
    }
  }

  // stdout ended: wait a little for the exit status (and the last stderr lines) so the reason
  // can say how the server ended.
  std::optional<int> status;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (!(status = child_->TryWait()) && std::chrono::steady_clock::now() < deadline) {
    pollfd fds[2] = {{wake_read_, POLLIN, 0}, {err_open ? child_->stderr_fd() : -1, POLLIN, 0}};
    if (::poll(fds, 2, 10) > 0) {
      if (fds[0].revents != 0) return;
      if (fds[1].revents != 0) read_stderr();
    }
  }
  events_.on_closed(status ? DescribeWaitStatus(*status) : "closed its stdout");
}

}  // namespace intern::tools
