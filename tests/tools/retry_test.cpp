#include "tools/http/retry.h"

#include <catch2/catch.hpp>
#include <deque>

namespace intern::tools {
namespace {

using std::chrono::milliseconds;

// Answers from a script, in order, and records what it was asked.
class ScriptedHttpClient final : public HttpClient {
 public:
  explicit ScriptedHttpClient(std::vector<Result<HttpResponse>> script)
      : script_(script.begin(), script.end()) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    REQUIRE_FALSE(script_.empty());
    Result<HttpResponse> next = script_.front();
    script_.pop_front();
    return next;
  }
  Result<HttpResponse> Stream(const HttpRequest& request, const HttpBodySink& on_body) override {
    Result<HttpResponse> r = Send(request);
    if (r && r->status < 400 && !stream_chunk.empty()) on_body(stream_chunk);
    if (fail_stream_after_chunk) return Fail(ErrorCode::kConnection, "connection reset by h:1");
    return r;
  }

  std::vector<HttpRequest> requests;
  std::string stream_chunk;
  bool fail_stream_after_chunk = false;

 private:
  std::deque<Result<HttpResponse>> script_;
};

HttpResponse Response(int status, HttpHeaders headers = {}, std::string body = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  r.final_url = "https://api.anthropic.com/v1/messages";
  return r;
}

HttpRequest Request() {
  HttpRequest r;
  r.method = "POST";
  r.url = "https://api.anthropic.com/v1/messages";
  return r;
}

RetryPolicy Policy() {
  RetryPolicy p;
  p.max_attempts = 4;
  p.base_delay = milliseconds(100);
  p.max_delay = milliseconds(1000);
  p.max_retry_after = milliseconds(60'000);
  return p;
}

TEST_CASE("retryable statuses and failures are told apart from final ones") {
  for (int status : {408, 409, 429, 500, 502, 503, 504, 529}) {
    INFO(status);
    CHECK(ShouldRetry(status));
  }
  for (int status : {200, 301, 400, 401, 403, 404, 413, 422}) {
    INFO(status);
    CHECK_FALSE(ShouldRetry(status));
  }
  CHECK(ShouldRetry(ErrorCode::kConnection));
  CHECK(ShouldRetry(ErrorCode::kTimeout));
  CHECK_FALSE(ShouldRetry(ErrorCode::kTooLarge));
  CHECK_FALSE(ShouldRetry(ErrorCode::kProtocol));
  CHECK_FALSE(ShouldRetry(ErrorCode::kCancelled));
}

TEST_CASE("backoff is full jitter within a doubling cap that stops at max_delay") {
  RetryPolicy p = Policy();
  std::mt19937 rng(42);
  for (int retry = 0; retry < 8; ++retry) {
    milliseconds cap = std::min(milliseconds(100 << retry), milliseconds(1000));
    milliseconds lowest = cap, highest{0};
    for (int i = 0; i < 300; ++i) {
      milliseconds d = BackoffDelay(p, retry, rng);
      REQUIRE(d >= milliseconds(0));
      REQUIRE(d <= cap);
      lowest = std::min(lowest, d);
      highest = std::max(highest, d);
    }
    INFO("retry " << retry);
    // Full jitter spreads over the whole range, not just near the cap.
    CHECK(lowest < cap / 5);
    CHECK(highest > cap * 4 / 5);
  }
  CHECK(BackoffDelay(p, 1000, rng) <= milliseconds(1000));  // no overflow for huge retry numbers
  std::mt19937 a(7), b(7);
  CHECK(BackoffDelay(p, 3, a) == BackoffDelay(p, 3, b));  // seeded: reproducible
}

TEST_CASE("retry-after-ms wins over retry-after, which may be seconds or an HTTP date") {
  auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(ServerRetryAfter({{"Retry-After", "2"}}, now) == milliseconds(2000));
  CHECK(ServerRetryAfter({{"retry-after", " 1.5 "}}, now) == milliseconds(1500));
  CHECK(ServerRetryAfter({{"retry-after", "2"}, {"retry-after-ms", "250.2"}}, now) ==
        milliseconds(251));
  CHECK(ServerRetryAfter({{"retry-after", "Wed, 21 Oct 2015 07:28:30 GMT"}}, now) ==
        milliseconds(30'000));
  CHECK(ServerRetryAfter({{"retry-after", "Wed, 21 Oct 2015 07:00:00 GMT"}}, now) ==
        milliseconds(0));
  CHECK_FALSE(ServerRetryAfter({{"retry-after", "soon"}}, now).has_value());
  CHECK_FALSE(ServerRetryAfter({{"retry-after", "-3"}}, now).has_value());
  CHECK_FALSE(ServerRetryAfter({}, now).has_value());
}

TEST_CASE("RetryDelay uses the server's wait, and refuses one beyond max_retry_after") {
  std::mt19937 rng(1);
  auto now = std::chrono::system_clock::now();
  CHECK(*RetryDelay(Policy(), 0, {{"retry-after", "3"}}, rng, now, "h") == milliseconds(3000));
  Result<milliseconds> too_long =
      RetryDelay(Policy(), 0, {{"retry-after", "3600"}}, rng, now, "api.example.com");
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.code() == ErrorCode::kRateLimited);
  CHECK(too_long.message() ==
        "api.example.com asked to wait 3600 s before retrying, longer than the 60 s this client "
        "waits: try again later");
}

TEST_CASE("a 429 with retry-after: 2 waits 2 s on the fake clock, then succeeds") {
  ScriptedHttpClient inner({Response(429, {{"retry-after", "2"}}), Response(200, {}, "ok")});
  FakeClock clock;
  RetryingHttpClient client(inner, clock, Policy(), std::mt19937(3));
  Result<HttpResponse> r = client.Send(Request());
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == "ok");
  CHECK(clock.sleeps() == std::vector<milliseconds>{milliseconds(2000)});
  CHECK(inner.requests.size() == 2);
}

TEST_CASE("retry-after-ms is honoured to the millisecond") {
  ScriptedHttpClient inner({Response(529, {{"retry-after-ms", "1234"}}), Response(200)});
  FakeClock clock;
  RetryingHttpClient client(inner, clock, Policy(), std::mt19937(3));
  REQUIRE(client.Send(Request())->status == 200);
  CHECK(clock.sleeps() == std::vector<milliseconds>{milliseconds(1234)});
}

TEST_CASE("5xx and connection failures are retried with jittered backoff until success") {
  ScriptedHttpClient inner({Response(503), Fail(ErrorCode::kConnection, "connection reset by h:1"),
                            Response(502), Response(200, {}, "fine")});
  FakeClock clock;
  std::vector<std::string> reasons;
  RetryingHttpClient client(inner, clock, Policy(), std::mt19937(5),
                            [&](int retry, milliseconds, const std::string& reason) {
                              reasons.push_back(std::to_string(retry) + ": " + reason);
                            });
  Result<HttpResponse> r = client.Send(Request());
  REQUIRE(r.ok());
  CHECK(r->body == "fine");
  std::vector<milliseconds> sleeps = clock.sleeps();
  REQUIRE(sleeps.size() == 3);
  CHECK(sleeps[0] <= milliseconds(100));
  CHECK(sleeps[1] <= milliseconds(200));
  CHECK(sleeps[2] <= milliseconds(400));
  // Same seed, same schedule.
  std::mt19937 rng(5);
  CHECK(sleeps[0] == BackoffDelay(Policy(), 0, rng));
  CHECK(reasons ==
        std::vector<std::string>{"0: HTTP 503", "1: connection reset by h:1", "2: HTTP 502"});
}

TEST_CASE("400, 401, 403 and 404 are returned at once without retrying") {
  for (int status : {400, 401, 403, 404, 413}) {
    INFO(status);
    ScriptedHttpClient inner({Response(status)});
    FakeClock clock;
    RetryingHttpClient client(inner, clock, Policy(), std::mt19937(1));
    Result<HttpResponse> r = client.Send(Request());
    REQUIRE(r.ok());
    CHECK(r->status == status);
    CHECK(inner.requests.size() == 1);
    CHECK(clock.sleeps().empty());
  }
}

TEST_CASE("x-should-retry from the server overrides the status rule either way") {
  ScriptedHttpClient inner({Response(409, {{"x-should-retry", "false"}})});
  FakeClock clock;
  RetryingHttpClient client(inner, clock, Policy(), std::mt19937(1));
  CHECK(client.Send(Request())->status == 409);
  CHECK(inner.requests.size() == 1);

  ScriptedHttpClient inner2(
      {Response(400, {{"x-should-retry", "true"}, {"retry-after-ms", "5"}}), Response(200)});
  RetryingHttpClient client2(inner2, clock, Policy(), std::mt19937(1));
  CHECK(client2.Send(Request())->status == 200);
  CHECK(clock.sleeps() == std::vector<milliseconds>{milliseconds(5)});
}

TEST_CASE("401 is not retried and yields a sentence naming the credential") {
  ScriptedHttpClient inner({Response(401, {}, R"({"error":"invalid x-api-key"})")});
  FakeClock clock;
  RetryingHttpClient client(inner, clock, Policy(), std::mt19937(1));
  Result<HttpResponse> r = RequireSuccess(client.Send(Request()), "ANTHROPIC_API_KEY");
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kUnauthorized);
  CHECK(r.message() ==
        "api.anthropic.com refused the credential (HTTP 401): check ANTHROPIC_API_KEY");
  CHECK(inner.requests.size() == 1);
}

TEST_CASE("the retry budget exhausted gives the last response or the last failure") {
  {
    ScriptedHttpClient inner({Response(500), Response(503), Response(429), Response(529, {}, "x")});
    FakeClock clock;
    RetryingHttpClient client(inner, clock, Policy(), std::mt19937(1));
    Result<HttpResponse> r = client.Send(Request());
    REQUIRE(r.ok());
    CHECK(r->status == 529);
    CHECK(r->body == "x");
    CHECK(clock.sleeps().size() == 3);
  }
  {
    ScriptedHttpClient inner({Fail(ErrorCode::kTimeout, "first"), Fail(ErrorCode::kConnection, "2"),
                              Fail(ErrorCode::kConnection, "3"),
                              Fail(ErrorCode::kConnection, "connection reset by h:1")});
    FakeClock clock;
    RetryingHttpClient client(inner, clock, Policy(), std::mt19937(1));
    Result<HttpResponse> r = client.Send(Request());
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure() == Fail(ErrorCode::kConnection, "connection reset by h:1"));
    CHECK(inner.requests.size() == 4);
  }
}

