#pragma once
// FallbackProvider — a chain of providers tried in order (`providers.fallback`, DESIGN §3): when
// one fails in a way another provider could fix, the next one gets the same request with its
// own model.
//
// Moves on after (each provider has already done its own retries):
//   kServer, kRateLimited, kConnection, kTimeout — the service is down or busy;
//   kProtocol, kUnavailable — this endpoint is broken; another may not be.
// Stops at once and returns the failure for:
//   kUnauthorized, kForbidden, kNotFound — configuration the user must fix; silently answering
//     from the next provider would hide it on every run;
//   kInvalidArgument, kTooLarge — the request itself is wrong and would fail everywhere;
//   kContextLength — the loop must compact (its budget is computed for the primary model);
//   kCancelled — the user asked to stop.
// Never moves on once the failed provider has passed text to on_delta: the caller has shown
// it, and a second provider would show an answer again (the same rule as a provider's retries).
//
// Success: the answer, with Response.model set to "provider/model" of the entry that answered
// (the model as that provider reported it; ModelCatalog::Find strips the prefix for prices).
// Failure when every entry failed: the last failure's code, and a message naming every entry
// and why it failed: "every provider failed: anthropic:claude-x: ...; openai:gpt-y: ...".
//
// Thread safety: one Complete at a time (LlmProvider's contract).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/message.h"

namespace intern::agent {

struct FallbackEntry {
  std::string provider;  // "anthropic", "openai": for labels and Response.model
  std::string model;     // replaces request.model; "" keeps the request's model (the primary)
  std::unique_ptr<LlmProvider> llm;
};

class FallbackProvider final : public LlmProvider {
 public:
  // Told when an entry failed and the next is tried: the failed "provider:model", its failure,
  // and the next "provider:model" (for a progress line). May be empty.
  using Observer = std::function<void(const std::string& failed, const Failure& failure,
                                      const std::string& next)>;

  // `chain` must not be empty and hold no null providers (throws intern::Error otherwise).
  explicit FallbackProvider(std::vector<FallbackEntry> chain, Observer on_fallback = {});

  Result<Response> Complete(
      const LlmRequest& request,
      const std::function<void(std::string_view text_delta)>& on_delta) override;

  // Whether a failure with `code` lets the chain move on (the table above).
  static bool MovesOn(ErrorCode code);

 private:
  std::vector<FallbackEntry> chain_;
  Observer on_fallback_;
};

}  // namespace intern::agent
