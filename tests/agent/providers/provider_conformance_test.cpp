// Behaviour both wire protocols must share, pinned for each provider and each streaming mode:
// a multi-round conversation with tool calls, identical answers streamed or not, and the fault
// matrix (stall, reset, 429 + retry-after, 500, 529/overloaded, malformed JSON, truncated
// stream, unknown event type, ...).

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/agent/providers/provider_harness.h"

namespace intern::agent::testing {
namespace {

using intern::testing::FakeToolCall;
using intern::testing::FakeTurn;
using intern::testing::LlmFault;
using std::chrono::milliseconds;

FakeTurn FirstTurn() {
  return FakeTurn::Call({FakeToolCall{"call_1", "web_search", R"({"q":"A vs B"})"},
                         FakeToolCall{"call_2", "read_page", R"({"url":"https://a.example/d"})"}},
                        {"Let me ", "look that up."}, Usage{100, 30, 20, 0});
}

FakeTurn SecondTurn() {
  return FakeTurn::Say({"A is ", "faster; ", "B is cheaper."}, Usage{50, 12, 140, 0});
}

Response ExpectedFirst(const std::string& model) {
  Response r;
  r.message.role = Role::kAssistant;
  r.message.content = {TextBlock{"Let me look that up."},
                       ToolUseBlock{"call_1", "web_search", R"({"q":"A vs B"})"},
                       ToolUseBlock{"call_2", "read_page", R"({"url":"https://a.example/d"})"}};
  r.usage = Usage{100, 30, 20, 0};
  r.stop_reason = StopReason::kToolUse;
  r.model = model;
  return r;
}

Response ExpectedSecond(const std::string& model) {
  Response r;
  r.message = Message::Assistant("A is faster; B is cheaper.");
  r.usage = Usage{50, 12, 140, 0};
  r.stop_reason = StopReason::kEndTurn;
  r.model = model;
  return r;
}

std::string ModelOf(Wire wire) { return wire == Wire::kAnthropic ? "claude-test" : "gpt-test"; }

}  // namespace

TEST_CASE("each provider runs a tool-calling conversation the same way streamed and not") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  bool stream = GENERATE(true, false);
  CAPTURE(WireName(wire), stream);
  Harness h(wire, stream, {FirstTurn(), SecondTurn()});

  LlmRequest request = BasicRequest();
  Result<Response> first = h.Complete(request);
  REQUIRE(first.ok());
  CHECK(*first == ExpectedFirst(ModelOf(wire)));

  request.messages.push_back(first->message);
  request.messages.push_back(
      Message::ToolResults({ToolResultBlock{"call_1", "A: 10 ms, B: 20 ms", false},
                            ToolResultBlock{"call_2", "fetch failed: HTTP 404", true}}));
  Result<Response> second = h.Complete(request);
  REQUIRE(second.ok());
  CHECK(*second == ExpectedSecond(ModelOf(wire)));

  if (stream) {
    CHECK(h.deltas == std::vector<std::string>{"Let me ", "look that up.", "A is ", "faster; ",
                                               "B is cheaper."});
  } else {
    CHECK(h.deltas ==
          std::vector<std::string>{"Let me look that up.", "A is faster; B is cheaper."});
  }
  CHECK(h.llm.rejections().empty());
  CHECK(h.llm.turns_served() == 2);
  CHECK(h.clock.sleeps().empty());
}

TEST_CASE("each provider recovers from transient faults by retrying, waiting as asked") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  bool stream = GENERATE(true, false);
  struct Row {
    LlmFault fault;
    const char* name;
  };
  Row row = GENERATE(Row{LlmFault::kStall, "stall"}, Row{LlmFault::kReset, "reset"},
                     Row{LlmFault::kRateLimited, "429"}, Row{LlmFault::kServerError, "500"},
                     Row{LlmFault::kOverloaded, "529/overloaded"},
                     Row{LlmFault::kStreamError, "overloaded error event"});
  CAPTURE(WireName(wire), stream, row.name);
  FakeTurn faulty = FakeTurn::Fault(row.fault);
  faulty.retry_after = "7";
  Harness h(wire, stream, {faulty, SecondTurn()});
  if (row.fault == LlmFault::kStall) h.ShortDeadlines();

  Result<Response> r = h.Complete(BasicRequest());
  INFO((r.ok() ? std::string("ok") : r.message()));
  REQUIRE(r.ok());
  CHECK(*r == ExpectedSecond(ModelOf(wire)));
  CHECK(h.llm.turns_served() == 2);
  REQUIRE(h.clock.sleeps().size() == 1);
  if (row.fault == LlmFault::kRateLimited) {
    CHECK(h.clock.sleeps()[0] == milliseconds(7000));
  } else {
    // Full jitter on the first retry: between 0 and the base delay.
    CHECK(h.clock.sleeps()[0] <= milliseconds(100));
  }
  // The failed attempt showed no text, so the answer's text appears once.
  CHECK(h.AllDeltas() == "A is faster; B is cheaper.");
}

TEST_CASE("each provider honours retry-after-ms over retry-after") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  FakeTurn limited = FakeTurn::Fault(LlmFault::kRateLimited);
  limited.retry_after = "30";
  limited.retry_after_ms = "1500";
  Harness h(wire, true, {limited, SecondTurn()});
  REQUIRE(h.Complete(BasicRequest()).ok());
  CHECK(h.clock.sleeps() == std::vector<milliseconds>{milliseconds(1500)});
}

TEST_CASE("each provider gives up after max_attempts and says how often it tried") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  bool stream = GENERATE(true, false);
  CAPTURE(WireName(wire), stream);
  FakeTurn limited = FakeTurn::Fault(LlmFault::kRateLimited);
  limited.retry_after = "2";
  Harness h(wire, stream, {limited, limited, limited, SecondTurn()});
  std::vector<std::string> retries;
  h.options.on_retry = [&](int retry, milliseconds delay, const std::string& reason) {
    retries.push_back(fmt::format("{} {} {}", retry, delay.count(), reason));
  };
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kRateLimited);
  std::string said = wire == Wire::kAnthropic
                         ? "rate_limit_error: Number of request tokens has exceeded your "
                           "per-minute rate limit"
                         : "requests: Rate limit reached for requests";
  CHECK(r.message() == std::string(WireName(wire)) +
                           ": 127.0.0.1 kept rate-limiting the requests (HTTP 429): wait a while "
                           "and try again (" +
                           said + ") (after 3 attempts)");
  CHECK(h.clock.sleeps() == std::vector<milliseconds>{milliseconds(2000), milliseconds(2000)});
  CHECK(h.llm.turns_served() == 3);
  const std::string reason = std::string(WireName(wire)) +
                             ": 127.0.0.1 kept rate-limiting the requests (HTTP 429): wait a while "
                             "and try again (" +
                             said + ")";
  CHECK(retries == std::vector<std::string>{"0 2000 " + reason, "1 2000 " + reason});
}

