#include "tools/http/retry.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>

#include "tools/http/url.h"

namespace intern::tools {
namespace {

using std::chrono::milliseconds;

std::string Trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  std::size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<double> ParseNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value) || value < 0) {
    return std::nullopt;
  }
  return value;
}

// "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 9110 IMF-fixdate, the only form servers send today).
std::optional<std::chrono::system_clock::time_point> ParseHttpDate(const std::string& s) {
  std::tm tm{};
  std::istringstream in(s);
  in.imbue(std::locale::classic());
  in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S GMT");
  if (in.fail()) return std::nullopt;
  std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

std::string HostOf(const HttpResponse& response) {
  Result<Url> url = ParseUrl(response.final_url);
  return url ? url->host : std::string("the server");
}

// The start of the server's explanation on one line, or "".
std::string BodyExcerpt(const std::string& body) {
  std::string out;
  bool space = false;
  for (char c : body) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= 200) {
      out += "…";
      break;
    }
  }
  return out;
}

std::string SecondsText(milliseconds d) {
  if (d.count() % 1000 == 0) return fmt::format("{} s", d.count() / 1000);
  return fmt::format("{:.1f} s", static_cast<double>(d.count()) / 1000.0);
}

}  // namespace

bool ShouldRetry(int status) {
  return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
}

bool ShouldRetry(ErrorCode code) {
  return code == ErrorCode::kConnection || code == ErrorCode::kTimeout ||
         code == ErrorCode::kServer || code == ErrorCode::kRateLimited;
}

std::optional<milliseconds> ServerRetryAfter(const HttpHeaders& headers,
                                             std::chrono::system_clock::time_point now) {
  if (auto ms = FindHeader(headers, "retry-after-ms")) {
    if (auto value = ParseNumber(Trim(*ms))) {
      return milliseconds(static_cast<std::int64_t>(std::ceil(*value)));
    }
  }
  if (auto after = FindHeader(headers, "retry-after")) {
    std::string text = Trim(*after);
    if (auto seconds = ParseNumber(text)) {
      return milliseconds(static_cast<std::int64_t>(std::ceil(*seconds * 1000.0)));
    }
    if (auto when = ParseHttpDate(text)) {
      auto wait = std::chrono::ceil<milliseconds>(*when - now);
      return std::max(wait, milliseconds(0));
    }
  }
  return std::nullopt;
}

milliseconds BackoffDelay(const RetryPolicy& policy, int retry, std::mt19937& rng) {
  // Doubling stops at the cap, so large retry numbers cannot overflow.
  std::int64_t cap = std::max<std::int64_t>(policy.base_delay.count(), 0);
  for (int i = 0; i < retry && cap < policy.max_delay.count(); ++i) cap *= 2;
  cap = std::min<std::int64_t>(cap, policy.max_delay.count());
  if (cap <= 0) return milliseconds(0);
  std::uniform_int_distribution<std::int64_t> dist(0, cap);
  return milliseconds(dist(rng));
}

Result<milliseconds> RetryDelay(const RetryPolicy& policy, int retry, const HttpHeaders& headers,
                                std::mt19937& rng, std::chrono::system_clock::time_point now,
                                std::string_view host) {
  if (auto asked = ServerRetryAfter(headers, now)) {
    if (*asked > policy.max_retry_after) {
      return Fail(ErrorCode::kRateLimited,
                  fmt::format("{} asked to wait {} before retrying, longer than the {} this client "
                              "waits: try again later",
                              host, SecondsText(*asked), SecondsText(policy.max_retry_after)));
    }
    return *asked;
  }
  return BackoffDelay(policy, retry, rng);
}

ErrorCode ErrorCodeForStatus(int status) {
  switch (status) {
    case 401:
      return ErrorCode::kUnauthorized;
    case 403:
      return ErrorCode::kForbidden;
    case 404:
      return ErrorCode::kNotFound;
    case 413:
      return ErrorCode::kTooLarge;
    case 408:
      return ErrorCode::kTimeout;
    case 429:
      return ErrorCode::kRateLimited;
    default:
      break;
  }
  if (status >= 500) return ErrorCode::kServer;
  return ErrorCode::kInvalidArgument;
}

