#include "tests/support/fake_llm.h"

#include <fmt/format.h>

#include <utility>

namespace intern::testing {
namespace {

using Json = nlohmann::json;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Splits `text` in two at a character boundary near the middle (both parts may be empty).
std::pair<std::string, std::string> Halves(const std::string& text) {
  std::size_t cut = text.size() / 2;
  while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return {text.substr(0, cut), text.substr(cut)};
}

std::string AnthropicStop(const FakeTurn& t) {
  if (!t.stop_reason.empty()) return t.stop_reason;
  return t.tool_calls.empty() ? "end_turn" : "tool_use";
}

std::string OpenAiStop(const FakeTurn& t) {
  if (!t.stop_reason.empty()) return t.stop_reason;
  return t.tool_calls.empty() ? "stop" : "tool_calls";
}

std::string JoinText(const FakeTurn& t) {
  std::string out;
  for (const auto& piece : t.text) out += piece;
  return out;
}

Json ArgumentsObject(const std::string& arguments) {
  Json j = Json::parse(arguments, nullptr, false);
  return j.is_discarded() ? Json::object() : j;
}

FakeResponse AnthropicError(int status, const std::string& type, const std::string& message) {
  return FakeResponse::Json(
      status, Dump(Json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}));
}

FakeResponse OpenAiError(int status, const std::string& type, const Json& code,
                         const std::string& message) {
  return FakeResponse::Json(
      status,
      Dump(Json{
          {"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}}));
}

// One SSE frame per event; `index_of_first_text` gets the position of the first text delta.
struct SsePlan {
  std::vector<BodyPiece> pieces;
  std::size_t after_first_text = 0;  // payload bytes up to and including the first text delta
  bool has_text_mark = false;
  void Add(std::string bytes, bool is_text = false) {
    pieces.push_back({std::move(bytes)});
    if (is_text && !has_text_mark) {
      has_text_mark = true;
      after_first_text = 0;
      for (const auto& p : pieces) after_first_text += p.bytes.size();
    }
  }
};

FakeResponse WithStreamFault(SsePlan plan, LlmFault fault) {
  std::size_t cut = plan.has_text_mark ? plan.after_first_text : 0;
  if (!plan.has_text_mark) {
    for (std::size_t i = 0; i < plan.pieces.size() / 2; ++i) cut += plan.pieces[i].bytes.size();
  }
  FakeResponse r = FakeResponse::Sse(std::move(plan.pieces));
  if (fault == LlmFault::kResetMidStream) r.WithFault(Fault::ResetMidBody(cut));
  if (fault == LlmFault::kStallMidStream) r.WithFault(Fault::StallMidBody(cut));
  return r;
}

// ---- Anthropic ----

Json AnthropicUsage(const agent::Usage& u) {
  return Json{{"input_tokens", u.input},
              {"cache_creation_input_tokens", u.cache_write},
              {"cache_read_input_tokens", u.cache_read},
              {"output_tokens", u.output}};
}

FakeResponse AnthropicStream(const FakeTurn& t, const std::string& model, std::size_t n) {
  SsePlan plan;
  Json start_usage = AnthropicUsage(t.usage);
  start_usage["output_tokens"] = 1;
  plan.Add(SseFrame("message_start", Dump(Json{{"type", "message_start"},
                                               {"message",
                                                {{"id", fmt::format("msg_fake_{}", n)},
                                                 {"type", "message"},
                                                 {"role", "assistant"},
                                                 {"model", model},
                                                 {"content", Json::array()},
                                                 {"stop_reason", nullptr},
                                                 {"stop_sequence", nullptr},
                                                 {"usage", start_usage}}}})));
  if (t.fault == LlmFault::kUnknownEvent) {
    plan.Add(SseFrame("future_event", R"({"type":"future_event","detail":{"x":1}})"));
  }
  if (t.fault == LlmFault::kMalformedJson) {
    plan.Add(
        SseFrame("content_block_start", R"({"type":"content_block_start","index":0,"content_)"));
  }
  if (t.fault == LlmFault::kStreamError) {
    plan.Add(SseFrame(
        "error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"));
    return FakeResponse::Sse(std::move(plan.pieces));
  }
  plan.Add(SseFrame("ping", R"({"type": "ping"})"));
  int index = 0;
  if (!t.text.empty()) {
    plan.Add(SseFrame("content_block_start",
                      Dump(Json{{"type", "content_block_start"},
                                {"index", index},
                                {"content_block", {{"type", "text"}, {"text", ""}}}})));
    for (const auto& piece : t.text) {
      plan.Add(SseFrame("content_block_delta",
                        Dump(Json{{"type", "content_block_delta"},
                                  {"index", index},
                                  {"delta", {{"type", "text_delta"}, {"text", piece}}}})),
               true);
    }
    plan.Add(SseFrame("content_block_stop",
                      Dump(Json{{"type", "content_block_stop"}, {"index", index}})));
    ++index;
  }
  if (t.fault == LlmFault::kUnknownBlock) {
    plan.Add(
        SseFrame("content_block_start", Dump(Json{{"type", "content_block_start"},
                                                  {"index", index},
                                                  {"content_block", {{"type", "future_block"}}}})));
    plan.Add(SseFrame("content_block_stop",
                      Dump(Json{{"type", "content_block_stop"}, {"index", index}})));
    ++index;
  }
  for (const auto& call : t.tool_calls) {
    plan.Add(SseFrame("content_block_start", Dump(Json{{"type", "content_block_start"},
                                                       {"index", index},
                                                       {"content_block",
                                                        {{"type", "tool_use"},
                                                         {"id", call.id},
                                                         {"name", call.name},
                                                         {"input", Json::object()}}}})));
    auto [a, b] = Halves(call.arguments);
    for (const auto& part : {a, b}) {
      plan.Add(
          SseFrame("content_block_delta",
                   Dump(Json{{"type", "content_block_delta"},
                             {"index", index},
                             {"delta", {{"type", "input_json_delta"}, {"partial_json", part}}}})));
    }
    plan.Add(SseFrame("content_block_stop",
                      Dump(Json{{"type", "content_block_stop"}, {"index", index}})));
    ++index;
  }
  plan.Add(
      SseFrame("message_delta",
               Dump(Json{{"type", "message_delta"},
                         {"delta", {{"stop_reason", AnthropicStop(t)}, {"stop_sequence", nullptr}}},
                         {"usage", {{"output_tokens", t.usage.output}}}})));
  plan.Add(SseFrame("message_stop", R"({"type":"message_stop"})"));
  if (t.fault == LlmFault::kTruncatedStream) {
    std::size_t keep = std::max<std::size_t>(plan.pieces.size() / 2, 1);
    plan.pieces.resize(keep);
    return FakeResponse::Sse(std::move(plan.pieces));
  }
  return WithStreamFault(std::move(plan), t.fault);
}

FakeResponse AnthropicOneShot(const FakeTurn& t, const std::string& model, std::size_t n) {
  Json content = Json::array();
  if (!t.text.empty()) content.push_back(Json{{"type", "text"}, {"text", JoinText(t)}});
  if (t.fault == LlmFault::kUnknownBlock) content.push_back(Json{{"type", "future_block"}});
  for (const auto& call : t.tool_calls) {
    content.push_back(Json{{"type", "tool_use"},
                           {"id", call.id},
                           {"name", call.name},
                           {"input", ArgumentsObject(call.arguments)}});
  }
  Json doc{{"id", fmt::format("msg_fake_{}", n)},
           {"type", "message"},
           {"role", "assistant"},
           {"model", model},
           {"content", content},
           {"stop_reason", AnthropicStop(t)},
           {"stop_sequence", nullptr},
           {"usage", AnthropicUsage(t.usage)}};
  if (t.fault == LlmFault::kUnknownEvent) doc["future_field"] = Json{{"x", 1}};
  std::string body = Dump(doc);
  if (t.fault == LlmFault::kMalformedJson) body = R"({"id": "msg", oops})";
  if (t.fault == LlmFault::kTruncatedStream) body = body.substr(0, body.size() / 2);
  FakeResponse r = FakeResponse::Json(200, body);
  if (t.fault == LlmFault::kResetMidStream) r.WithFault(Fault::ResetMidBody(body.size() / 2));
  if (t.fault == LlmFault::kStallMidStream) r.WithFault(Fault::StallMidBody(body.size() / 2));
  return r;
}

// ---- OpenAI ----

Json OpenAiUsage(const agent::Usage& u) {
  return Json{{"prompt_tokens", u.input + u.cache_read},
              {"completion_tokens", u.output},
              {"total_tokens", u.input + u.cache_read + u.output},
              {"prompt_tokens_details", {{"cached_tokens", u.cache_read}}}};
}

FakeResponse OpenAiStream(const FakeTurn& t, const std::string& model, std::size_t n,
                          bool include_usage) {
  SsePlan plan;
  auto chunk = [&](Json choices) {
    Json c{{"id", fmt::format("chatcmpl-fake-{}", n)},
           {"object", "chat.completion.chunk"},
           {"created", 1767225600},
           {"model", model},
           {"choices", std::move(choices)}};
    if (include_usage) c["usage"] = nullptr;
    return SseFrame("", Dump(c));
  };
  auto delta = [&](Json d, Json finish = nullptr) {
    return chunk(
        Json::array({Json{{"index", 0}, {"delta", std::move(d)}, {"finish_reason", finish}}}));
  };
  plan.Add(delta(Json{{"role", "assistant"}, {"content", ""}}));
  if (t.fault == LlmFault::kUnknownEvent) {
    plan.Add(SseFrame("", R"({"object":"future.event","id":"x","detail":{"y":2}})"));
  }
  if (t.fault == LlmFault::kMalformedJson)
    plan.Add(SseFrame("", R"({"id":"chatcmpl","choices":[{"ind)"));
  if (t.fault == LlmFault::kStreamError) {
    plan.Add(SseFrame(
        "",
        R"({"error":{"message":"The engine is currently overloaded","type":"server_error","param":null,"code":null}})"));
    return FakeResponse::Sse(std::move(plan.pieces));
  }
  for (const auto& piece : t.text) plan.Add(delta(Json{{"content", piece}}), true);
  // Calls are started in order, then their arguments interleaved, so assembly must go by index.
  for (std::size_t i = 0; i < t.tool_calls.size(); ++i) {
    const auto& call = t.tool_calls[i];
    plan.Add(
        delta(Json{{"tool_calls",
                    Json::array({Json{{"index", i},
                                      {"id", call.id},
                                      {"type", "function"},
                                      {"function", {{"name", call.name}, {"arguments", ""}}}}})}}));
  }
  for (int half = 0; half < 2; ++half) {
    for (std::size_t i = 0; i < t.tool_calls.size(); ++i) {
      auto parts = Halves(t.tool_calls[i].arguments);
      plan.Add(delta(Json{
          {"tool_calls",
           Json::array(
               {Json{{"index", i},
                     {"function", {{"arguments", half == 0 ? parts.first : parts.second}}}}})}}));
    }
  }
  plan.Add(delta(Json::object(), OpenAiStop(t)));
  if (include_usage) {
    Json c{{"id", fmt::format("chatcmpl-fake-{}", n)},
           {"object", "chat.completion.chunk"},
           {"created", 1767225600},
           {"model", model},
           {"choices", Json::array()},
           {"usage", OpenAiUsage(t.usage)}};
    plan.Add(SseFrame("", Dump(c)));
  }
  plan.Add(SseFrame("", "[DONE]"));
  if (t.fault == LlmFault::kTruncatedStream) {
    // Cut before the finish chunk, so neither finish_reason nor [DONE] arrives.
    std::size_t keep = std::max<std::size_t>(plan.pieces.size() / 2, 1);
    keep = std::min(keep, plan.pieces.size() - (include_usage ? 3 : 2));
    plan.pieces.resize(keep);
    return FakeResponse::Sse(std::move(plan.pieces));
  }
  return WithStreamFault(std::move(plan), t.fault);
}

FakeResponse OpenAiOneShot(const FakeTurn& t, const std::string& model, std::size_t n) {
  Json message{{"role", "assistant"}};
  message["content"] = t.text.empty() ? Json(nullptr) : Json(JoinText(t));
  if (!t.tool_calls.empty()) {
    Json calls = Json::array();
    for (const auto& call : t.tool_calls) {
      calls.push_back(Json{{"id", call.id},
                           {"type", "function"},
                           {"function", {{"name", call.name}, {"arguments", call.arguments}}}});
    }
    message["tool_calls"] = calls;
  }
  Json doc{{"id", fmt::format("chatcmpl-fake-{}", n)},
           {"object", "chat.completion"},
           {"created", 1767225600},
           {"model", model},
           {"choices", Json::array({Json{{"index", 0},
                                         {"message", message},
                                         {"logprobs", nullptr},
                                         {"finish_reason", OpenAiStop(t)}}})},
           {"usage", OpenAiUsage(t.usage)}};
  if (t.fault == LlmFault::kUnknownEvent) doc["future_field"] = Json{{"x", 1}};
  std::string body = Dump(doc);
  if (t.fault == LlmFault::kMalformedJson) body = R"({"id": "chatcmpl", oops})";
  if (t.fault == LlmFault::kTruncatedStream) body = body.substr(0, body.size() / 2);
  FakeResponse r = FakeResponse::Json(200, body);
  if (t.fault == LlmFault::kResetMidStream) r.WithFault(Fault::ResetMidBody(body.size() / 2));
  if (t.fault == LlmFault::kStallMidStream) r.WithFault(Fault::StallMidBody(body.size() / 2));
  return r;
}

}  // namespace

FakeTurn FakeTurn::Say(std::vector<std::string> pieces, agent::Usage usage) {
  FakeTurn t;
  t.text = std::move(pieces);
  t.usage = usage;
  return t;
}

FakeTurn FakeTurn::Call(std::vector<FakeToolCall> calls, std::vector<std::string> pieces,
                        agent::Usage usage) {
  FakeTurn t;
  t.tool_calls = std::move(calls);
  t.text = std::move(pieces);
  t.usage = usage;
  return t;
}

FakeTurn FakeTurn::Fault(LlmFault fault) {
  FakeTurn t = Say({"unused"});
  t.fault = fault;
  return t;
}

FakeLlm::FakeLlm(std::vector<FakeTurn> script, FakeLlmOptions options)
    : options_(std::move(options)), script_(std::move(script)) {
  server_.On("POST", "/v1/messages",
             [this](const RecordedRequest& r) { return Handle(Protocol::kAnthropic, r); });
  server_.On("POST", "/v1/chat/completions",
             [this](const RecordedRequest& r) { return Handle(Protocol::kOpenAi, r); });
}

FakeLlm::~FakeLlm() { server_.Stop(); }

std::string FakeLlm::url() const { return server_.url(); }

void FakeLlm::Add(std::vector<FakeTurn> turns) {
  std::lock_guard lock(mu_);
  for (auto& t : turns) script_.push_back(std::move(t));
}

std::vector<nlohmann::json> FakeLlm::requests() const {
  std::lock_guard lock(mu_);
  return bodies_;
}

std::vector<RecordedRequest> FakeLlm::raw_requests() const { return server_.requests(); }

std::size_t FakeLlm::turns_served() const {
  std::lock_guard lock(mu_);
  return next_;
}

std::vector<std::string> FakeLlm::rejections() const {
  std::lock_guard lock(mu_);
  return rejections_;
}

FakeResponse FakeLlm::Handle(Protocol protocol, const RecordedRequest& request) {
  const bool anthropic = protocol == Protocol::kAnthropic;
  Json body = Json::parse(request.body, nullptr, false);
  std::lock_guard lock(mu_);
  bodies_.push_back(body.is_discarded() ? Json() : body);

  auto reject = [&](const std::string& why) {
    rejections_.push_back(why);
    return anthropic ? AnthropicError(400, "invalid_request_error", why)
                     : OpenAiError(400, "invalid_request_error", nullptr, why);
  };
  // The key the request carried, for the 401 checks and echoes.
  std::string key;
  if (anthropic) {
    key = request.Header("x-api-key").value_or("");
  } else {
    std::string auth = request.Header("Authorization").value_or("");
    if (auth.rfind("Bearer ", 0) == 0) key = auth.substr(7);
  }
  auto unauthorized = [&] {
    return anthropic ? AnthropicError(401, "authentication_error",
                                      fmt::format("invalid x-api-key: {}", key))
                     : OpenAiError(401, "invalid_request_error", "invalid_api_key",
                                   fmt::format("Incorrect API key provided: {}. You can find "
                                               "your API key at https://platform.openai.com.",
                                               key));
  };
  if (!options_.api_key.empty() && key != options_.api_key) return unauthorized();
  if (body.is_discarded()) return reject("request body is not valid JSON");
  if (anthropic && !request.Header("anthropic-version")) {
    return reject("anthropic-version: header is required");
  }
  if (std::string why = anthropic ? CheckAnthropicRequest(body) : CheckOpenAiRequest(body);
      !why.empty()) {
    return reject(why);
  }
  if (next_ >= script_.size())
    return reject(fmt::format("fake llm: the script has no turn {}", next_ + 1));
  const FakeTurn turn = script_[next_];
  const std::size_t n = ++next_;
  const std::string model = turn.model.empty() ? body.value("model", "") : turn.model;
  const bool stream = body.value("stream", false);

  switch (turn.fault) {
    case LlmFault::kStall:
      return FakeResponse::Status(200).WithFault(Fault::StallBeforeHeaders());
    case LlmFault::kReset:
      return FakeResponse::Status(200).WithFault(Fault::ResetBeforeHeaders());
    case LlmFault::kRateLimited: {
      FakeResponse r = anthropic ? AnthropicError(429, "rate_limit_error",
                                                  "Number of request tokens has exceeded your "
                                                  "per-minute rate limit")
                                 : OpenAiError(429, "requests", "rate_limit_exceeded",
                                               "Rate limit reached for requests");
      if (!turn.retry_after.empty()) r.WithHeader("retry-after", turn.retry_after);
      if (!turn.retry_after_ms.empty()) r.WithHeader("retry-after-ms", turn.retry_after_ms);
      return r;
    }
    case LlmFault::kServerError:
      return anthropic ? AnthropicError(500, "api_error", "Internal server error")
                       : OpenAiError(500, "server_error", nullptr,
                                     "The server had an error while processing your request.");
    case LlmFault::kOverloaded:
      return anthropic ? AnthropicError(529, "overloaded_error", "Overloaded")
                       : OpenAiError(503, "server_error", nullptr,
                                     "The engine is currently overloaded, please try again later");
    case LlmFault::kContextLength:
      return anthropic
                 ? AnthropicError(400, "invalid_request_error",
                                  "prompt is too long: 212345 tokens > 200000 maximum")
                 : OpenAiError(400, "invalid_request_error", "context_length_exceeded",
                               "This model's maximum context length is 128000 tokens. However, "
                               "your messages resulted in 130000 tokens. Please reduce the "
                               "length of the messages.");
    case LlmFault::kUnauthorized:
      return unauthorized();
    case LlmFault::kStreamError:
      if (!stream) {
        return anthropic ? AnthropicError(529, "overloaded_error", "Overloaded")
                         : OpenAiError(503, "server_error", nullptr, "overloaded");
      }
      break;
    default:
      break;
  }
  if (anthropic) return stream ? AnthropicStream(turn, model, n) : AnthropicOneShot(turn, model, n);
  bool include_usage = body.contains("stream_options") && body["stream_options"].is_object() &&
                       body["stream_options"].value("include_usage", false);
  return stream ? OpenAiStream(turn, model, n, include_usage) : OpenAiOneShot(turn, model, n);
}

}  // namespace intern::testing
