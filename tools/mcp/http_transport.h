#pragma once
// HttpTransport — the Streamable HTTP transport of MCP: every client message is a POST of one
// JSON-RPC message to the endpoint with `Accept: application/json, text/event-stream`; the
// server answers 202 (for notifications and responses), a JSON body, or an event stream whose
// `data` fields are JSON-RPC messages. The `Mcp-Session-Id` the server gives at initialization
// is sent with every later request, `MCP-Protocol-Version` once the revision is agreed, and a
// DELETE ends the session when the transport is destroyed (best effort, short deadline).
//
// A 404 while a session id is held means the server forgot the session: on_closed is called so
// the client starts a new one. Messages over `max_message_bytes` fail kTooLarge; a body that is
// not JSON fails kProtocol. The server-to-client GET stream is not opened: servers that only
// announce list changes there are re-listed when a call fails.
// Thread safety: Send may be called from several threads (it uses the HttpClient's).

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "tools/http/http_client.h"
#include "tools/mcp/transport.h"

namespace intern::tools {

struct HttpTransportOptions {
  std::string url;
  HttpHeaders headers;  // from the config, sent with every request
  std::size_t max_message_bytes = 4 * 1024 * 1024;
  std::chrono::milliseconds default_timeout{60'000};
};

class HttpTransport final : public McpTransport {
 public:
  // `http` must outlive the transport.
  HttpTransport(HttpClient& http, HttpTransportOptions options);
  ~HttpTransport() override;

  Status Start(McpTransportEvents events) override;
  Status Send(const nlohmann::json& message, const McpSendOptions& options) override;
  void SetProtocolVersion(const std::string& version) override;

 private:
  HttpRequest BaseRequest(std::string method) const;
  Status Deliver(const std::string& json_text, std::vector<nlohmann::json>& replies);

  HttpClient& http_;
  HttpTransportOptions options_;
  McpTransportEvents events_;
  mutable std::mutex mu_;
  std::string session_id_;
  std::string protocol_version_;
};

}  // namespace intern::tools
