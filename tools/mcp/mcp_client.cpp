#include "tools/mcp/mcp_client.h"

#include <fmt/format.h>

#include <algorithm>

namespace intern::tools {
namespace {

using nlohmann::json;

constexpr size_t kNotesBytes = 16 * 1024;
constexpr int kMaxPages = 100;

std::string Seconds(std::chrono::milliseconds d) {
  return fmt::format("{:g} s", static_cast<double>(d.count()) / 1000.0);
}

std::string StringAt(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string LastLines(const std::string& log, size_t lines) {
  size_t pos = log.size();
  while (pos > 0 && (log[pos - 1] == '\n' || log[pos - 1] == '\r')) --pos;
  size_t end = pos;
  for (size_t n = 0; n < lines && pos > 0; ++n) {
    size_t newline = log.rfind('\n', pos - 1);
    pos = newline == std::string::npos ? 0 : newline;
  }
  std::string out = log.substr(pos, end - pos);
  std::replace(out.begin(), out.end(), '\n', ' ');
  out.erase(0, out.find_first_not_of(' '));
  if (out.size() > 300) out = "…" + out.substr(out.size() - 300);
  return out;
}

std::string Block(const json& block) {
  std::string type = StringAt(block, "type");
  if (type == "text") return StringAt(block, "text");
  if (type == "image" || type == "audio")
    return fmt::format("[{} {}, {} bytes of base64 not shown]", type, StringAt(block, "mimeType"),
                       StringAt(block, "data").size());
  if (type == "resource") {
    const json& r = block.value("resource", json::object());
    if (r.contains("text"))
      return fmt::format("[resource {}]\n{}", StringAt(r, "uri"), StringAt(r, "text"));
    return fmt::format("[binary resource {} ({}), {} bytes of base64 not shown]",
                       StringAt(r, "uri"), StringAt(r, "mimeType"), StringAt(r, "blob").size());
  }
  if (type == "resource_link")
    return fmt::format("[resource link {} ({})]", StringAt(block, "uri"), StringAt(block, "name"));
  return fmt::format("[{} content not shown]", type.empty() ? "unknown" : type);
}

}  // namespace

McpCallOutcome McpCallOutcomeFromJson(const json& result) {
  McpCallOutcome out;
  out.is_error = result.is_object() && result.value("isError", false) == true;
  if (result.is_object() && result.contains("content") && result["content"].is_array())
    for (const json& block : result["content"]) {
      if (!out.text.empty()) out.text += "\n";
      out.text += Block(block);
    }
  if (out.text.empty() && result.is_object() && result.contains("structuredContent"))
    out.text = result["structuredContent"].dump(-1, ' ', false, json::error_handler_t::replace);
  return out;
}

McpClient::McpClient(McpClientOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : SystemClock::Instance()) {}

McpClient::~McpClient() {
  std::shared_ptr<McpTransport> transport;
  {
    std::lock_guard lock(mu_);
    ++generation_;  // late events of the old transport are ignored
    transport = std::move(transport_);
  }
  transport.reset();  // stops the reader thread and the process outside the lock
}

std::string McpClient::Sentence(const std::string& rest) const {
  return fmt::format("MCP server \"{}\" {}", options_.server_name, rest);
}

McpServerState McpClient::state() const {
  std::lock_guard lock(mu_);
  return state_;
}
std::string McpClient::state_detail() const {
  std::lock_guard lock(mu_);
  return detail_;
}
std::string McpClient::protocol_version() const {
  std::lock_guard lock(mu_);
  return protocol_version_;
}
std::string McpClient::server_info() const {
  std::lock_guard lock(mu_);
  return server_info_;
}
bool McpClient::offers_resources() const {
  std::lock_guard lock(mu_);
  return offers_resources_;
}
int McpClient::restarts() const {
  std::lock_guard lock(mu_);
  return restarts_;
}

std::string McpClient::LogTail() const {
  std::shared_ptr<McpTransport> transport;
  std::string notes;
  {
    std::lock_guard lock(mu_);
    transport = transport_;
    notes = notes_;
  }
  return (transport ? transport->LogTail() : std::string()) + notes;
}

Status McpClient::Connect() {
  std::lock_guard connect(connect_mu_);
  return StartConnection();
}

Status McpClient::StartConnection() {
  std::shared_ptr<McpTransport> old;
  std::uint64_t generation;
  {
    std::lock_guard lock(mu_);
    old = std::move(transport_);
    generation = ++generation_;
    tools_.clear();
    tools_stale_ = false;
  }
  old.reset();

  std::shared_ptr<McpTransport> transport = options_.make_transport();
  McpTransportEvents events;
  events.on_message = [this, generation](const json& m) { return OnMessage(generation, m); };
  McpTransport* raw = transport.get();
  events.on_fault = [this, generation, raw](const Failure& f, bool fatal) {
    OnFault(generation, f, fatal, raw);
  };
  events.on_closed = [this, generation, raw](const std::string& reason) {
    MarkBroken(generation, reason, ErrorCode::kConnection, raw);
  };
  auto broken = [&](const std::string& sentence, ErrorCode code) {
    std::lock_guard lock(mu_);
    if (generation_ == generation) {
      state_ = McpServerState::kBroken;
      detail_ = sentence;
    }
    return Fail(code, sentence);
  };
  if (Status s = transport->Start(events); !s)
    return broken(Sentence("could not be started: " + s.message()), s.code());
  {
    std::lock_guard lock(mu_);
    transport_ = transport;
  }

  json params = {{"protocolVersion", kMcpLatestProtocol},
                 {"capabilities", json::object()},
                 {"clientInfo", {{"name", "intern"}, {"version", options_.client_version}}}};
  Result<json> init = RequestOn(transport, "initialize", params, options_.startup_timeout, nullptr);
  if (!init) {
    std::string tail = LastLines(transport->LogTail(), 3);
    return broken(init.message() + (tail.empty() ? "" : fmt::format(" (its stderr ends: {})", tail)),
                  init.code());
  }
  std::string version = StringAt(*init, "protocolVersion");
  if (std::ranges::find(kMcpSupportedProtocols, version) == std::end(kMcpSupportedProtocols)) {
    std::string ours;
    for (const char* v : kMcpSupportedProtocols) ours += (ours.empty() ? "" : ", ") + std::string(v);
    return broken(Sentence(fmt::format("speaks protocol revision \"{}\", which intern does not "
                                       "(intern speaks {})",
                                       version, ours)),
                  ErrorCode::kProtocol);
  }
  transport->SetProtocolVersion(version);
  const json caps = init->value("capabilities", json::object());
  const json info = init->value("serverInfo", json::object());
  {
    std::lock_guard lock(mu_);
    protocol_version_ = version;
    server_info_ = StringAt(info, "name");
    if (!StringAt(info, "version").empty()) server_info_ += " " + StringAt(info, "version");
    offers_tools_ = caps.is_object() && caps.contains("tools");
    offers_resources_ = caps.is_object() && caps.contains("resources");
  }
  Notify(transport, "notifications/initialized", nullptr);
  if (Status s = ListTools(transport); !s) return broken(s.message(), s.code());
  std::lock_guard lock(mu_);
  if (generation_ != generation || dead_generation_ == generation)
    return Fail(ErrorCode::kConnection, detail_);
  state_ = McpServerState::kReady;
  detail_.clear();
  return Status::Ok();
}

Status McpClient::ListTools(const std::shared_ptr<McpTransport>& transport) {
  bool offers;
  {
    std::lock_guard lock(mu_);
    offers = offers_tools_;
    tools_stale_ = false;
  }
  std::vector<McpToolInfo> tools;
  std::string cursor;
  for (int page = 0; offers && page < kMaxPages; ++page) {
    json params = cursor.empty() ? json::object() : json{{"cursor", cursor}};
    Result<json> listed = RequestOn(transport, "tools/list", params, options_.startup_timeout,
                                    nullptr);
    if (!listed) return listed.failure();
    if (listed->contains("tools") && (*listed)["tools"].is_array())
      for (const json& t : (*listed)["tools"]) {
        McpToolInfo info;
        info.name = StringAt(t, "name");
        if (info.name.empty()) continue;
        info.title = StringAt(t, "title");
        info.description = StringAt(t, "description");
        info.input_schema = t.contains("inputSchema") && t["inputSchema"].is_object()
                                ? t["inputSchema"]
                                : json{{"type", "object"}};
        const json ann = t.value("annotations", json::object());
        info.read_only_hint = ann.is_object() && ann.value("readOnlyHint", false) == true;
        tools.push_back(std::move(info));
      }
    std::string next = StringAt(*listed, "nextCursor");
    if (next.empty() || next == cursor) break;
    cursor = next;
  }
  std::lock_guard lock(mu_);
  tools_ = std::move(tools);
  return Status::Ok();
}

Status McpClient::EnsureReady() {
  std::lock_guard connect(connect_mu_);
  std::shared_ptr<McpTransport> transport;
  {
    std::lock_guard lock(mu_);
    if (state_ == McpServerState::kDisabled) return Fail(ErrorCode::kUnavailable, detail_);
    if (state_ == McpServerState::kReady && !tools_stale_) return Status::Ok();
    transport = transport_;
  }
  if (state() == McpServerState::kReady) {
    // The server said its tools changed: list them again; a failure here is the call's.
    return ListTools(transport);
  }
  int restarts;
  std::string reason;
  {
    std::lock_guard lock(mu_);
    restarts = restarts_;
    reason = detail_;
    if (restarts_ >= options_.max_restarts) {
      state_ = McpServerState::kDisabled;
      detail_ = Sentence(fmt::format(
          "is disabled for the rest of this session after {} restart{}; the last failure: {}",
          restarts_, restarts_ == 1 ? "" : "s", reason));
      return Fail(ErrorCode::kUnavailable, detail_);
    }
    ++restarts_;
  }
  clock_.Sleep(options_.restart_backoff * (1 << std::min(restarts, 10)));
  return StartConnection();
}

std::vector<McpToolInfo> McpClient::Tools() {
  bool stale;
  {
    std::lock_guard lock(mu_);
    stale = tools_stale_ && state_ == McpServerState::kReady;
  }
  if (stale) (void)EnsureReady();
  std::lock_guard lock(mu_);
  return tools_;
}

Result<json> McpClient::Request(const std::string& method, const json& params,
                                std::chrono::milliseconds timeout,
                                const std::atomic<bool>* cancel) {
  if (Status s = EnsureReady(); !s) return s.failure();
  std::shared_ptr<McpTransport> transport;
  {
    std::lock_guard lock(mu_);
    transport = transport_;
  }
  if (!transport) return Fail(ErrorCode::kUnavailable, Sentence("is not connected."));
  return RequestOn(transport, method, params, timeout, cancel);
}

void McpClient::Notify(const std::shared_ptr<McpTransport>& transport, const std::string& method,
                       json params) {
  json message = {{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  McpSendOptions options;
  options.timeout = std::chrono::milliseconds(5'000);
  (void)transport->Send(message, options);  // a dead server shows on the next request
}

Result<json> McpClient::RequestOn(const std::shared_ptr<McpTransport>& transport,
                                  const std::string& method, const json& params,
                                  std::chrono::milliseconds timeout,
                                  const std::atomic<bool>* cancel) {
  if (timeout.count() <= 0) timeout = options_.call_timeout;
  auto slot = std::make_shared<Pending>();
  std::int64_t id;
  std::uint64_t generation;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    generation = generation_;
    pending_[id] = slot;
  }
  auto forget = [&] {
    std::lock_guard lock(mu_);
    pending_.erase(id);
  };
  json message = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  if (Status sent = transport->Send(message, {timeout, cancel}); !sent) {
    forget();
    if (sent.code() == ErrorCode::kConnection || sent.code() == ErrorCode::kProtocol) {
      MarkBroken(generation, sent.message(), sent.code(), transport.get());
      std::lock_guard lock(mu_);
      return Fail(sent.code(), detail_);  // the first reason the connection died for
    }
    if (sent.code() == ErrorCode::kTimeout || sent.code() == ErrorCode::kCancelled)
      Notify(transport, "notifications/cancelled",
             {{"requestId", id},
              {"reason", sent.code() == ErrorCode::kTimeout ? "timed out" : "cancelled"}});
    return Fail(sent.code(), Sentence(sent.message().ends_with(".") ? sent.message()
                                                                    : sent.message() + "."));
  }

  enum class End { kAnswered, kTimedOut, kCancelled } end = End::kAnswered;
  {
    std::unique_lock lock(mu_);
    while (!slot->response && !slot->failure) {
      if (dead_generation_ == generation) {
        // The connection died before this request was registered: nobody will answer it.
        slot->failure = Fail(ErrorCode::kConnection, detail_);
        break;
      }
      if (cancel != nullptr && cancel->load()) {
        end = End::kCancelled;
        break;
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) {
        end = End::kTimedOut;
        break;
      }
      // Cancellation is a flag, not a condition variable: look at it every 50 ms.
      cv_.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(50)));
    }
    pending_.erase(id);
  }
  if (end != End::kAnswered) {
    bool timed_out = end == End::kTimedOut;
    Notify(transport, "notifications/cancelled",
           {{"requestId", id}, {"reason", timed_out ? "timed out" : "cancelled by the operator"}});
    if (!timed_out)
      return Fail(ErrorCode::kCancelled,
                  Sentence(fmt::format("was asked for {}, and the call was cancelled.", method)));
    std::string sentence = Sentence(fmt::format("did not answer {} within {}; the call was "
                                                "cancelled.",
                                                method, Seconds(timeout)));
    if (method != "ping") {
      // A server that cannot even answer a ping is stuck: restart it on the next call.
      auto ping_timeout = std::min(timeout, std::chrono::milliseconds(5'000));
      Result<json> pong = RequestOn(transport, "ping", json::object(), ping_timeout, nullptr);
      if (!pong && pong.code() == ErrorCode::kTimeout) {
        MarkBroken(generation,
                   fmt::format("stopped answering (no answer to {} within {}, nor to a ping)",
                               method, Seconds(timeout)),
                   ErrorCode::kTimeout, transport.get());
        sentence += " It does not answer pings either and will be restarted.";
      }
    }
    return Fail(ErrorCode::kTimeout, sentence);
  }
  if (slot->failure) return *slot->failure;
  const json& response = *slot->response;
  if (response.contains("error")) {
    const json& error = response["error"];
    std::string text = StringAt(error, "message");
    long long code = error.is_object() ? error.value("code", 0LL) : 0LL;
    return Fail(code == -32602 ? ErrorCode::kInvalidArgument : ErrorCode::kServer,
                Sentence(fmt::format("answered {} with an error: {} (JSON-RPC code {}).", method,
                                     text.empty() ? "no message" : text, code)));
  }
  return response.contains("result") ? response["result"] : json::object();
}

std::optional<json> McpClient::OnMessage(std::uint64_t generation, const json& message) {
  if (!message.is_object()) return std::nullopt;
  bool has_method = message.contains("method") && message["method"].is_string();
  bool has_id = message.contains("id") && !message["id"].is_null();
  if (!has_method && has_id) {
    std::lock_guard lock(mu_);
    if (generation != generation_ || !message["id"].is_number_integer()) return std::nullopt;
    auto it = pending_.find(message["id"].get<std::int64_t>());
    if (it != pending_.end()) {
      it->second->response = message;
      cv_.notify_all();
    }
    return std::nullopt;
  }
  if (!has_method) return std::nullopt;
  std::string method = message["method"].get<std::string>();
  if (has_id) {
    json reply = {{"jsonrpc", "2.0"}, {"id", message["id"]}};
    if (method == "ping")
      reply["result"] = json::object();
    else
      reply["error"] = {{"code", -32601}, {"message", "intern does not offer " + method}};
    return reply;
  }
  std::lock_guard lock(mu_);
  if (generation != generation_) return std::nullopt;
  if (method == "notifications/tools/list_changed") {
    tools_stale_ = true;
  } else if (method == "notifications/message") {
    const json params = message.value("params", json::object());
    std::string data = params.is_object() && params.contains("data")
                           ? (params["data"].is_string() ? params["data"].get<std::string>()
                                                         : params["data"].dump())
                           : "";
    notes_ += fmt::format("[{}] {}\n", StringAt(params, "level"), data);
    if (notes_.size() > kNotesBytes) notes_.erase(0, notes_.size() - kNotesBytes);
  }
  return std::nullopt;
}

void McpClient::OnFault(std::uint64_t generation, const Failure& failure, bool fatal,
                        McpTransport* transport) {
  if (fatal) {
    MarkBroken(generation, failure.message, failure.code, transport);
    return;
  }
  std::lock_guard lock(mu_);
  if (generation != generation_) return;
  for (auto& [id, slot] : pending_)
    if (!slot->response && !slot->failure)
      slot->failure = Fail(failure.code, Sentence(failure.message + "."));
  cv_.notify_all();
}

void McpClient::MarkBroken(std::uint64_t generation, const std::string& reason, ErrorCode code,
                           McpTransport* transport) {
  std::string tail = transport ? LastLines(transport->LogTail(), 3) : "";
  std::lock_guard lock(mu_);
  if (generation != generation_ || dead_generation_ == generation) return;  // first reason wins
  std::string sentence = Sentence(reason + (tail.empty() ? "" : " (its stderr ends: " + tail + ")"));
  if (!sentence.ends_with(".")) sentence += ".";
  dead_generation_ = generation;
  if (state_ != McpServerState::kDisabled) {
    state_ = McpServerState::kBroken;
    detail_ = sentence;
  }
  for (auto& [id, slot] : pending_)
    if (!slot->response && !slot->failure) slot->failure = Fail(code, sentence);
  cv_.notify_all();
}

Result<McpCallOutcome> McpClient::CallTool(const std::string& tool, const json& arguments,
                                           const std::atomic<bool>* cancel,
                                           std::chrono::milliseconds timeout) {
  Result<json> result =
      Request("tools/call", {{"name", tool}, {"arguments", arguments}}, timeout, cancel);
  if (!result) return result.failure();
  return McpCallOutcomeFromJson(*result);
}

Result<std::vector<McpResourceInfo>> McpClient::ListResources(const std::atomic<bool>* cancel) {
  if (Status s = EnsureReady(); !s) return s.failure();
  if (!offers_resources())
    return Fail(ErrorCode::kUnavailable, Sentence("offers no resources."));
  std::vector<McpResourceInfo> out;
  std::string cursor;
  for (int page = 0; page < kMaxPages; ++page) {
    json params = cursor.empty() ? json::object() : json{{"cursor", cursor}};
    Result<json> listed = Request("resources/list", params, {}, cancel);
    if (!listed) return listed.failure();
    if (listed->contains("resources") && (*listed)["resources"].is_array())
      for (const json& r : (*listed)["resources"])
        out.push_back({StringAt(r, "uri"), StringAt(r, "name"), StringAt(r, "description"),
                       StringAt(r, "mimeType")});
    std::string next = StringAt(*listed, "nextCursor");
    if (next.empty() || next == cursor) break;
    cursor = next;
  }
  return out;
}

Result<std::vector<McpResourceContent>> McpClient::ReadResource(const std::string& uri,
                                                                const std::atomic<bool>* cancel) {
  Result<json> read = Request("resources/read", {{"uri", uri}}, {}, cancel);
  if (!read) return read.failure();
  std::vector<McpResourceContent> out;
  if (read->contains("contents") && (*read)["contents"].is_array())
    for (const json& c : (*read)["contents"]) {
      McpResourceContent content;
      content.uri = StringAt(c, "uri");
      content.mime_type = StringAt(c, "mimeType");
      if (c.contains("text")) {
        content.text = StringAt(c, "text");
      } else {
        content.is_text = false;
        content.blob_base64_bytes = StringAt(c, "blob").size();
      }
      out.push_back(std::move(content));
    }
  return out;
}

}  // namespace intern::tools
