#pragma once
// ScriptedProvider — an in-process LlmProvider for loop tests. It answers by conversation state,
// not by call order, so a repeated call (a resume after a kill) gets the same answer:
//
//   turn = 1 + N of the last assistant message in the request that starts with "[turn N]"
//          (1 when there is none)
//
// and every answer's text is prefixed with "[turn <turn>] " so the next request names it. The
// tail kept by compaction always holds the last assistant turn, so turns survive compaction.
// Tool call ids are "t<turn>-<k>". Usage, unless the script sets it, is prompt = characters of
// the request / 4, output = 10. It records every request (thread-safe) and holds an API key it
// never hands to anyone (the secrets test looks for it).

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "agent/message.h"

namespace intern::testing {

class ScriptedProvider final : public agent::LlmProvider {
 public:
  // What the model answers on `turn`; the request is given for scripts that look at it.
  using Script = std::function<Result<agent::Response>(int turn, const agent::LlmRequest&)>;

  explicit ScriptedProvider(Script script, std::string api_key = "")
      : script_(std::move(script)), api_key_(std::move(api_key)) {}

  Result<agent::Response> Complete(const agent::LlmRequest& request,
                                   const std::function<void(std::string_view)>& on_delta) override {
    int turn = TurnOf(request);
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
      turns_.push_back(turn);
    }
    auto answer = script_(turn, request);
    if (!answer.ok()) return answer;
    agent::Response r = answer.value();
    r.message.role = agent::Role::kAssistant;
    std::string prefix = "[turn " + std::to_string(turn) + "] ";
    bool has_text = false;
    int k = 0;
    for (auto& block : r.message.content) {
      if (auto* t = std::get_if<agent::TextBlock>(&block); t != nullptr && !has_text) {
        t->text = prefix + t->text;
        has_text = true;
      }
      if (auto* u = std::get_if<agent::ToolUseBlock>(&block); u != nullptr && u->id.empty()) {
        u->id = "t" + std::to_string(turn) + "-" + std::to_string(++k);
      }
    }
    if (!has_text) r.message.content.insert(r.message.content.begin(), agent::TextBlock{prefix});
    if (r.usage == agent::Usage{}) {
      std::int64_t chars = static_cast<std::int64_t>(request.system.size());
      for (const auto& m : request.messages) chars += static_cast<std::int64_t>(m.CharCount());
      r.usage.input = chars / 4;
      r.usage.output = 10;
    }
    if (r.model.empty()) r.model = request.model;
    if (on_delta) on_delta(r.message.Text());
    return r;
  }

  static int TurnOf(const agent::LlmRequest& request) {
    for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
      if (it->role != agent::Role::kAssistant) continue;
      std::string text = it->Text();
      if (text.rfind("[turn ", 0) != 0) continue;
      return std::stoi(text.substr(6)) + 1;
    }
    return 1;
  }

  std::vector<agent::LlmRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::vector<int> turns() const {
    std::lock_guard lock(mu_);
    return turns_;
  }
  const std::string& api_key() const { return api_key_; }

  // Helpers for scripts.
  static agent::Response Calls(std::vector<agent::ToolUseBlock> calls, std::string text = "") {
    agent::Response r;
    r.message.role = agent::Role::kAssistant;
    if (!text.empty()) r.message.content.push_back(agent::TextBlock{std::move(text)});
    for (auto& c : calls) r.message.content.push_back(std::move(c));
    r.stop_reason = agent::StopReason::kToolUse;
    return r;
  }
  static agent::Response Text(std::string text) {
    agent::Response r;
    r.message = agent::Message::Assistant(std::move(text));
    return r;
  }

 private:
  Script script_;
  std::string api_key_;
  mutable std::mutex mu_;
  std::vector<agent::LlmRequest> requests_;
  std::vector<int> turns_;
};

}  // namespace intern::testing
