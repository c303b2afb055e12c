#pragma once
// McpTransport — how JSON-RPC messages travel between the MCP client and one server: a child
// process's stdin/stdout (stdio_transport.h) or HTTP POSTs answered with JSON or server-sent
// events (http_transport.h). The client (mcp_client.h) owns one transport per connection and
// makes a new one to restart.
//
// Incoming messages reach the client through McpTransportEvents, on the transport's own reader
// thread (stdio) or on the thread inside Send (HTTP). Handlers must not call back into Send of
// the same transport for replies: they return the reply and the transport sends it.

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "config/result.h"

namespace intern::tools {

struct McpTransportEvents {
  // One parsed message (a response, a notification or a request from the server). For a request
  // the handler returns the response to send back; otherwise nullopt.
  std::function<std::optional<nlohmann::json>(const nlohmann::json&)> on_message;
  // A message that could not be taken: malformed JSON (`fatal`: the stream cannot be trusted any
  // more) or one over the size limit (not fatal: the stream is still in step). Calls waiting for
  // an answer fail with `failure`.
  std::function<void(const Failure& failure, bool fatal)> on_fault;
  // The connection is gone (the process exited, the HTTP session ended); `reason` says how.
  std::function<void(const std::string& reason)> on_closed;
};

struct McpSendOptions {
  std::chrono::milliseconds timeout{0};       // HTTP: the request's deadline; 0: the default
  const std::atomic<bool>* cancel = nullptr;  // HTTP: polled while the answer streams in
};

class McpTransport {
 public:
  virtual ~McpTransport() = default;

  // Connects (spawns the process). Events may arrive as soon as this returns.
  virtual Status Start(McpTransportEvents events) = 0;
  // Sends one message. stdio: returns once written. HTTP: returns once the server's answer has
  // been read, every message in it already handed to on_message. Failures say what went wrong
  // in a sentence that can follow "MCP server \"NAME\" ".
  virtual Status Send(const nlohmann::json& message, const McpSendOptions& options) = 0;
  // The protocol revision agreed at initialization (HTTP sends it as MCP-Protocol-Version).
  virtual void SetProtocolVersion(const std::string& version) { (void)version; }
  // The last lines the server wrote to stderr (stdio), for messages and `intern mcp list`.
  virtual std::string LogTail() const { return ""; }
};

}  // namespace intern::tools
