#include "agent/providers/fallback_provider.h"

#include <fmt/format.h>

#include <utility>

#include "config/error.h"

namespace intern::agent {

FallbackProvider::FallbackProvider(std::vector<FallbackEntry> chain, Observer on_fallback)
    : chain_(std::move(chain)), on_fallback_(std::move(on_fallback)) {
  if (chain_.empty()) throw Error("a fallback chain needs at least one provider");
  for (const auto& entry : chain_) {
    if (!entry.llm) throw Error(fmt::format("fallback entry {} has no provider", entry.provider));
  }
}

bool FallbackProvider::MovesOn(ErrorCode code) {
  switch (code) {
    case ErrorCode::kServer:
    case ErrorCode::kRateLimited:
    case ErrorCode::kConnection:
    case ErrorCode::kTimeout:
    case ErrorCode::kProtocol:
    case ErrorCode::kUnavailable:
      return true;
    default:
      return false;
  }
}

Result<Response> FallbackProvider::Complete(const LlmRequest& request,
                                            const std::function<void(std::string_view)>& on_delta) {
  std::string summary;
  for (std::size_t i = 0; i < chain_.size(); ++i) {
    FallbackEntry& entry = chain_[i];
    LlmRequest attempt = request;
    if (!entry.model.empty()) attempt.model = entry.model;
    const std::string label = attempt.model.empty()
                                  ? entry.provider
                                  : fmt::format("{}:{}", entry.provider, attempt.model);
    bool emitted = false;
    Result<Response> result = entry.llm->Complete(attempt, [&](std::string_view text) {
      emitted = true;
      if (on_delta) on_delta(text);
    });
    if (result) {
      std::string model = result->model.empty() ? attempt.model : result->model;
      result->model = fmt::format("{}/{}", entry.provider, model);
      return result;
    }
    if (!summary.empty()) summary += "; ";
    summary += fmt::format("{}: {}", label, result.message());
    const bool last = i + 1 == chain_.size();
    if (emitted || !MovesOn(result.code()) || last) {
      if (i == 0) return result.failure();
      return Fail(result.code(), last && MovesOn(result.code()) && !emitted
                                     ? "every provider failed: " + summary
                                     : "the fallback chain stopped: " + summary);
    }
    if (on_fallback_) {
      const FallbackEntry& next = chain_[i + 1];
      std::string next_model = next.model.empty() ? request.model : next.model;
      on_fallback_(
          label, result.failure(),
          next_model.empty() ? next.provider : fmt::format("{}:{}", next.provider, next_model));
    }
  }
  return Fail(ErrorCode::kUnknown, "unreachable");
}

}  // namespace intern::agent