TEST_CASE("each provider does not wait for a retry-after longer than its limit") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  FakeTurn limited = FakeTurn::Fault(LlmFault::kRateLimited);
  limited.retry_after = "3600";
  Harness h(wire, true, {limited, SecondTurn()});
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kRateLimited);
  CHECK(r.message() == std::string(WireName(wire)) +
                           ": 127.0.0.1 asked to wait 3600 s before retrying, longer than the "
                           "60 s this client waits: try again later");
  CHECK(h.clock.sleeps().empty());
  CHECK(h.llm.turns_served() == 1);
}

TEST_CASE("each provider classifies malformed, truncated and unknown answers without retrying") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  bool stream = GENERATE(true, false);
  CAPTURE(WireName(wire), stream);
  const std::string p = WireName(wire);

  SECTION("malformed JSON") {
    Harness h(wire, stream, {FakeTurn::Fault(LlmFault::kMalformedJson), SecondTurn()});
    Result<Response> r = h.Complete(BasicRequest());
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == ErrorCode::kProtocol);
    if (stream) {
      CHECK(r.message() == (wire == Wire::kAnthropic
                                ? "anthropic: the data of a \"content_block_start\" event is not "
                                  "a JSON object"
                                : "openai: the data of a stream event is not a JSON object"));
    } else {
      CHECK(r.message() == p + ": the answer is not a JSON object (" +
                               std::to_string(wire == Wire::kAnthropic ? 19 : 24) + " bytes)");
    }
    CHECK(h.llm.turns_served() == 1);
    CHECK(h.deltas.empty());
  }
  SECTION("truncated stream") {
    FakeTurn cut = SecondTurn();
    cut.fault = LlmFault::kTruncatedStream;
    Harness h(wire, stream, {cut, SecondTurn()});
    Result<Response> r = h.Complete(BasicRequest());
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == ErrorCode::kProtocol);
    const std::string note =
        " (the answer was cut off after part of it was shown; not retried, so no text is "
        "repeated)";
    if (!stream) {
      CHECK(r.message().rfind(p + ": the answer is not a JSON object (", 0) == 0);
    } else if (wire == Wire::kAnthropic) {
      CHECK(r.message() ==
            "anthropic: the event stream ended before message_stop (truncated)" + note);
    } else {
      CHECK(r.message() ==
            "openai: the event stream ended before a finish_reason and [DONE] (truncated)" + note);
    }
    CHECK(h.llm.turns_served() == 1);
  }
  SECTION("an unknown event type is ignored") {
    FakeTurn odd = SecondTurn();
    odd.fault = LlmFault::kUnknownEvent;
    Harness h(wire, stream, {odd});
    Result<Response> r = h.Complete(BasicRequest());
    REQUIRE(r.ok());
    CHECK(*r == ExpectedSecond(ModelOf(wire)));
  }
  SECTION("a context-length error asks for compaction") {
    Harness h(wire, stream, {FakeTurn::Fault(LlmFault::kContextLength), SecondTurn()});
    Result<Response> r = h.Complete(BasicRequest());
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == ErrorCode::kContextLength);
    if (wire == Wire::kAnthropic) {
      CHECK(r.message() ==
            "anthropic: the request is longer than the context window of "
            "claude-test (HTTP 400) (invalid_request_error: prompt is too long: "
            "212345 tokens > 200000 maximum)");
    } else {
      CHECK(r.message() ==
            "openai: the request is longer than the context window of gpt-test "
            "(HTTP 400) (invalid_request_error: This model's maximum context "
            "length is 128000 tokens. However, your messages resulted in 130000 "
            "tokens. Please reduce the length of the messages.)");
    }
    CHECK(h.llm.turns_served() == 1);
  }
}

