#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "agent/providers/fallback_provider.h"

namespace intern::agent {
namespace {

// Answers from a list of outcomes, recording the model of every request; may show a delta first.
class StubProvider final : public LlmProvider {
 public:
  struct Outcome {
    Result<Response> result;
    std::string delta;  // shown before the result when not empty
  };
  StubProvider(std::vector<Outcome> outcomes, std::vector<std::string>* models)
      : outcomes_(std::move(outcomes)), models_(models) {}

  Result<Response> Complete(const LlmRequest& request,
                            const std::function<void(std::string_view)>& on_delta) override {
    models_->push_back(request.model);
    Outcome o = outcomes_.at(next_++);
    if (!o.delta.empty() && on_delta) on_delta(o.delta);
    return o.result;
  }

 private:
  std::vector<Outcome> outcomes_;
  std::size_t next_ = 0;
  std::vector<std::string>* models_;
};

Response Answer(std::string text, std::string model) {
  Response r;
  r.message = Message::Assistant(std::move(text));
  r.model = std::move(model);
  return r;
}

struct Chain {
  std::vector<std::string> models;
  std::vector<std::string> notes;
  std::unique_ptr<FallbackProvider> provider;
  std::string shown;

  Chain(std::vector<StubProvider::Outcome> first, std::vector<StubProvider::Outcome> second) {
    std::vector<FallbackEntry> chain;
    chain.push_back({"anthropic", "", std::make_unique<StubProvider>(std::move(first), &models)});
    chain.push_back(
        {"openai", "gpt-x", std::make_unique<StubProvider>(std::move(second), &models)});
    provider = std::make_unique<FallbackProvider>(
        std::move(chain),
        [this](const std::string& failed, const Failure& f, const std::string& next) {
          notes.push_back(failed + " -> " + next + " (" + ErrorCodeName(f.code) + ")");
        });
  }
  Result<Response> Run() {
    LlmRequest request;
    request.model = "claude-x";
    request.messages = {Message::User("hi")};
    return provider->Complete(request, [this](std::string_view d) { shown += d; });
  }
};

}  // namespace

TEST_CASE("fallback: the first provider's answer is returned, labelled provider/model") {
  Chain c({{Answer("one", "claude-x-20250101"), ""}}, {});
  Result<Response> r = c.Run();
  REQUIRE(r.ok());
  CHECK(r->model == "anthropic/claude-x-20250101");
  CHECK(c.models == std::vector<std::string>{"claude-x"});
  CHECK(c.notes.empty());
}

TEST_CASE(
    "fallback: a provider failure another provider could fix moves to the next with its model") {
  ErrorCode code = GENERATE(ErrorCode::kServer, ErrorCode::kRateLimited, ErrorCode::kConnection,
                            ErrorCode::kTimeout, ErrorCode::kProtocol, ErrorCode::kUnavailable);
  CAPTURE(ErrorCodeName(code));
  Chain c({{Fail(code, "anthropic: down"), ""}}, {{Answer("two", "gpt-x-2025"), "two"}});
  Result<Response> r = c.Run();
  REQUIRE(r.ok());
  CHECK(r->message.Text() == "two");
  CHECK(r->model == "openai/gpt-x-2025");
  CHECK(c.models == std::vector<std::string>{"claude-x", "gpt-x"});
  CHECK(c.notes == std::vector<std::string>{"anthropic:claude-x -> openai:gpt-x (" +
                                            std::string(ErrorCodeName(code)) + ")"});
  CHECK(c.shown == "two");
}

TEST_CASE("fallback: configuration, request and context errors stop the chain") {
  ErrorCode code = GENERATE(ErrorCode::kUnauthorized, ErrorCode::kForbidden, ErrorCode::kNotFound,
                            ErrorCode::kInvalidArgument, ErrorCode::kTooLarge,
                            ErrorCode::kContextLength, ErrorCode::kCancelled);
  CAPTURE(ErrorCodeName(code));
  Chain c({{Fail(code, "anthropic: no"), ""}}, {{Answer("unused", "gpt-x"), ""}});
  Result<Response> r = c.Run();
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure() == Fail(code, "anthropic: no"));
  CHECK(c.models.size() == 1);
}

TEST_CASE("fallback: a provider that already showed text is not replaced by the next") {
  Chain c({{Fail(ErrorCode::kConnection, "anthropic: reset"), "Partial "}},
          {{Answer("again", "gpt-x"), ""}});
  Result<Response> r = c.Run();
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure() == Fail(ErrorCode::kConnection, "anthropic: reset"));
  CHECK(c.shown == "Partial ");
  CHECK(c.models.size() == 1);
}

TEST_CASE("fallback: when every provider fails, the message names each and why") {
  Chain c({{Fail(ErrorCode::kServer, "anthropic: 529"), ""}},
          {{Fail(ErrorCode::kRateLimited, "openai: 429"), ""}});
  Result<Response> r = c.Run();
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kRateLimited);
  CHECK(r.message() ==
        "every provider failed: anthropic:claude-x: anthropic: 529; openai:gpt-x: openai: 429");
}

TEST_CASE("fallback: a stopping failure further down the chain says the chain stopped") {
  Chain c({{Fail(ErrorCode::kServer, "anthropic: 529"), ""}},
          {{Fail(ErrorCode::kUnauthorized, "openai: check OPENAI_API_KEY"), ""}});
  Result<Response> r = c.Run();
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kUnauthorized);
  CHECK(r.message() ==
        "the fallback chain stopped: anthropic:claude-x: anthropic: 529; "
        "openai:gpt-x: openai: check OPENAI_API_KEY");
}

TEST_CASE("fallback: an empty chain is a programming error") {
  CHECK_THROWS_WITH(FallbackProvider({}), "a fallback chain needs at least one provider");
}

}  // namespace intern::agent
