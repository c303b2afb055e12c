#include "agent/session_runner.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "agent/loop_state.h"
#include "config/error.h"

namespace intern::agent {
namespace {

using nlohmann::json;

template <typename T>
void Take(const json& j, const char* key, T& into) {
  if (!j.contains(key)) return;
  try {
    into = j.at(key).get<T>();
  } catch (const json::exception&) {
    // a field of the wrong type keeps the default: an older or newer intern may have written it
  }
}

struct Providers {
  std::unique_ptr<LlmProvider> main;
  std::unique_ptr<LlmProvider> compaction;  // null: the main provider summarises
};

Providers MakeProviders(const RunnerServices& services, const LoopOptions& options,
                        const std::string& session_id) {
  Providers p;
  if (services.make_provider) p.main = services.make_provider(options.provider_name, options.model);
  if (!p.main) {
    throw Error(fmt::format(
        "cannot make a provider for {}:{} to run session {}; check providers.* in the config",
        options.provider_name, options.model, session_id));
  }
  if (!options.compaction_model.empty() && options.compaction_model != options.model) {
    p.compaction = services.make_provider(options.provider_name, options.compaction_model);
  }
  return p;
}

LoopOutcome RunWith(const RunnerServices& services, const LoopOptions& options,
                    const std::string& session_id) {
  Providers providers = MakeProviders(services, options, session_id);
  LoopDeps deps{*providers.main,   providers.compaction.get(),
                services.tools,    services.store,
                services.clock,    services.models,
                services.approval, services.progress,
                services.interrupt};
  return RunSession(deps, options, session_id);
}

}  // namespace

std::string LoopSettingsJson(const LoopOptions& o) {
  json j{{"model", o.model},
         {"compaction_model", o.compaction_model},
         {"provider", o.provider_name},
         {"parallel_tools", o.parallel_tools},
         {"stall_iterations", o.stall_iterations},
         {"trigger_ratio", o.trigger_ratio},
         {"keep_turns", o.keep_turns},
         {"max_summary_attempts", o.max_summary_attempts},
         {"max_result_chars", o.max_result_chars},
         {"max_tokens", o.max_tokens},
         {"final_tool", o.final_tool},
         {"phase", o.phase},
         {"system_prompt", o.system_prompt},
         {"task_prompt", o.task_prompt},
         {"summariser_prompt", o.summariser_prompt},
         {"final_turn_message", o.final_turn_message},
         {"guard_message", o.guard_message},
         {"replan_message", o.replan_message}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

LoopOptions LoopOptionsFromSettings(const std::string& settings_json, const LoopOptions& defaults) {
  LoopOptions o = defaults;
  json j = json::parse(settings_json, nullptr, false);
  if (!j.is_object()) return o;
  Take(j, "model", o.model);
  Take(j, "compaction_model", o.compaction_model);
  Take(j, "provider", o.provider_name);
  Take(j, "parallel_tools", o.parallel_tools);
  Take(j, "stall_iterations", o.stall_iterations);
  Take(j, "trigger_ratio", o.trigger_ratio);
  Take(j, "keep_turns", o.keep_turns);
  Take(j, "max_summary_attempts", o.max_summary_attempts);
  Take(j, "max_result_chars", o.max_result_chars);
  Take(j, "max_tokens", o.max_tokens);
  Take(j, "final_tool", o.final_tool);
  Take(j, "phase", o.phase);
  Take(j, "system_prompt", o.system_prompt);
  Take(j, "task_prompt", o.task_prompt);
  Take(j, "summariser_prompt", o.summariser_prompt);
  Take(j, "final_turn_message", o.final_turn_message);
  Take(j, "guard_message", o.guard_message);
  Take(j, "replan_message", o.replan_message);
  return o;
}

StartedSession StartSession(const RunnerServices& services, const LoopOptions& options,
                            sessions::Session seed) {
  seed.provider = options.provider_name;
  seed.model = options.model;
  seed.phase = options.phase;
  seed.caps =
      sessions::SessionCaps{options.max_iterations, options.budget_tokens, options.budget_usd};
  seed.settings = LoopSettingsJson(options);
  seed.status = sessions::SessionStatus::kRunning;
  std::string id = services.store.CreateSession(seed).id;
  return StartedSession{id, RunWith(services, options, id)};
}

LoopOutcome ResumeSession(const RunnerServices& services, const std::string& session_id,
                          const LoopOptions& defaults) {
  auto session = services.store.GetSession(session_id);
  if (!session) {
    throw Error(fmt::format(
        "there is no session {} in the store; `intern sessions list` shows the sessions",
        session_id));
  }
  if (session->status == sessions::SessionStatus::kDone) {
    throw Error(fmt::format("session {} is already done; nothing to resume", session_id));
  }
  LoopOptions options = LoopOptionsFromSettings(session->settings, defaults);
  if (options.provider_name.empty()) options.provider_name = session->provider;
  if (options.model.empty()) options.model = session->model;
  return RunWith(services, options, session_id);
}

LoopOutcome ReviseSession(const RunnerServices& services, const std::string& session_id,
                          const std::string& feedback_message, const LoopOptions& defaults) {
  auto session = services.store.GetSession(session_id);
  if (!session) {
    throw Error(fmt::format(
        "there is no session {} in the store; `intern sessions list` shows the sessions",
        session_id));
  }
  LoopState state = LoopStateFromJson(session->loop_state);
  // A guard the loop had queued still applies; the feedback goes first.
  state.pending_guard = state.pending_guard.empty()
                            ? feedback_message
                            : feedback_message + "\n\n" + state.pending_guard;
  sessions::SessionUpdate reopen;
  reopen.status = sessions::SessionStatus::kRunning;
  reopen.loop_state = LoopStateToJson(state);
  reopen.last_error = "";
  services.store.UpdateSession(session_id, reopen);
  return ResumeSession(services, session_id, defaults);
}

}  // namespace intern::agent
