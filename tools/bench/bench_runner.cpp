#include "tools/bench/bench_runner.h"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

namespace intern::tools {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "intern-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Describe(const sandbox::RunResult& r) {
  if (r.limit != sandbox::LimitHit::kNone) {
    return fmt::format("stopped by the {} limit", sandbox::LimitHitName(r.limit));
  }
  if (r.signal != 0) return fmt::format("killed by signal {}", r.signal);
  return fmt::format("exit status {}", r.exit_code);
}

std::string FirstLine(const std::string& s) {
  std::size_t start = s.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  return s.substr(start, s.find('\n', start) - start);
}

std::optional<double> ExtractMetric(const BenchMetric& m, const sandbox::RunResult& r) {
  const sandbox::Capture& c = m.from_stderr ? r.err : r.out;
  std::regex re(m.regex);
  // The last match wins: benchmarks usually print their summary at the end.
  std::optional<double> found;
  for (const std::string* text : {&c.head, &c.tail}) {
    for (auto it = std::sregex_iterator(text->begin(), text->end(), re);
         it != std::sregex_iterator(); ++it) {
      try {
        found = std::stod((*it)[1].str());
      } catch (const std::exception&) {
      }
    }
  }
  return found;
}

}  // namespace

const std::vector<std::string>& BaseBenchEnv() {
  static const std::vector<std::string> kEnv = {"PATH=/usr/local/bin:/usr/bin:/bin",
                                                "HOME=/tmp/scratch", "TMPDIR=/tmp", "LANG=C.UTF-8"};
  return kEnv;
}

const char* BenchOutcomeName(BenchOutcome o) {
  switch (o) {
    case BenchOutcome::kOk: return "ok";
    case BenchOutcome::kSetupFailed: return "setup_failed";
    case BenchOutcome::kBenchmarkFailed: return "benchmark_failed";
    case BenchOutcome::kCancelled: return "cancelled";
  }
  return "ok";
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

HostFacts ReadHostFacts() {
  HostFacts f;
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) == 0) f.host = host;
  utsname u{};
  if (::uname(&u) == 0) f.kernel = std::string(u.sysname) + " " + u.release + " " + u.version;
  std::ifstream cpu("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpu, line)) {
    if (line.rfind("model name", 0) == 0) {
      f.cpu_model = FirstLine(line.substr(line.find(':') + 1));
      break;
    }
  }
  return f;
}

