// Loop overhead (issue #3 benchmark): a scripted session of ITERATIONS iterations against an
// in-process provider that answers at once, with the real store in a temporary folder (WAL,
// synchronous = NORMAL, as in use). Each iteration the model asks for fetch_doc (one fact
// recorded, a 600-character page back); the last one submits the draft.
//
// Prints, per run, the loop's wall time minus the time spent inside the provider, divided by the
// iterations — what the loop itself costs: building the request view, doom-loop detection over
// the whole history, tool dispatch on the worker pool, the crash-safety records and the step's
// commit — and the peak RSS of this process, which does nothing else. Targets: under 1 ms per
// iteration and under 50 MB.
//
// Usage: loop_overhead_bench [ITERATIONS] [RUNS]   (default 300 3). The temporary folder is made
// under TMPDIR (default /tmp), so the figure includes that file system's fsync.

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "agent/approval.h"
#include "agent/loop.h"
#include "agent/models.h"
#include "sessions/store.h"
#include "tests/bench/loop_support.h"

namespace intern::bench {
namespace {

using Steady = std::chrono::steady_clock;

// Answers at once: fetch_doc on every turn, submit_draft on the last one (or when it is the only
// tool offered). Counts the time spent inside Complete.
class InstantProvider final : public agent::LlmProvider {
 public:
  explicit InstantProvider(int last_turn) : last_turn_(last_turn) {}

  Result<agent::Response> Complete(const agent::LlmRequest& request,
                                   const std::function<void(std::string_view)>&) override {
    const auto start = Steady::now();
    ++turn_;
    agent::Response r;
    r.model = request.model;
    r.message.role = agent::Role::kAssistant;
    r.message.content.emplace_back(agent::TextBlock{"Reading page " + std::to_string(turn_)});
    const bool last = turn_ >= last_turn_ || request.tools.size() == 1;
    if (last) {
      r.message.content.emplace_back(
          agent::ToolUseBlock{"call-" + std::to_string(turn_), "submit_draft",
                              R"({"draft":"A is faster; B is smaller."})"});
    } else {
      r.message.content.emplace_back(agent::ToolUseBlock{
          "call-" + std::to_string(turn_), "fetch_doc", fmt::format(R"({{"page":{}}})", turn_)});
    }
    r.stop_reason = agent::StopReason::kToolUse;
    // Usage as a provider would report it: the prompt's size at about 4 characters a token.
    std::int64_t chars = static_cast<std::int64_t>(request.system.size());
    for (const auto& m : request.messages) chars += static_cast<std::int64_t>(m.CharCount());
    r.usage = agent::Usage{chars / 4, 20, 0, 0};
    inside_ += Steady::now() - start;
    return r;
  }

  Steady::duration inside() const { return inside_; }

 private:
  int last_turn_;
  int turn_ = 0;
  Steady::duration inside_{};
};

double CpuMs() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return (static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
          static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3);
}

struct Figures {
  double loop_ms_per_iteration = 0;
  double cpu_ms_per_iteration = 0;
  double model_ms = 0;
  double wall_ms = 0;
  std::int64_t iterations = 0;
  std::string status;
};

Figures RunOnce(int iterations) {
  TempFolder dir;
  sessions::Store store = sessions::Store::Open(dir.path() / "intern.db");
  tools::ToolRegistry registry;
  registry.Register(std::make_unique<FetchDocTool>(600));
  registry.Register(std::make_unique<AcceptDraftTool>());
  agent::ModelCatalog models = agent::ModelCatalog::Embedded();
  agent::FixedApproval allow(agent::ApprovalVerdict::kAllow);
  SilentProgress progress;
  InstantProvider provider(iterations);
  agent::LoopDeps deps{provider, nullptr, registry, store,  SystemClock::Instance(),
                       models,   allow,   progress, nullptr};
  agent::LoopOptions options;
  options.model = "claude-haiku-4-5";
  options.provider_name = "instant";
  options.task_prompt = "Compare A and B.";
  options.max_iterations = iterations;
  sessions::Session seed;
  seed.kind = "compare";
  seed.title = "A vs B";
  const std::string id = store.CreateSession(seed).id;

  const double cpu_start = CpuMs();
  const auto start = Steady::now();
  agent::LoopOutcome outcome = agent::RunSession(deps, options, id);
  const auto wall = Steady::now() - start;
  const double cpu = CpuMs() - cpu_start;

  using Ms = std::chrono::duration<double, std::milli>;
  Figures f;
  f.iterations = outcome.iterations;
  f.status = sessions::SessionStatusName(outcome.status);
  f.wall_ms = Ms(wall).count();
  f.model_ms = Ms(provider.inside()).count();
  f.loop_ms_per_iteration =
      (f.wall_ms - f.model_ms) / static_cast<double>(std::max<std::int64_t>(1, f.iterations));
  // CPU time of every thread of the process, the provider's included (it is under a
  // millisecond for the whole run); unlike wall time it leaves out waiting for fsync and for a
  // busy machine's other processes.
  f.cpu_ms_per_iteration = cpu / static_cast<double>(std::max<std::int64_t>(1, f.iterations));
  return f;
}

int Main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 300;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 3;
  fmt::print(
      "loop overhead: {} runs of a {}-iteration session, zero-latency provider, real store "
      "in {}\n",
      runs, iterations, std::filesystem::temp_directory_path().string());
  std::vector<double> per_iteration;
  std::vector<double> cpu_per_iteration;
  bool all_done = true;
  for (int run = 1; run <= runs; ++run) {
    Figures f = RunOnce(iterations);
    all_done = all_done && f.status == "done" && f.iterations == iterations;
    per_iteration.push_back(f.loop_ms_per_iteration);
    cpu_per_iteration.push_back(f.cpu_ms_per_iteration);
    fmt::print(
        "  run {}: {} iterations, {}, wall {:.1f} ms, inside the provider {:.1f} ms, "
        "loop {:.3f} ms/iteration wall, {:.3f} ms/iteration CPU\n",
        run, f.iterations, f.status, f.wall_ms, f.model_ms, f.loop_ms_per_iteration,
        f.cpu_ms_per_iteration);
  }
  std::sort(per_iteration.begin(), per_iteration.end());
  std::sort(cpu_per_iteration.begin(), cpu_per_iteration.end());
  const double median = per_iteration[per_iteration.size() / 2];
  const double cpu_median = cpu_per_iteration[cpu_per_iteration.size() / 2];
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const double peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
  fmt::print("  loop wall time per iteration (median): {:.3f} ms   target < 1 ms    {}\n", median,
             median < 1.0 ? "PASS" : "FAIL");
  fmt::print("  loop CPU time per iteration (median):  {:.3f} ms   target < 1 ms    {}\n",
             cpu_median, cpu_median < 1.0 ? "PASS" : "FAIL");
  fmt::print("  peak RSS of this process:              {:.1f} MiB  target < 50 MB   {}\n", peak_mb,
             peak_mb < 50.0 ? "PASS" : "FAIL");
  if (!all_done) fmt::print("  WARNING: a run did not end done at {} iterations\n", iterations);
  return all_done ? 0 : 1;
}

}  // namespace
}  // namespace intern::bench

int main(int argc, char** argv) { return intern::bench::Main(argc, argv); }
