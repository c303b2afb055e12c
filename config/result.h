#pragma once
// Result<T> and Status: the return values of operations that can fail in ways the caller must
// handle. A failure carries a code (for branching) and a message with context (for people), e.g.
// Failure{ErrorCode::kUnauthorized, "api.anthropic.com answered 401: set ANTHROPIC_API_KEY"}.
//
// Usage:
//   Result<int> r = Parse(s);
//   if (!r) return r.failure();          // propagate
//   int v = *r;                          // or r.value()
//
// value() on a failed Result throws intern::Error with the failure's message (a programming
// error made loud, never undefined behaviour).

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "config/error.h"

namespace intern {

// Broad classes of failure that callers branch on. Modules add detail in the message.
enum class ErrorCode {
  kUnknown,
  kInvalidArgument,   // the caller's input is wrong (bad JSON, wrong type, unknown field)
  kNotFound,          // 404, no such session/draft/tool
  kUnauthorized,      // 401: missing or wrong credential
  kForbidden,         // 403 (not a rate limit)
  kRateLimited,       // 429, or 403 with an exhausted rate limit
  kTimeout,           // a deadline passed (connect, first byte, idle, total, wall)
  kConnection,        // refused, reset, DNS, TLS handshake
  kProtocol,          // malformed response: bad HTTP, bad JSON, truncated stream, unknown event
  kServer,            // 5xx and overloaded answers
  kTooLarge,          // 413, output or size caps
  kContextLength,     // the model's context window was exceeded
  kCancelled,         // stopped on request (SIGINT, cancellation)
  kUnavailable,       // a mechanism is missing (no network, no sandbox isolation)
  kIo,                // filesystem errors
};

// Name of a code, for logs and JSON ("rate_limited").
const char* ErrorCodeName(ErrorCode code);

struct Failure {
  ErrorCode code = ErrorCode::kUnknown;
  std::string message;

  bool operator==(const Failure&) const = default;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Failure failure) : v_(std::move(failure)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { Check(); return std::get<0>(v_); }
  const T& value() const& { Check(); return std::get<0>(v_); }
  T&& value() && { Check(); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Precondition: !ok().
  const Failure& failure() const { return std::get<1>(v_); }
  ErrorCode code() const { return ok() ? ErrorCode::kUnknown : failure().code; }
  const std::string& message() const { return failure().message; }

 private:
  void Check() const {
    if (!ok()) throw Error(std::get<1>(v_).message);
  }
  std::variant<T, Failure> v_;
};

// The result of an operation with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Failure failure) : failure_(std::move(failure)) {}  // NOLINT(google-explicit-constructor)

  static Status Ok() { return Status(); }

  bool ok() const { return !failure_.has_value(); }
  explicit operator bool() const { return ok(); }
  // Precondition: !ok().
  const Failure& failure() const { return *failure_; }
  ErrorCode code() const { return ok() ? ErrorCode::kUnknown : failure_->code; }
  const std::string& message() const { return failure_->message; }

 private:
  std::optional<Failure> failure_;
};

inline Failure Fail(ErrorCode code, std::string message) {
  return Failure{code, std::move(message)};
}

}  // namespace intern