Result<BenchReport> BenchRunner::Run(const BenchSpec& spec, const std::atomic<bool>* cancel) {
  BenchReport report;
  BenchReceipt& receipt = report.receipt;
  receipt.spec_name = spec.name;
  receipt.spec_source = spec.source;
  receipt.spec_sha256 = spec.text_sha256;
  receipt.started_at = Rfc3339(clock_.Now());
  HostFacts host = ReadHostFacts();
  receipt.host = host.host;
  receipt.kernel = host.kernel;
  receipt.cpu_model = host.cpu_model;
  receipt.command = CommandLine(spec.command);

  ScratchDir scratch;
  if (scratch.path().empty()) return Fail(ErrorCode::kIo, "cannot create a scratch directory for the benchmark");
  for (const std::string& file : spec.files) {
    fs::path from = fs::path(file).is_absolute() ? fs::path(file) : fs::path(spec.base_dir) / file;
    std::error_code ec;
    fs::copy(from, fs::path(scratch.path()) / from.filename(),
             fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) {
      report.outcome = BenchOutcome::kSetupFailed;
      report.message = fmt::format("copying {} into scratch: {}", from.string(), ec.message());
      return report;
    }
  }

  auto make_run = [&](const std::vector<std::string>& argv) {
    sandbox::RunSpec run;
    run.argv = argv;
    run.env = BaseBenchEnv();
    run.env.insert(run.env.end(), spec.env.begin(), spec.env.end());
    run.scratch_dir = scratch.path();
    run.limits = spec.limits;
    run.network = spec.network;
    return run;
  };
  auto cancelled = [&] {
    if (cancel == nullptr || !cancel->load()) return false;
    report.outcome = BenchOutcome::kCancelled;
    report.message = "cancelled by the operator";
    return true;
  };
  auto note_run = [&](const sandbox::RunResult& r) {
    receipt.isolation = sandbox::IsolationName(r.isolation);
    receipt.cgroup = sandbox::CgroupKindName(r.cgroup);
    receipt.exit_code = r.exit_code;
    receipt.signal = r.signal;
    receipt.limit = sandbox::LimitHitName(r.limit);
    receipt.degraded = r.degraded;
    report.stdout_tail = r.out.tail.empty() ? r.out.head : r.out.tail;
    report.stderr_tail = r.err.tail.empty() ? r.err.head : r.err.tail;
  };

  for (std::size_t i = 0; i < spec.setup.size(); ++i) {
    if (cancelled()) return report;
    auto r = sandbox_.Run(make_run(spec.setup[i]));
    std::string which = fmt::format("setup command {} (`{}`)", i + 1, CommandLine(spec.setup[i]));
    if (!r) {
      report.outcome = BenchOutcome::kSetupFailed;
      report.message = which + ": " + r.message();
      return report;
    }
    note_run(*r);
    if (!r->succeeded()) {
      report.outcome = BenchOutcome::kSetupFailed;
      report.message = which + " failed: " + Describe(*r);
      return report;
    }
  }

  for (const auto& [name, argv] : spec.versions) {
    sandbox::RunSpec run = make_run(argv);
    run.limits.wall_seconds = std::min(run.limits.wall_seconds, 10.0);
    auto r = sandbox_.Run(run);
    std::string version = !r ? "unknown (" + r.message() + ")"
                             : FirstLine(r->out.head.empty() ? r->err.head : r->out.head);
    receipt.tool_versions.emplace_back(name, version.empty() ? "unknown (no output)" : version);
  }

  std::vector<sandbox::RunResult> runs;
  for (int i = 0; i < spec.warmups + spec.repetitions; ++i) {
    if (cancelled()) return report;
    bool warmup = i < spec.warmups;
    auto r = sandbox_.Run(make_run(spec.command));
    if (!r) {
      report.outcome = BenchOutcome::kSetupFailed;
      report.message = "the benchmark command could not start: " + r.message();
      return report;
    }
    note_run(*r);
    std::string which = warmup ? fmt::format("warm-up {}", i + 1)
                               : fmt::format("repetition {}", i - spec.warmups + 1);
    if (!r->succeeded()) {
      report.outcome = BenchOutcome::kBenchmarkFailed;
      report.message = fmt::format("the benchmark failed on {}: {}", which, Describe(*r));
      return report;
    }
    if (warmup) continue;
    receipt.stdout_sha256.push_back(r->out.sha256);
    receipt.stderr_sha256.push_back(r->err.sha256);
    runs.push_back(std::move(*r));
  }

  const sandbox::RunResult& last = runs.back();
  BenchFigure wall{"wall", "s", 0, 0, 0, {}, "monotonic clock, exec to exit"};
  BenchFigure cpu{"cpu", "s", 0, 0, 0, {}, last.cpu_source};
  BenchFigure memory{"peak_memory", "MiB", 0, 0, 0, {}, last.memory_source};
  for (const sandbox::RunResult& r : runs) {
    wall.samples.push_back(r.wall_seconds);
    cpu.samples.push_back(r.user_seconds + r.system_seconds);
    memory.samples.push_back(static_cast<double>(r.peak_memory_bytes) / (1 << 20));
  }
  report.figures = {wall, cpu, memory};
  for (const BenchMetric& m : spec.metrics) {
    BenchFigure f{m.name, m.unit, 0, 0, 0, {}, "regex " + m.regex + " on " + (m.from_stderr ? "stderr" : "stdout")};
    for (std::size_t i = 0; i < runs.size(); ++i) {
      auto value = ExtractMetric(m, runs[i]);
      if (!value) {
        report.outcome = BenchOutcome::kBenchmarkFailed;
        report.message = fmt::format("metric `{}` was not found in the output of repetition {}",
                                     m.name, i + 1);
        report.figures.clear();
        return report;
      }
      f.samples.push_back(*value);
    }
    report.figures.push_back(std::move(f));
  }
  for (BenchFigure& f : report.figures) {
    f.median = Median(f.samples);
    f.min = *std::min_element(f.samples.begin(), f.samples.end());
    f.max = *std::max_element(f.samples.begin(), f.samples.end());
  }
  return report;
}

}  // namespace intern::tools
