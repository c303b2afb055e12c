// The speed of `intern compare` (issue 6's benchmark), two figures:
//
//  1. offline: the built `intern compare "Gemma 3n" "SmolVLM2"` run RUNS times, each in a fresh
//     INTERN_HOME with a minimal environment and the hub and GitHub pointed at 127.0.0.1:1 (a
//     machine without network: look-ups fail at once). Wall time from fork to wait4, peak RSS
//     from wait4's rusage. Target: median under 1 s, peak under 50 MB.
//  2. scripted: RunCompare in this process with the Anthropic provider made from the config,
//     streaming over loopback HTTP to a FakeLlm that answers at once: 40 iterations (one turn of
//     catalog_facts for both subjects, 33 turns of catalog_facts for other catalog entries, the
//     draft, five persona calls), so all the time is ours: HTTP, SSE parsing, JSON, the store,
//     the tools. Target: under 2 s per run.
//
// Usage: compare_bench INTERN_BINARY [RUNS]   (default 20). tests/bench/run calls it.
// Prints figures only; it is never a test.

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/compare_workflow.h"
#include "agent/providers/offline_provider.h"
#include "agent/workflow_tools.h"
#include "config/catalog.h"
#include "sessions/store.h"
#include "tests/support/fake_llm.h"
#include "tools/registry.h"
#include "tools/store_ledger.h"

