#include "agent/loop_tools.h"

#include <fmt/format.h>

#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>

#include "agent/loop_state.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Byte offset of the first `chars` code points of `s` (s.size() when it has fewer).
std::size_t ByteOffsetOfChar(const std::string& s, std::size_t chars) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == chars) return i;
      ++seen;
    }
  }
  return s.size();
}

std::size_t CharCount(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string OneLine(std::string text, std::size_t max) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > max) text = text.substr(0, ByteOffsetOfChar(text, max)) + "…";
  return text;
}

bool StopNow(const ToolRunEnv& env) {
  return env.interrupt != nullptr && env.interrupt->load() >= 2;
}

// Runs one call that was allowed: Invoke, store a large result whole, record the result.
ExecutedCall RunOne(const ToolRunEnv& env, const ToolCall& call, std::string approval,
                    const std::atomic<bool>& cancel) {
  ExecutedCall out;
  out.call = call;
  out.approval = std::move(approval);
  out.started_at = Rfc3339Utc(env.clock.Now());
  auto start = env.clock.Monotonic();
  tools::StoreLedger ledger(env.store, env.session_id);
  tools::ToolContext ctx{ledger, env.clock, env.session_id, &cancel};
  tools::ToolResult result = env.tools.Invoke(call.name, call.arguments, ctx);
  out.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(env.clock.Monotonic() - start).count();
  out.evidence_ids = result.evidence_ids;
  std::string content = std::move(result.content);
  // read_evidence pages through a stored result already (its page size bounds it): storing its
  // page again would hand the model a handle to a copy of what it is reading.
  if (env.max_result_chars > 0 && call.name != "read_evidence" &&
      CharCount(content) > env.max_result_chars) {
    sessions::EvidenceInput input;
    input.kind = "tool_result";
    input.value = fmt::format("full result of {} {}", call.name, OneLine(call.arguments, 200));
    input.title = call.name;
    input.body = content;
    input.tool = call.name;
    std::string id = env.store.RecordEvidence(env.session_id, input, env.step);
    content = HeadWithHandle(content, env.max_result_chars, id);
    out.evidence_ids.push_back(id);
  }
  out.result = ToolResultBlock{call.id, std::move(content), result.is_error};
  // A call told to stop may have returned a partial answer: leave it unrecorded, so a resume
  // runs it again instead of reusing that.
  if (cancel.load()) return out;
  sessions::EventRecord event;
  event.session_id = env.session_id;
  event.kind = kPendingToolResultEvent;
  event.level = "debug";
  event.message = ExecutedCallToJson(env.step, out);
  env.store.AppendEvent(std::move(event));
  return out;
}

ExecutedCall Refused(const ToolRunEnv& env, const ToolCall& call, std::string message,
                     std::string approval) {
  ExecutedCall out;
  out.call = call;
  out.approval = std::move(approval);
  out.started_at = Rfc3339Utc(env.clock.Now());
  out.result = ToolResultBlock{call.id, std::move(message), true};
  sessions::EventRecord event;
  event.session_id = env.session_id;
  event.kind = kPendingToolResultEvent;
  event.level = "debug";
  event.message = ExecutedCallToJson(env.step, out);
  env.store.AppendEvent(std::move(event));
  return out;
}

// Waits for a running call; when the operator asks to stop now, tells the tool through its
// context (ToolContext::cancelled) and still waits for it to return, since it uses the caller's
// ledger and registry.
ExecutedCall Await(const ToolRunEnv& env, std::future<ExecutedCall>& running,
                   std::atomic<bool>& cancel) {
  while (running.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (StopNow(env)) cancel.store(true);
  }
  if (StopNow(env)) cancel.store(true);
  return running.get();
}

// Starts `fn` on `workers`, or on a thread of its own when there is no pool.
std::future<ExecutedCall> Start(LoopWorkers* workers, std::function<ExecutedCall()> fn) {
  if (workers == nullptr) return std::async(std::launch::async, std::move(fn));
  auto task = std::make_shared<std::packaged_task<ExecutedCall()>>(std::move(fn));
  std::future<ExecutedCall> done = task->get_future();
  workers->Post([task] { (*task)(); });
  return done;
}

// Unlike std::async's, a pool task's future does not wait when destroyed: this waits for every
// call still running before the calls, the cancel flag and the environment it uses go away (when
// a failed call's exception leaves ExecuteToolCalls early).
class WaitForAll {
 public:
  explicit WaitForAll(std::vector<std::future<ExecutedCall>>& running) : running_(running) {}
  WaitForAll(const WaitForAll&) = delete;
  WaitForAll& operator=(const WaitForAll&) = delete;
  ~WaitForAll() {
    for (auto& f : running_) {
      if (f.valid()) f.wait();
    }
  }

 private:
  std::vector<std::future<ExecutedCall>>& running_;
};

std::string Describe(const tools::Tool& tool, const std::string& args) {
  auto parsed = tools::ParseToolArguments(tool, args);
  if (!parsed.ok()) return fmt::format("{} {}", tool.name(), OneLine(args, 200));
  return tool.Describe(parsed.value());
}

}  // namespace

