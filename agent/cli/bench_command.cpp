// `intern bench exec [limits] -- CMD...` runs one command in the sandbox and reports what it
// measured; `intern bench run SPEC.toml` runs a benchmark spec. Both are the operator's own
// commands, so bench.approval (which governs the agent's run_benchmark tool) does not apply.

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <ostream>

#include "agent/cli/cli.h"
#include "config/clock.h"
#include "config/error.h"
#include "sandbox/sandbox.h"
#include "tools/bench/bench_format.h"
#include "tools/bench/bench_runner.h"
#include "tools/bench/bench_spec.h"

namespace intern::agent {
namespace {

struct ExecOptions {
  std::vector<std::string> command;
  double wall = 60;
  double cpu = 0;
  std::uint64_t memory_mb = 0;
  int procs = 0;
  std::uint64_t output = 16 << 20;
  std::uint64_t fsize_mb = 0;
  std::uint64_t tmpfs_mb = 64;
  int nofile = 0;
  bool allow_loopback = false;
  bool unsafe = false;
  bool json = false;
};

struct RunOptions {
  std::string spec;
  bool unsafe = false;
  bool json = false;
};

std::unique_ptr<sandbox::Sandbox> MakeOperatorSandbox(bool unsafe) {
  sandbox::SandboxOptions options;
  options.allow_unsafe = unsafe;
  return sandbox::MakeSandbox(options);
}

class TempScratch {
 public:
  TempScratch() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "intern-exec-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw Error("cannot create a scratch directory in " +
                  std::filesystem::temp_directory_path().string() + ": set TMPDIR to a writable directory");
    }
    path_ = tmpl;
  }
  ~TempScratch() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void Exec(const ExecOptions& o, CliContext& ctx) {
  if (o.command.empty()) throw UsageError("give the command after `--`, e.g. `intern bench exec -- make test`");
  sandbox::RunSpec spec;
  spec.argv = o.command;
  spec.env = tools::BaseBenchEnv();
  spec.limits.wall_seconds = o.wall;
  spec.limits.cpu_seconds = o.cpu;
  spec.limits.memory_bytes = o.memory_mb << 20;
  spec.limits.max_processes = o.procs;
  spec.limits.output_bytes = o.output;
  spec.limits.file_size_bytes = o.fsize_mb << 20;
  spec.limits.tmpfs_bytes = o.tmpfs_mb << 20;
  spec.limits.open_files = o.nofile;
  spec.network = o.allow_loopback ? sandbox::Network::kLoopback : sandbox::Network::kNone;
  TempScratch scratch;
  spec.scratch_dir = scratch.path();

  auto result = MakeOperatorSandbox(o.unsafe)->Run(spec);
  if (!result) throw Error(result.message());
  const sandbox::RunResult& r = *result;
  if (o.json) {
    ctx.out << tools::RunResultToJson(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    auto show = [](std::ostream& to, const sandbox::Capture& c) {
      to << c.head;
      if (!c.tail.empty()) to << (c.bytes > c.head.size() + c.tail.size() ? "\n[…]\n" : "") << c.tail;
    };
    show(ctx.out, r.out);
    show(ctx.err, r.err);
    ctx.err << tools::RunResultText(r);
  }
  ctx.exit_code = r.signal != 0 ? 128 + r.signal : (r.exit_code > 0 ? r.exit_code : 0);
  if (r.limit != sandbox::LimitHit::kNone && ctx.exit_code == 0) ctx.exit_code = kExitError;
}

void RunSpecFile(const RunOptions& o, CliContext& ctx) {
  auto spec = tools::LoadBenchSpec(o.spec);
  if (!spec) throw Error(spec.message());
  auto sandbox = MakeOperatorSandbox(o.unsafe);
  tools::BenchRunner runner(*sandbox, SystemClock::Instance());
  auto report = runner.Run(*spec);
  if (!report) throw Error(report.message());
  if (o.json) {
    ctx.out << tools::BenchReportToJson(*report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    ctx.out << tools::BenchReportText(*report);
  }
  if (report->outcome != tools::BenchOutcome::kOk) ctx.exit_code = kExitError;
}

}  // namespace

void AttachBenchCommand(CLI::App& cmd, CliContext& ctx) {
  cmd.require_subcommand(1);

  auto exec = std::make_shared<ExecOptions>();
  CLI::App* e = cmd.add_subcommand("exec", "Run one command in the sandbox and show what it measured");
  e->add_option("--wall", exec->wall, "Wall-clock limit in seconds")->capture_default_str()->check(CLI::PositiveNumber);
  e->add_option("--cpu", exec->cpu, "CPU-time limit in seconds (0: none)")->check(CLI::NonNegativeNumber);
  e->add_option("--memory", exec->memory_mb, "Memory limit of the whole tree in MiB (0: none)");
  e->add_option("--procs", exec->procs, "Process-count limit (0: none)")->check(CLI::NonNegativeNumber);
  e->add_option("--output", exec->output, "Cap on stdout+stderr bytes")->capture_default_str();
  e->add_option("--fsize", exec->fsize_mb, "Largest file the command may write, in MiB (0: none)");
  e->add_option("--tmpfs", exec->tmpfs_mb, "Size of the private /tmp in MiB")->capture_default_str();
  e->add_option("--nofile", exec->nofile, "Open-files limit (0: inherited)")->check(CLI::NonNegativeNumber);
  e->add_flag("--allow-loopback", exec->allow_loopback, "Give the command a private loopback network");
  e->add_flag("--unsafe-no-sandbox", exec->unsafe,
              "Run without isolation when no sandbox is possible on this machine");
  e->add_flag("--json", exec->json, "Print the measurements as JSON");
  e->add_option("command", exec->command, "The command and its arguments (after --)");
  e->callback([exec, &ctx] { Exec(*exec, ctx); });

  auto run = std::make_shared<RunOptions>();
  CLI::App* r = cmd.add_subcommand("run", "Run a benchmark spec (TOML) and print median/min/max with a receipt");
  r->add_option("spec", run->spec, "Path of the benchmark spec")->required();
  r->add_flag("--unsafe-no-sandbox", run->unsafe,
              "Run without isolation when no sandbox is possible on this machine");
  r->add_flag("--json", run->json, "Print the report as JSON");
  r->callback([run, &ctx] { RunSpecFile(*run, ctx); });
}

}  // namespace intern::agent