namespace {

using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

fs::path FreshDir(const fs::path& base = fs::temp_directory_path()) {
  std::string pattern = (base / "intern-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::exit(1);
  }
  return pattern;
}

struct ProcessRun {
  double wall_ms = 0;
  long max_rss_kb = 0;
  int exit_code = -1;
};

ProcessRun RunOfflineCompare(const std::string& binary, const fs::path& base) {
  const fs::path home = FreshDir(base);
  const std::string env_home = "HOME=" + home.string();
  const std::string env_intern = "INTERN_HOME=" + home.string();
  std::vector<const char*> argv = {binary.c_str(),
                                   "-c",
                                   "github.api_url=http://127.0.0.1:1",
                                   "-c",
                                   "hub.url=http://127.0.0.1:1",
                                   "compare",
                                   "Gemma 3n",
                                   "SmolVLM2",
                                   nullptr};
  std::vector<const char*> envp = {env_home.c_str(), env_intern.c_str(), "PATH=/usr/bin:/bin",
                                   nullptr};
  ProcessRun run;
  const Steady::time_point start = Steady::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::FILE* null = std::fopen("/dev/null", "w");
    if (null != nullptr) {
      ::dup2(::fileno(null), STDOUT_FILENO);
      ::dup2(::fileno(null), STDERR_FILENO);
    }
    ::execve(binary.c_str(), const_cast<char* const*>(argv.data()),
             const_cast<char* const*>(envp.data()));
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  run.wall_ms = std::chrono::duration<double, std::milli>(Steady::now() - start).count();
  run.max_rss_kb = usage.ru_maxrss;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::error_code ec;
  fs::remove_all(home, ec);
  return run;
}

// The FakeLlm script of a 40-iteration compare, and the draft it submits (valid against the
// ledger the first turn builds; parallel_tools = 1 keeps the ledger's numbering fixed).
std::vector<intern::testing::FakeTurn> Script() {
  using intern::testing::FakeToolCall;
  using intern::testing::FakeTurn;
  using nlohmann::json;
  const intern::config::Catalog catalog = intern::config::Catalog::Embedded();

  intern::FakeClock clock;
  intern::sessions::Store scratch = intern::sessions::Store::OpenInMemory();
  intern::sessions::Session s;
  s.kind = "compare";
  const std::string session_id = scratch.CreateSession(s).id;
  intern::tools::ToolRegistry registry;
  registry.Register(std::make_unique<intern::agent::CatalogFactsTool>(catalog));
  intern::tools::StoreLedger ledger(scratch, session_id);
  intern::tools::ToolContext ctx{ledger, clock, session_id, nullptr};
  registry.Invoke("catalog_facts", R"({"subject":"Gemma 3n"})", ctx);
  registry.Invoke("catalog_facts", R"({"subject":"SmolVLM2"})", ctx);
  std::vector<intern::tools::EvidenceRecord> records;
  for (const auto& r : scratch.ListEvidence(session_id)) records.push_back(*ledger.Get(r.id));
  intern::agent::Comparison draft = intern::agent::OfflineComparison(
      *catalog.FindById("gemma-3n"), *catalog.FindById("smolvlm2"), records,
      std::chrono::floor<std::chrono::days>(clock.Now()), {});
  draft.flags.notes.clear();

  const intern::agent::Usage usage{2000, 150, 0, 0};
  std::vector<FakeTurn> turns;
  turns.push_back(
      FakeTurn::Call({FakeToolCall{"toolu_1a", "catalog_facts", R"({"subject":"Gemma 3n"})"},
                      FakeToolCall{"toolu_1b", "catalog_facts", R"({"subject":"SmolVLM2"})"}},
                     {"Both subjects first."}, usage));
  int n = 2;
  for (const auto& entry : catalog.entries()) {
    if (entry.id == "gemma-3n" || entry.id == "smolvlm2" || n > 34) continue;
    turns.push_back(FakeTurn::Call({FakeToolCall{fmt::format("toolu_{}", n), "catalog_facts",
                                                 json{{"subject", entry.name}}.dump()}},
                                   {"Looking at a competitor: ", entry.name}, usage));
    ++n;
  }
  turns.push_back(FakeTurn::Call({FakeToolCall{"toolu_draft", "submit_draft",
                                               intern::agent::SubmissionArguments(draft).dump()}},
                                 {"Submitting the draft."}, usage));
  std::string gemma_ev, smol_ev;
  for (const auto& r : records) {
    if (gemma_ev.empty() && r.draft.subject == "Gemma 3n") gemma_ev = r.id;
    if (smol_ev.empty() && r.draft.subject == "SmolVLM2") smol_ev = r.id;
  }
  for (int p = 0; p < 5; ++p) {
    json takes = json::array({{{"score", 70 + p},
                               {"verdict", "ship"},
                               {"rationale", "runs on phones"},
                               {"evidence_ids", {gemma_ev}}},
                              {{"score", 50 + p},
                               {"verdict", "skip"},
                               {"rationale", "narrower"},
                               {"evidence_ids", {smol_ev}}}});
    turns.push_back(FakeTurn::Call(
        {FakeToolCall{fmt::format("toolu_p{}", p), "panel_take", json{{"takes", takes}}.dump()}},
        {}, usage));
  }
  return turns;
}

double CpuMs() {
  struct rusage u {};
  ::getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

struct ScriptedRun {
  double wall_ms = 0;
  double cpu_ms = 0;  // this process: ours and the fake's, user + system
  int iterations = 0;
  std::string status;
  bool draft = false;
};

ScriptedRun RunScriptedCompare(const std::vector<intern::testing::FakeTurn>& script,
                               const fs::path& base) {
  using namespace intern;
  const fs::path home = FreshDir(base);
  ScriptedRun result;
  {
    testing::FakeLlm llm(script, testing::FakeLlmOptions{"sk-bench"});
    config::Config cfg;
    cfg.home = home;
    cfg.github.api_url = "http://127.0.0.1:1";
    cfg.hub.url = "http://127.0.0.1:1";
    cfg.agent.parallel_tools = 1;
    cfg.agent.max_iterations = 40;
    cfg.agent.budget_usd = 0;
    cfg.agent.budget_tokens = 0;
    cfg.providers.default_provider = "anthropic";
    cfg.providers.anthropic.base_url = llm.url();
    cfg.providers.anthropic.api_key = "sk-bench";
    cfg.providers.anthropic.model = "claude-sonnet-5";
    sessions::Store store = sessions::Store::Open(home / "intern.db");
    config::Catalog catalog = config::Catalog::Embedded();
    agent::ModelCatalog models = agent::ModelCatalog::Embedded();
    agent::FixedApproval deny(agent::ApprovalVerdict::kDeny);
    agent::RecordingProgress progress;
    agent::CompareServices services{store,   catalog,  SystemClock::Instance(), models,
                                    deny,    progress, agent::ToolboxOptions{}, nullptr,
                                    nullptr, nullptr};
    agent::CompareRequest request;
    request.name_a = "Gemma 3n";
    request.name_b = "SmolVLM2";
    const Steady::time_point start = Steady::now();
    const double cpu_start = CpuMs();
    agent::CompareOutcome outcome = agent::RunCompare(cfg, request, services);
    result.wall_ms = std::chrono::duration<double, std::milli>(Steady::now() - start).count();
    result.cpu_ms = CpuMs() - cpu_start;
    result.iterations = static_cast<int>(outcome.loop.iterations);
    result.status = sessions::SessionStatusName(outcome.loop.status);
    result.draft = !outcome.draft_id.empty();
    if (!llm.rejections().empty()) {
      fmt::print(stderr, "fake llm rejected a request: {}\n", llm.rejections().front());
    }
  }
  std::error_code ec;
  fs::remove_all(home, ec);
  return result;
}

// One tab-separated line for tests/bench/run's table.
void Result(const std::string& figure, const std::string& value, const std::string& target,
            bool pass) {
  fmt::print("RESULT\tcompare\t{}\t{}\t{}\t{}\n", figure, value, target, pass ? "PASS" : "FAIL");
}

// "tmp" or "/dev/shm", for the figure's name.
std::string Where(const fs::path& base) {
  return base == "/dev/shm" ? "store on tmpfs" : "store in " + base.string();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: compare_bench INTERN_BINARY [RUNS]\n");
    return 2;
  }
  const std::string binary = argv[1];
  int runs = argc > 2 ? std::atoi(argv[2]) : 20;
  if (runs < 1) runs = 20;

  // The store commits to disk (WAL, synchronous = NORMAL). The same runs on
  // tmpfs (where fdatasync returns at once) show what is ours apart from the disk.
  std::vector<fs::path> bases = {fs::temp_directory_path()};
  if (fs::is_directory("/dev/shm")) bases.push_back("/dev/shm");
  int failures = 0;
  for (const fs::path& base : bases) {
    std::vector<double> walls;
    long max_rss_kb = 0;
    for (int i = 0; i < runs; ++i) {
      ProcessRun r = RunOfflineCompare(binary, base);
      if (r.exit_code != 0) ++failures;
      walls.push_back(r.wall_ms);
      max_rss_kb = std::max(max_rss_kb, r.max_rss_kb);
    }
    fmt::print(
        "offline `intern compare \"Gemma 3n\" \"SmolVLM2\"`, INTERN_HOME fresh in {} each, "
        "{} runs\n",
        base.string(), runs);
    fmt::print(
        "  wall   median {:7.1f} ms   min {:7.1f} ms   max {:7.1f} ms   (target < 1000 ms)\n",
        Median(walls), *std::min_element(walls.begin(), walls.end()),
        *std::max_element(walls.begin(), walls.end()));
    fmt::print("  peak RSS  max {:7.1f} MB                                  (target < 50 MB)\n",
               static_cast<double>(max_rss_kb) / 1024.0);
    const double rss_mb = static_cast<double>(max_rss_kb) / 1024.0;
    Result(fmt::format("offline `intern compare`, {}, {} runs: wall median", Where(base), runs),
           fmt::format("{:.1f} ms", Median(walls)), "< 1000 ms", Median(walls) < 1000);
    Result(fmt::format("offline `intern compare`, {}: peak RSS", Where(base)),
           fmt::format("{:.1f} MB", rss_mb), "< 50 MB", rss_mb < 50);
  }
  if (failures > 0) fmt::print("  {} runs did not exit 0\n", failures);

  const std::vector<intern::testing::FakeTurn> script = Script();
  const int scripted_runs = std::max(3, runs / 4);
  bool all_drafts = true;
  for (const fs::path& base : bases) {
    std::vector<double> wall, cpu;
    ScriptedRun last;
    for (int i = 0; i < scripted_runs; ++i) {
      last = RunScriptedCompare(script, base);
      wall.push_back(last.wall_ms);
      cpu.push_back(last.cpu_ms);
      all_drafts = all_drafts && last.draft;
    }
    fmt::print(
        "scripted compare over loopback HTTP (anthropic wire, streamed, zero model "
        "latency), store in {}, {} runs\n",
        base.string(), scripted_runs);
    fmt::print("  {} iterations, status {}, draft {}\n", last.iterations, last.status,
               last.draft ? "stored" : "MISSING");
    fmt::print(
        "  wall   median {:7.1f} ms   min {:7.1f} ms   max {:7.1f} ms   (target < 2000 ms)\n",
        Median(wall), *std::min_element(wall.begin(), wall.end()),
        *std::max_element(wall.begin(), wall.end()));
    fmt::print("  CPU    median {:7.1f} ms   ({:.1f} ms wall per iteration)\n", Median(cpu),
               Median(wall) / std::max(1, last.iterations));
      Result(fmt::format("scripted {}-iteration compare over loopback HTTP, {}: wall median",
                       last.iterations, Where(base)),
           fmt::format("{:.1f} ms ({:.1f} ms CPU)", Median(wall), Median(cpu)), "< 2000 ms",
           Median(wall) < 2000 && last.draft);
  }
  if (failures > 0) Result("offline runs that did not exit 0", std::to_string(failures), "0", false);
  return failures > 0 || !all_drafts ? 1 : 0;
}
