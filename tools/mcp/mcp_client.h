#pragma once
// McpClient — one connection to one MCP server (JSON-RPC 2.0 over an McpTransport), with the
// lifecycle of the protocol and containment of a misbehaving server.
//
// Connect(): starts the transport, sends `initialize` asking for kMcpLatestProtocol and accepts
// any revision in kMcpSupportedProtocols the server answers (an older one is used as is; one
// intern does not know fails with a sentence naming both), sends `notifications/initialized`,
// then lists the tools (`tools/list`, following `nextCursor`). `notifications/tools/list_changed`
// marks the list stale; the next Tools() or call lists again. Server requests are answered:
// `ping` with an empty result, anything else "method not found" (intern offers no sampling,
// roots or elicitation).
//
// Calls (CallTool, ListResources, ReadResource) wait at most their timeout and watch `cancel`;
// on either they send `notifications/cancelled` and fail kTimeout / kCancelled. After a timeout
// the server is pinged; a server that does not answer is treated as dead. A dead server (process
// exited, malformed output, HTTP session lost, no answer to the ping) fails the calls waiting on
// it with a sentence saying so, and the next call restarts it after a back-off (restart_backoff,
// doubled each time) — at most max_restarts times; then the server is disabled for the life of
// this client and every call fails with one sentence saying why. A message over the size limit
// fails the calls waiting at that moment; the connection stays.
//
// Every failure message is a whole sentence starting with `MCP server "NAME"`.
// Thread safety: every public function may be called from several threads at once.

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/clock.h"
#include "config/result.h"
#include "tools/mcp/transport.h"

namespace intern::tools {

inline constexpr const char* kMcpLatestProtocol = "2025-11-25";
// Newest first.
inline constexpr const char* kMcpSupportedProtocols[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                         "2024-11-05"};

struct McpToolInfo {
  std::string name;
  std::string title;
  std::string description;
  nlohmann::json input_schema;  // as the server sent it (an object schema)
  bool read_only_hint = false;  // the server's annotation; informative only, never trusted
};

struct McpResourceInfo {
  std::string uri;
  std::string name;
  std::string description;
  std::string mime_type;
};

struct McpResourceContent {
  std::string uri;
  std::string mime_type;
  std::string text;          // the text of a text resource
  bool is_text = true;
  std::size_t blob_base64_bytes = 0;  // for a binary resource: size of its base64 form
};

struct McpCallOutcome {
  std::string text;  // the content blocks as text (images and binaries described, not included)
  bool is_error = false;  // the tool itself reported an error (isError)
};

enum class McpServerState { kNotStarted, kReady, kBroken, kDisabled };

struct McpClientOptions {
  std::string server_name;
  // Makes a fresh transport for each connection (the first and every restart).
  std::function<std::unique_ptr<McpTransport>()> make_transport;
  std::chrono::milliseconds call_timeout{60'000};
  std::chrono::milliseconds startup_timeout{30'000};
  int max_restarts = 3;
  std::chrono::milliseconds restart_backoff{500};
  Clock* clock = nullptr;  // for the back-off sleeps; null: SystemClock
  std::string client_version = "dev";
};

class McpClient {
 public:
  explicit McpClient(McpClientOptions options);
  ~McpClient();
  McpClient(const McpClient&) = delete;
  McpClient& operator=(const McpClient&) = delete;

  // The first connection. On failure the server is left broken: a later call tries again
  // (counted as a restart).
  Status Connect();

  // The server's tools (listed again first when the server said they changed). Empty when the
  // server is not connected.
  std::vector<McpToolInfo> Tools();

  // `timeout` 0: options.call_timeout.
  Result<McpCallOutcome> CallTool(const std::string& tool, const nlohmann::json& arguments,
                                  const std::atomic<bool>* cancel = nullptr,
                                  std::chrono::milliseconds timeout = {});
  // Fails kUnavailable when the server offers no resources.
  Result<std::vector<McpResourceInfo>> ListResources(const std::atomic<bool>* cancel = nullptr);
  Result<std::vector<McpResourceContent>> ReadResource(const std::string& uri,
                                                       const std::atomic<bool>* cancel = nullptr);

  const std::string& name() const { return options_.server_name; }
  McpServerState state() const;
  // Why the server is broken or disabled ("" when ready).
  std::string state_detail() const;
  std::string protocol_version() const;
  std::string server_info() const;  // "name version" from initialize
  bool offers_resources() const;
  int restarts() const;
  // The end of the server's stderr (stdio) and log notifications.
  std::string LogTail() const;

 private:
  struct Pending {
    std::optional<nlohmann::json> response;
    std::optional<Failure> failure;
  };

  Status EnsureReady();
  Status StartConnection();
  Status ListTools(const std::shared_ptr<McpTransport>& transport);
  Result<nlohmann::json> Request(const std::string& method, const nlohmann::json& params,
                                 std::chrono::milliseconds timeout,
                                 const std::atomic<bool>* cancel);
  Result<nlohmann::json> RequestOn(const std::shared_ptr<McpTransport>& transport,
                                   const std::string& method, const nlohmann::json& params,
                                   std::chrono::milliseconds timeout,
                                   const std::atomic<bool>* cancel);
  void Notify(const std::shared_ptr<McpTransport>& transport, const std::string& method,
              nlohmann::json params);
  std::optional<nlohmann::json> OnMessage(std::uint64_t generation, const nlohmann::json& message);
  void OnFault(std::uint64_t generation, const Failure& failure, bool fatal,
               McpTransport* transport);
  // `transport` (may be null) only lends its stderr tail to the sentence. Handlers on a reader
  // thread pass their own transport raw: it outlives its reader thread, and holding a shared_ptr
  // there could make that thread destroy (and join) itself.
  void MarkBroken(std::uint64_t generation, const std::string& reason, ErrorCode code,
                  McpTransport* transport);
  std::string Sentence(const std::string& rest) const;

  McpClientOptions options_;
  Clock& clock_;
  std::mutex connect_mu_;  // one connection attempt at a time
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<McpTransport> transport_;
  std::uint64_t generation_ = 0;
  std::uint64_t dead_generation_ = 0;  // the connection that was reported gone (0: none)
  McpServerState state_ = McpServerState::kNotStarted;
  std::string detail_;
  int restarts_ = 0;
  std::int64_t next_id_ = 1;
  std::map<std::int64_t, std::shared_ptr<Pending>> pending_;
  std::vector<McpToolInfo> tools_;
  bool tools_stale_ = false;
  std::string protocol_version_;
  std::string server_info_;
  bool offers_tools_ = false;
  bool offers_resources_ = false;
  std::string notes_;  // log notifications from the server, bounded
};

// The text of a tools/call result's content blocks, as McpClient::CallTool returns it.
McpCallOutcome McpCallOutcomeFromJson(const nlohmann::json& result);

}  // namespace intern::tools
