#pragma once
// BenchRunner runs a BenchSpec in the sandbox: a fresh scratch directory with the spec's files,
// the setup commands once, the warm-ups (discarded), then the repetitions; it reduces each figure
// to median/min/max and writes a receipt saying where, on what and with what it ran.
//
// Outcomes are kept apart: a setup command that fails, or a command the sandbox cannot start
// (missing program, containment failure), is kSetupFailed; the benchmarked command exiting
// non-zero, dying or hitting a limit is kBenchmarkFailed. Run returns a failure only when the
// scratch directory cannot be prepared.
//
// Thread safety: one runner per thread; the Sandbox it uses may be shared.

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "config/clock.h"
#include "config/result.h"
#include "sandbox/sandbox.h"
#include "tools/bench/bench_spec.h"

namespace intern::tools {

struct BenchFigure {
  std::string name;   // "wall", "cpu", "peak_memory", or a metric's name
  std::string unit;   // "s", "MiB", or the metric's unit
  double median = 0;
  double min = 0;
  double max = 0;
  std::vector<double> samples;  // one per repetition, in order
  std::string source;           // how it was measured
};

struct BenchReceipt {
  std::string spec_name, spec_source, spec_sha256;
  std::string started_at;  // RFC 3339, UTC
  std::string host, kernel, cpu_model;
  std::string isolation, cgroup;
  std::vector<std::pair<std::string, std::string>> tool_versions;
  std::string command;
  int exit_code = -1;       // of the last run made
  int signal = 0;
  std::string limit;        // the limit that stopped the last run, or "none"
  std::vector<std::string> stdout_sha256;  // one per repetition
  std::vector<std::string> stderr_sha256;
  std::vector<std::string> degraded;
};

enum class BenchOutcome { kOk, kSetupFailed, kBenchmarkFailed, kCancelled };
const char* BenchOutcomeName(BenchOutcome o);  // "ok", "setup_failed", "benchmark_failed", "cancelled"

struct BenchReport {
  BenchOutcome outcome = BenchOutcome::kOk;
  std::string message;  // why it did not succeed ("" when ok)
  std::vector<BenchFigure> figures;
  BenchReceipt receipt;
  std::string stdout_tail;  // of the last run, to show what went wrong
  std::string stderr_tail;
};

class BenchRunner {
 public:
  BenchRunner(sandbox::Sandbox& sandbox, Clock& clock) : sandbox_(sandbox), clock_(clock) {}

  // Runs `spec`; stops between runs when *cancel becomes true.
  Result<BenchReport> Run(const BenchSpec& spec, const std::atomic<bool>* cancel = nullptr);

 private:
  sandbox::Sandbox& sandbox_;
  Clock& clock_;
};

// The environment every benchmark run starts from (PATH, HOME=/tmp/scratch, TMPDIR, LANG).
const std::vector<std::string>& BaseBenchEnv();

// The median of `values` (mean of the middle two for an even count); 0 when empty.
double Median(std::vector<double> values);

// Host facts for the receipt: host name, "release version" of the kernel, CPU model.
struct HostFacts {
  std::string host, kernel, cpu_model;
};
HostFacts ReadHostFacts();

}  // namespace intern::tools
