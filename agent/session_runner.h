#pragma once
// Starting and resuming sessions (DESIGN §4, `intern sessions resume ID`): the glue between the
// store, the settings a session started with, a provider factory and the loop.
//
// A session keeps the loop options it started with in Session.settings (model, prompts, tool
// and compaction knobs) and its cap and budgets in Session.caps, so a resume runs alike whatever
// the config says now. Secrets are never part of the settings: providers are made by the
// caller's factory from the provider and model names alone.

#include <functional>
#include <memory>
#include <string>

#include "agent/loop.h"

namespace intern::agent {

// Makes the provider for (provider name, model). The CLI fills this from the config (keys come
// from the environment there, never from the store). Returns nullptr when it cannot; RunSession
// is then not called and Resume/Start throw intern::Error naming the provider.
using ProviderFactory = std::function<std::unique_ptr<LlmProvider>(const std::string& provider,
                                                                   const std::string& model)>;

// What a start or resume runs with; nothing owned, everything outlives the call.
struct RunnerServices {
  ProviderFactory make_provider;
  tools::ToolRegistry& tools;
  sessions::Store& store;
  Clock& clock;
  const ModelCatalog& models;
  ApprovalPolicy& approval;
  ProgressSink& progress;
  const std::atomic<int>* interrupt = nullptr;
};

// The options a session keeps (JSON object) and back. Missing fields take `defaults`' values.
std::string LoopSettingsJson(const LoopOptions& options);
LoopOptions LoopOptionsFromSettings(const std::string& settings_json, const LoopOptions& defaults);

struct StartedSession {
  std::string session_id;
  LoopOutcome outcome;
};

// Creates a session from `seed` (kind, title, subjects; id assigned when empty) with caps,
// provider, model and settings taken from `options`, then runs it.
StartedSession StartSession(const RunnerServices& services, const LoopOptions& options,
                            sessions::Session seed);

// Continues session `session_id` (a unique prefix is not accepted here: resolve it first) from
// its last committed step with the options it started with; `defaults` only fill what an older
// session did not record. Throws intern::Error:
//   "there is no session s-x in the store; `intern sessions list` shows the sessions"
//   "session s-x is already done; nothing to resume"
//   "cannot make a provider for openai:gpt-x to resume session s-x; check providers.* in the
//    config"
LoopOutcome ResumeSession(const RunnerServices& services, const std::string& session_id,
                          const LoopOptions& defaults);

// Continues session `session_id` after a reviewer sent its draft back (DESIGN §7):
// `feedback_message` is sent as a user message before the next model call (through the loop
// state's pending_guard, the loop's slot for "say this before the next call", cleared once the
// step commits), the session is reopened (status running) even when it was done, and the loop
// runs as ResumeSession does: same cap, budgets, settings and iteration count (nothing resets,
// so a revision can stop at the cap or budget without a new draft). Throws as ResumeSession,
// except that a done session is not refused.
LoopOutcome ReviseSession(const RunnerServices& services, const std::string& session_id,
                          const std::string& feedback_message, const LoopOptions& defaults);

}  // namespace intern::agent