std::string HeadWithHandle(const std::string& content, std::size_t max_chars,
                           const std::string& evidence_id) {
  std::size_t total = CharCount(content);
  if (total <= max_chars) return content;
  std::string head = content.substr(0, ByteOffsetOfChar(content, max_chars));
  return fmt::format("{}\n[… {} more characters: read_evidence(id=\"{}\", offset={})]", head,
                     total - max_chars, evidence_id, max_chars);
}

std::string ExecutedCallToJson(std::int64_t step, const ExecutedCall& c) {
  return Dump(json{{"n", step},
                   {"call_id", c.call.id},
                   {"tool", c.call.name},
                   {"args", c.call.arguments},
                   {"content", c.result.content},
                   {"is_error", c.result.is_error},
                   {"evidence_ids", c.evidence_ids},
                   {"approval", c.approval},
                   {"duration_ms", c.duration_ms},
                   {"started_at", c.started_at}});
}

std::optional<std::pair<std::int64_t, ExecutedCall>> ExecutedCallFromJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("n") || !j.contains("call_id")) return std::nullopt;
  try {
    ExecutedCall c;
    c.call.id = j.at("call_id").get<std::string>();
    c.call.name = j.value("tool", "");
    c.call.arguments = j.value("args", "");
    c.result = ToolResultBlock{c.call.id, j.value("content", ""), j.value("is_error", false)};
    c.evidence_ids = j.value("evidence_ids", std::vector<std::string>{});
    c.approval = j.value("approval", "");
    c.duration_ms = j.value("duration_ms", std::int64_t{0});
    c.started_at = j.value("started_at", "");
    return std::make_pair(j.at("n").get<std::int64_t>(), std::move(c));
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::optional<std::vector<ExecutedCall>> ExecuteToolCalls(
    const ToolRunEnv& env, const std::vector<ToolCall>& calls,
    const std::map<std::string, ExecutedCall>& recorded, LoopWorkers* workers) {
  std::vector<std::optional<ExecutedCall>> results(calls.size());
  std::atomic<bool> cancel{false};
  std::vector<std::size_t> concurrent;
  std::vector<std::size_t> one_at_a_time;

  for (std::size_t i = 0; i < calls.size(); ++i) {
    const ToolCall& call = calls[i];
    if (auto it = recorded.find(call.id); it != recorded.end()) {
      results[i] = it->second;
      continue;
    }
    if (env.tools_off) {
      results[i] = Refused(env, call,
                           "tools are off for this turn: write the new plan as text, then call "
                           "tools again on the next turn",
                           "refused");
      continue;
    }
    if (env.only_tool && call.name != *env.only_tool) {
      results[i] = Refused(env, call,
                           fmt::format("only {} is available on this final turn; {} was not run",
                                       *env.only_tool, call.name),
                           "refused");
      continue;
    }
    const tools::Tool* tool = env.tools.Find(call.name);
    if (tool == nullptr || tool->approval_class() == tools::ApprovalClass::kRead) {
      concurrent.push_back(i);  // an unknown tool is answered by the registry, at no risk
    } else {
      one_at_a_time.push_back(i);
    }
  }

  std::size_t width = static_cast<std::size_t>(std::max(1, env.parallel_tools));
  for (std::size_t begin = 0; begin < concurrent.size(); begin += width) {
    if (StopNow(env)) return std::nullopt;
    std::size_t end = std::min(concurrent.size(), begin + width);
    std::vector<std::future<ExecutedCall>> running;
    WaitForAll wait_for_all(running);
    for (std::size_t k = begin; k < end; ++k) {
      const ToolCall& call = calls[concurrent[k]];
      env.progress.ToolStarted(call.name, OneLine(call.arguments, 120));
      running.push_back(
          Start(workers, [&env, &call, &cancel] { return RunOne(env, call, "auto", cancel); }));
    }
    for (std::size_t k = begin; k < end; ++k) {
      ExecutedCall done = Await(env, running[k - begin], cancel);
      env.progress.ToolFinished(done.call.name, !done.result.is_error, done.duration_ms,
                                static_cast<int>(done.evidence_ids.size()));
      results[concurrent[k]] = std::move(done);
    }
  }

  for (std::size_t i : one_at_a_time) {
    if (StopNow(env)) return std::nullopt;
    const ToolCall& call = calls[i];
    const tools::Tool& tool = *env.tools.Find(call.name);
    ApprovalVerdict verdict =
        env.approval.Decide(tool, call.arguments, Describe(tool, call.arguments));
    if (verdict == ApprovalVerdict::kDeny) {
      results[i] = Refused(env, call,
                           fmt::format("the operator did not approve this call of {}; choose "
                                       "another way to get the information",
                                       call.name),
                           "denied");
      env.progress.ToolFinished(call.name, false, 0, 0);
      continue;
    }
    env.progress.ToolStarted(call.name, OneLine(call.arguments, 120));
    std::vector<std::future<ExecutedCall>> running;
    WaitForAll wait_for_all(running);
    running.push_back(
        Start(workers, [&env, &call, &cancel] { return RunOne(env, call, "approved", cancel); }));
    ExecutedCall done = Await(env, running.front(), cancel);
    env.progress.ToolFinished(done.call.name, !done.result.is_error, done.duration_ms,
                              static_cast<int>(done.evidence_ids.size()));
    results[i] = std::move(done);
  }

  if (cancel.load()) return std::nullopt;  // stop now: the step is not committed
  std::vector<ExecutedCall> out;
  out.reserve(results.size());
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
}

}  // namespace intern::agent