TEST_CASE("each provider does not retry a stream that failed after showing text") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  LlmFault fault = GENERATE(LlmFault::kResetMidStream, LlmFault::kStallMidStream);
  CAPTURE(WireName(wire), static_cast<int>(fault));
  FakeTurn broken = SecondTurn();
  broken.fault = fault;
  Harness h(wire, true, {broken, SecondTurn()});
  if (fault == LlmFault::kStallMidStream) h.ShortDeadlines();
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() ==
        (fault == LlmFault::kResetMidStream ? ErrorCode::kConnection : ErrorCode::kTimeout));
  INFO(r.message());
  CHECK(r.message().find("(the answer was cut off after part of it was shown; not retried, so "
                         "no text is repeated)") != std::string::npos);
  // The first piece arrived before the fault: it was delivered as it came, and only once.
  CHECK(h.deltas == std::vector<std::string>{"A is "});
  CHECK(h.llm.turns_served() == 1);
  CHECK(h.clock.sleeps().empty());
}

TEST_CASE("each provider retries a one-shot answer cut mid-body, since nothing was shown") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  FakeTurn broken = SecondTurn();
  broken.fault = LlmFault::kResetMidStream;
  Harness h(wire, false, {broken, SecondTurn()});
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE(r.ok());
  CHECK(*r == ExpectedSecond(ModelOf(wire)));
  CHECK(h.llm.turns_served() == 2);
}

