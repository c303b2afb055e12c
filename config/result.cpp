#include "config/result.h"

namespace intern {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnknown: return "unknown";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kUnauthorized: return "unauthorized";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kConnection: return "connection";
    case ErrorCode::kProtocol: return "protocol";
    case ErrorCode::kServer: return "server";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kContextLength: return "context_length";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kIo: return "io";
  }
  return "unknown";
}

}  // namespace intern
