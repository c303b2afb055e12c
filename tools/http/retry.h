#pragma once
// Retrying HTTP calls (DESIGN §3): exponential backoff with full jitter on 408/409/429/5xx/529
// and on connection errors and timeouts, honouring the server's retry-after-ms / retry-after;
// no retry on other 4xx, which RequireSuccess / DescribeHttpError turn into one sentence naming
// the fix.
//
// Time comes from an injected Clock and randomness from a seeded std::mt19937, so tests run the
// whole schedule instantly and exactly (FakeClock records every wait).

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "config/clock.h"
#include "config/result.h"
#include "tools/http/http_client.h"

namespace intern::tools {

struct RetryPolicy {
  // Attempts in all, the first included; 1 disables retrying.
  int max_attempts = 4;
  // The backoff before retry n (0-based) is uniform in [0, min(max_delay, base_delay * 2^n)].
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{30'000};
  // A server asking to wait longer than this is not waited for: the call gives up at once with a
  // message saying how long the server asked for.
  std::chrono::milliseconds max_retry_after{60'000};
};

// Whether a response status is worth another attempt (408, 409, 429, 5xx including 529).
bool ShouldRetry(int status);
// Whether a transport failure is worth another attempt (kConnection, kTimeout, kServer,
// kRateLimited).
bool ShouldRetry(ErrorCode code);

// The wait the server asked for: `retry-after-ms` (milliseconds, may be fractional) wins over
// `retry-after` (whole seconds, or an HTTP-date relative to `now`). nullopt when neither is
// present or parseable; a date in the past gives 0.
std::optional<std::chrono::milliseconds> ServerRetryAfter(
    const HttpHeaders& headers, std::chrono::system_clock::time_point now);

// Full-jitter exponential backoff for retry number `retry` (0-based).
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, std::mt19937& rng);

// The wait before retry number `retry`: the server's request when there is one, else backoff.
// Fails (kRateLimited, naming `host`, the wait asked for and the limit) when the server asks for
// more than policy.max_retry_after.
Result<std::chrono::milliseconds> RetryDelay(const RetryPolicy& policy, int retry,
                                             const HttpHeaders& headers, std::mt19937& rng,
                                             std::chrono::system_clock::time_point now,
                                             std::string_view host);

// The failure code a final HTTP error status maps to (401 kUnauthorized, 403 kForbidden,
// 404 kNotFound, 413 kTooLarge, 429 kRateLimited, 5xx kServer, other 4xx kInvalidArgument).
ErrorCode ErrorCodeForStatus(int status);

// One sentence describing an HTTP error response and the fix, naming the host from
// response.final_url and, for 401/403, `credential_hint` (the env var or config key holding the
// credential), e.g. "api.anthropic.com refused the credential (HTTP 401): check
// ANTHROPIC_API_KEY". For other 4xx it quotes the start of the server's explanation. Never
// contains header values.
std::string DescribeHttpError(const HttpResponse& response, std::string_view credential_hint);

// Passes through failures and responses below 400; turns a response of 400 or above into a
// Failure{ErrorCodeForStatus(status), DescribeHttpError(...)}.
Result<HttpResponse> RequireSuccess(Result<HttpResponse> result, std::string_view credential_hint);

// An HttpClient decorator that retries what ShouldRetry allows, sleeping on `clock`. A response
// header `x-should-retry: true|false` (sent by some LLM APIs) overrides ShouldRetry(status).
// On giving up it returns what the last attempt returned: the response (for an error status) or
// the failure. Stream() retries only while no body byte has reached the caller's callback.
//
// Thread safety: as safe as `inner`; the jitter generator is guarded, so concurrent calls are
// fine when `inner` allows them.
class RetryingHttpClient final : public HttpClient {
 public:
  // Called before each wait: the retry number (0-based), the wait, and why ("HTTP 429",
  // "connection reset by …"). For progress lines; may be empty.
  using Observer =
      std::function<void(int retry, std::chrono::milliseconds delay, const std::string& reason)>;

  // `inner` and `clock` are borrowed and must outlive this object.
  RetryingHttpClient(HttpClient& inner, Clock& clock, RetryPolicy policy, std::mt19937 rng,
                     Observer observer = {});

  Result<HttpResponse> Send(const HttpRequest& request) override;
  Result<HttpResponse> Stream(const HttpRequest& request, const HttpBodySink& on_body) override;

 private:
  template <typename Attempt>
  Result<HttpResponse> Run(const HttpRequest& request, const Attempt& attempt);

  HttpClient& inner_;
  Clock& clock_;
  RetryPolicy policy_;
  std::mutex rng_mu_;
  std::mt19937 rng_;
  Observer observer_;
};

}  // namespace intern::tools