TEST_CASE("each provider names the env var on 401 and never shows the key") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  bool stream = GENERATE(true, false);
  Harness h(wire, stream, {FakeTurn::Fault(LlmFault::kUnauthorized)});
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kUnauthorized);
  std::string var = wire == Wire::kAnthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
  CHECK(r.message() == std::string(WireName(wire)) +
                           ": 127.0.0.1 refused the credential (HTTP 401): check " + var);
  CHECK(h.llm.turns_served() == 1);
  CHECK(r.message().find(kSecret) == std::string::npos);
}

TEST_CASE("each provider keeps a distinctive key out of every message and delta") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  bool stream = GENERATE(true, false);
  CAPTURE(WireName(wire), stream);
  // A server that quotes the credential it received in every error it gives.
  intern::testing::FakeHttpServer echo;
  int status_index = 0;
  const std::vector<int> statuses = {400, 401, 403, 404, 413, 422, 500};
  echo.OnPrefix("POST", "/", [&](const intern::testing::RecordedRequest& request) {
    std::string key =
        request.Header("x-api-key").value_or(request.Header("Authorization").value_or(""));
    int status = statuses[static_cast<std::size_t>(status_index++) % statuses.size()];
    nlohmann::json body = {{"type", "error"},
                           {"error",
                            {{"type", "invalid_request_error"},
                             {"message", "the key " + key + " is not valid here"},
                             {"code", "bad_key " + key}}}};
    return intern::testing::FakeResponse::Json(status, body.dump());
  });
  Harness h(wire, stream, {});
  h.options.base_url = wire == Wire::kAnthropic ? echo.url() : echo.url() + "/v1";
  h.options.retry.max_attempts = 2;
  std::vector<std::string> messages;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    Result<Response> r = h.Complete(BasicRequest());
    REQUIRE_FALSE(r.ok());
    messages.push_back(r.message());
  }
  // The key reached the server (so the echo had something to leak)...
  REQUIRE_FALSE(echo.requests().empty());
  std::string sent = echo.requests()[0]
                         .Header("x-api-key")
                         .value_or(echo.requests()[0].Header("Authorization").value_or(""));
  CHECK(sent.find(kSecret) != std::string::npos);
  // ...and came back in no message.
  for (const auto& m : messages) {
    INFO(m);
    CHECK(m.find(kSecret) == std::string::npos);
  }
  CHECK(messages[0].find("[redacted]") != std::string::npos);
  CHECK(h.AllDeltas().find(kSecret) == std::string::npos);
  // The key travels in its header only, never in a request body.
  for (const auto& request : echo.requests())
    CHECK(request.body.find(kSecret) == std::string::npos);
}

TEST_CASE("each provider lets x-should-retry overrule the status table") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  intern::testing::FakeHttpServer server;
  const std::string path = wire == Wire::kAnthropic ? "/v1/messages" : "/v1/chat/completions";
  server.On(
      "POST", path,
      {intern::testing::FakeResponse::Json(500, R"({"error":{"type":"api_error","message":"x"}})")
           .WithHeader("x-should-retry", "false"),
       intern::testing::FakeResponse::Json(409, R"({"error":{"type":"conflict","message":"y"}})")
           .WithHeader("x-should-retry", "false")});
  Harness h(wire, false, {});
  h.options.base_url = wire == Wire::kAnthropic ? server.url() : server.url() + "/v1";
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kServer);
  CHECK(server.request_count() == 1);
  CHECK(h.clock.sleeps().empty());
}

}  // namespace intern::agent::testing
