#pragma once
// StdioTransport — an MCP server run as a child process (ChildProcess): newline-delimited JSON
// on its stdin and stdout; its stderr is kept in a bounded log (the last `stderr_log_bytes`).
//
// One reader thread per transport polls stdout and stderr. Malformed JSON on stdout is a fatal
// fault (a server must write nothing else there); a line over `max_message_bytes` is a non-fatal
// fault, reported when it crosses the limit, its bytes dropped. When stdout ends, on_closed says
// how the process ended. The destructor stops the thread and the process (never throws).
// Thread safety: Send may be called from several threads.

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tools/mcp/child_process.h"
#include "tools/mcp/transport.h"

namespace intern::tools {

struct StdioTransportOptions {
  ChildSpec child;
  std::size_t max_message_bytes = 4 * 1024 * 1024;
  std::size_t stderr_log_bytes = 64 * 1024;
};

class StdioTransport final : public McpTransport {
 public:
  explicit StdioTransport(StdioTransportOptions options);
  ~StdioTransport() override;

  Status Start(McpTransportEvents events) override;
  Status Send(const nlohmann::json& message, const McpSendOptions& options) override;
  std::string LogTail() const override;

 private:
  void ReadLoop();
  void TakeStderr(std::string_view bytes);

  StdioTransportOptions options_;
  McpTransportEvents events_;
  std::unique_ptr<ChildProcess> child_;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::thread reader_;
  mutable std::mutex log_mu_;
  std::string log_;
};

}  // namespace intern::tools