std::string DescribeHttpError(const HttpResponse& response, std::string_view credential_hint) {
  std::string host = HostOf(response);
  int status = response.status;
  std::string hint(credential_hint);
  switch (status) {
    case 401:
      if (hint.empty()) {
        return fmt::format("{} requires a credential (HTTP 401): configure one for this host",
                           host);
      }
      return fmt::format("{} refused the credential (HTTP 401): check {}", host, hint);
    case 403:
      if (hint.empty()) {
        return fmt::format(
            "{} denied access (HTTP 403): the request needs a credential with "
            "access to it",
            host);
      }
      return fmt::format(
          "{} denied access (HTTP 403): check that {} grants access to this "
          "resource",
          host, hint);
    case 404: {
      Result<Url> url = ParseUrl(response.final_url);
      return fmt::format("{} was not found (HTTP 404): check the name or address",
                         url ? url->ForMessages() : host);
    }
    case 413:
      return fmt::format("{} rejected the request as too large (HTTP 413): send less", host);
    case 429:
      return fmt::format(
          "{} kept rate-limiting the requests (HTTP 429): wait a while and try "
          "again, or lower the request rate",
          host);
    default:
      break;
  }
  if (status >= 500) {
    return fmt::format("{} failed with HTTP {}: the service is having trouble; try again later",
                       host, status);
  }
  std::string excerpt = BodyExcerpt(response.body);
  if (excerpt.empty()) return fmt::format("{} rejected the request (HTTP {})", host, status);
  return fmt::format("{} rejected the request (HTTP {}): {}", host, status, excerpt);
}

Result<HttpResponse> RequireSuccess(Result<HttpResponse> result, std::string_view credential_hint) {
  if (!result || result->status < 400) return result;
  return Fail(ErrorCodeForStatus(result->status), DescribeHttpError(*result, credential_hint));
}

RetryingHttpClient::RetryingHttpClient(HttpClient& inner, Clock& clock, RetryPolicy policy,
                                       std::mt19937 rng, Observer observer)
    : inner_(inner),
      clock_(clock),
      policy_(policy),
      rng_(std::move(rng)),
      observer_(std::move(observer)) {}

template <typename Attempt>
Result<HttpResponse> RetryingHttpClient::Run(const HttpRequest& request, const Attempt& attempt) {
  Result<Url> url = ParseUrl(request.url);
  std::string host = url ? url->host : request.url;
  for (int tried = 1;; ++tried) {
    bool may_retry = true;
    Result<HttpResponse> result = attempt(may_retry);
    std::string reason;
    HttpHeaders headers;
    if (result) {
      // Some APIs (Anthropic, OpenAI) say outright whether a retry can help; they know best.
      std::optional<std::string> verdict = result->Header("x-should-retry");
      bool retry = verdict == "true" || (verdict != "false" && ShouldRetry(result->status));
      if (!retry) return result;
      reason = fmt::format("HTTP {}", result->status);
      headers = result->headers;
    } else {
      if (!ShouldRetry(result.code())) return result;
      reason = result.message();
    }
    if (!may_retry || tried >= policy_.max_attempts) return result;
    Result<milliseconds> delay = [&] {
      std::lock_guard lock(rng_mu_);
      return RetryDelay(policy_, tried - 1, headers, rng_, clock_.Now(), host);
    }();
    if (!delay) {
      return result ? Fail(ErrorCodeForStatus(result->status), delay.message()) : delay.failure();
    }
    if (observer_) observer_(tried - 1, *delay, reason);
    clock_.Sleep(*delay);
  }
}

Result<HttpResponse> RetryingHttpClient::Send(const HttpRequest& request) {
  return Run(request, [&](bool&) { return inner_.Send(request); });
}

Result<HttpResponse> RetryingHttpClient::Stream(const HttpRequest& request,
                                                const HttpBodySink& on_body) {
  return Run(request, [&](bool& may_retry) {
    // Once the caller has seen part of a body, a new attempt would repeat it.
    return inner_.Stream(request, [&](std::string_view chunk) {
      may_retry = false;
      return on_body(chunk);
    });
  });
}

}  // namespace intern::tools