TEST_CASE("a server asking for a wait beyond the limit ends retrying with that reason") {
  ScriptedHttpClient inner({Response(429, {{"retry-after", "7200"}})});
  FakeClock clock;
  RetryingHttpClient client(inner, clock, Policy(), std::mt19937(1));
  Result<HttpResponse> r = client.Send(Request());
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kRateLimited);
  CHECK(r.message() ==
        "api.anthropic.com asked to wait 7200 s before retrying, longer than the "
        "60 s this client waits: try again later");
  CHECK(clock.sleeps().empty());
}

TEST_CASE("a stream is not retried once the caller has seen part of its body") {
  ScriptedHttpClient inner({Response(200), Response(200)});
  inner.stream_chunk = "data: 1\n\n";
  inner.fail_stream_after_chunk = true;
  FakeClock clock;
  RetryingHttpClient client(inner, clock, Policy(), std::mt19937(1));
  std::string seen;
  Result<HttpResponse> r = client.Stream(Request(), [&](std::string_view c) {
    seen += c;
    return true;
  });
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kConnection);
  CHECK(seen == "data: 1\n\n");
  CHECK(inner.requests.size() == 1);
}

TEST_CASE("DescribeHttpError gives one sentence with the fix for each final status") {
  HttpResponse r = Response(0);
  r.final_url = "https://api.github.com/repos/x/y?token=abc";
  r.status = 401;
  CHECK(DescribeHttpError(r, "") ==
        "api.github.com requires a credential (HTTP 401): configure one for this host");
  r.status = 403;
  CHECK(DescribeHttpError(r, "GITHUB_TOKEN") ==
        "api.github.com denied access (HTTP 403): check that GITHUB_TOKEN grants access to this "
        "resource");
  r.status = 404;
  CHECK(DescribeHttpError(r, "") ==
        "https://api.github.com/repos/x/y was not found (HTTP 404): check the name or address");
  r.status = 413;
  CHECK(DescribeHttpError(r, "") ==
        "api.github.com rejected the request as too large (HTTP 413): send less");
  r.status = 429;
  CHECK(DescribeHttpError(r, "") ==
        "api.github.com kept rate-limiting the requests (HTTP 429): wait a while and try again, "
        "or lower the request rate");
  r.status = 503;
  CHECK(DescribeHttpError(r, "") ==
        "api.github.com failed with HTTP 503: the service is having trouble; try again later");
  r.status = 400;
  r.body = "{\n  \"message\":   \"max_tokens: must be at most 8192\"\n}";
  CHECK(DescribeHttpError(r, "") ==
        "api.github.com rejected the request (HTTP 400): { "
        "\"message\": \"max_tokens: must be at most 8192\" }");
  CHECK(RequireSuccess(r, "").code() == ErrorCode::kInvalidArgument);
  CHECK(RequireSuccess(Response(204), "").ok());
}

}  // namespace
}  // namespace intern::tools
