#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "config/clock.h"
#include "tests/support/fake_sandbox.h"
#include "tools/bench/bench_runner.h"

namespace intern::tools {
namespace {

using testing::FakeSandbox;

BenchSpec Parse(const std::string& text, const std::string& base_dir = "/") {
  auto spec = ParseBenchSpec(text, "t.toml", base_dir);
  REQUIRE(spec.ok());
  return *spec;
}

sandbox::RunResult Ok(double wall, std::string out = "") {
  sandbox::RunResult r;
  r.exit_code = 0;
  r.wall_seconds = wall;
  r.user_seconds = wall / 2;
  r.system_seconds = wall / 4;
  r.peak_memory_bytes = static_cast<std::uint64_t>(wall * 100) << 20;
  r.cpu_source = "cpu-src";
  r.memory_source = "mem-src";
  r.out.head = std::move(out);
  r.out.sha256 = "hash-" + std::to_string(wall);
  return r;
}

}  // namespace

TEST_CASE("median, min and max are taken over the repetitions, warm-ups are discarded", "[bench]") {
  FakeSandbox sandbox([](const sandbox::RunSpec&, int call) -> Result<sandbox::RunResult> {
    const double walls[] = {9.0, 0.3, 0.1, 0.2};  // the first is the warm-up
    return Ok(walls[call], "rate: " + std::to_string(10 * (call + 1)) + "\n");
  });
  FakeClock clock;
  BenchSpec spec = Parse(
      "name = \"b\"\ncommand = [\"run\"]\nwarmups = 1\nrepetitions = 3\n"
      "[[metrics]]\nname = \"rate\"\nregex = 'rate: ([0-9]+)'\nunit = \"op/s\"\n");
  auto report = BenchRunner(sandbox, clock).Run(spec);
  REQUIRE(report.ok());
  CHECK(report->outcome == BenchOutcome::kOk);
  REQUIRE(report->figures.size() == 4);
  const BenchFigure& wall = report->figures[0];
  CHECK(wall.name == "wall");
  CHECK(wall.samples == std::vector<double>{0.3, 0.1, 0.2});
  CHECK(wall.median == Approx(0.2));
  CHECK(wall.min == Approx(0.1));
  CHECK(wall.max == Approx(0.3));
  CHECK(report->figures[1].name == "cpu");
  CHECK(report->figures[1].median == Approx(0.15));
  CHECK(report->figures[1].source == "cpu-src");
  CHECK(report->figures[2].name == "peak_memory");
  CHECK(report->figures[2].median == Approx(20));
  CHECK(report->figures[2].unit == "MiB");
  CHECK(report->figures[3].name == "rate");
  CHECK(report->figures[3].samples == std::vector<double>{20, 30, 40});
  CHECK(report->receipt.stdout_sha256 ==
        std::vector<std::string>{"hash-0.300000", "hash-0.100000", "hash-0.200000"});
}

TEST_CASE("the median of an even count is the mean of the middle two", "[bench]") {
  CHECK(Median({4, 1, 3, 2}) == 2.5);
  CHECK(Median({}) == 0);
}

TEST_CASE("every run shares one scratch directory with the spec's files, env and limits",
          "[bench]") {
  namespace fs = std::filesystem;
  std::string dir = fs::temp_directory_path() / "intern-bench-runner-test";
  fs::create_directories(dir + "/data");
  std::ofstream(dir + "/data/input.txt") << "42\n";
  std::vector<std::string> seen_files;
  FakeSandbox sandbox([&](const sandbox::RunSpec& s, int) -> Result<sandbox::RunResult> {
    seen_files.push_back(fs::exists(s.scratch_dir + "/input.txt") ? "input.txt" : "missing");
    return Ok(0.1);
  });
  FakeClock clock;
  BenchSpec spec = Parse(
      "name = \"b\"\nsetup = [\"make\"]\ncommand = \"run\"\nrepetitions = 2\nfiles = [\"data/input.txt\"]\n"
      "timeout = 7\n[env]\nK = \"v\"\n[limits]\nmemory_mb = 64\n", dir);
  auto report = BenchRunner(sandbox, clock).Run(spec);
  fs::remove_all(dir);
  REQUIRE(report.ok());
  auto specs = sandbox.specs();
  REQUIRE(specs.size() == 3);
  CHECK(seen_files == std::vector<std::string>{"input.txt", "input.txt", "input.txt"});
  CHECK(specs[0].argv == std::vector<std::string>{"/bin/sh", "-c", "make"});
  CHECK(specs[1].scratch_dir == specs[0].scratch_dir);
  CHECK(specs[1].env == std::vector<std::string>{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp/scratch",
                                                 "TMPDIR=/tmp", "LANG=C.UTF-8", "K=v"});
  CHECK(specs[1].limits.wall_seconds == 7);
  CHECK(specs[1].limits.memory_bytes == (64u << 20));
  CHECK_FALSE(fs::exists(specs[0].scratch_dir));  // removed afterwards
}

TEST_CASE("a failing setup command is a setup failure and the benchmark never runs", "[bench]") {
  FakeSandbox sandbox([](const sandbox::RunSpec&, int) -> Result<sandbox::RunResult> {
    sandbox::RunResult r = Ok(0.1);
    r.exit_code = 2;
    r.err.head = "make: no rule\n";
    return r;
  });
  FakeClock clock;
  auto report = BenchRunner(sandbox, clock).Run(Parse("name = \"b\"\nsetup = [\"make\"]\ncommand = \"run\"\n"));
  REQUIRE(report.ok());
  CHECK(report->outcome == BenchOutcome::kSetupFailed);
  CHECK(report->message == "setup command 1 (`/bin/sh -c make`) failed: exit status 2");
  CHECK(report->stderr_tail == "make: no rule\n");
  CHECK(sandbox.specs().size() == 1);
}

TEST_CASE("a command the sandbox cannot start is a setup failure, not a benchmark failure",
          "[bench]") {
  FakeSandbox sandbox([](const sandbox::RunSpec&, int) -> Result<sandbox::RunResult> {
    return Fail(ErrorCode::kInvalidArgument,
                "sandbox setup failed: exec `nope`: No such file or directory");
  });
  FakeClock clock;
  auto report = BenchRunner(sandbox, clock).Run(Parse("name = \"b\"\ncommand = [\"nope\"]\n"));
  REQUIRE(report.ok());
  CHECK(report->outcome == BenchOutcome::kSetupFailed);
  CHECK(report->message ==
        "the benchmark command could not start: sandbox setup failed: exec `nope`: No such file or directory");
}

TEST_CASE("a benchmark that fails or hits a limit is a benchmark failure naming the run",
          "[bench]") {
  FakeSandbox sandbox([](const sandbox::RunSpec&, int call) -> Result<sandbox::RunResult> {
    sandbox::RunResult r = Ok(0.1);
    if (call == 2) {
      r.limit = sandbox::LimitHit::kMemory;
      r.signal = 9;
      r.exit_code = -1;
    }
    return r;
  });
  FakeClock clock;
  auto report = BenchRunner(sandbox, clock).Run(Parse("name = \"b\"\ncommand = \"x\"\nwarmups = 1\nrepetitions = 3\n"));
  REQUIRE(report.ok());
  CHECK(report->outcome == BenchOutcome::kBenchmarkFailed);
  CHECK(report->message == "the benchmark failed on repetition 2: stopped by the memory limit");
  CHECK(report->receipt.limit == "memory");
  CHECK(report->figures.empty());
}

TEST_CASE("a metric missing from the output is a benchmark failure", "[bench]") {
  FakeSandbox sandbox;
  FakeClock clock;
  auto report = BenchRunner(sandbox, clock).Run(Parse(
      "name = \"b\"\ncommand = \"x\"\nrepetitions = 1\n[[metrics]]\nname = \"rate\"\nregex = 'rate: ([0-9]+)'\n"));
  REQUIRE(report.ok());
  CHECK(report->outcome == BenchOutcome::kBenchmarkFailed);
  CHECK(report->message == "metric `rate` was not found in the output of repetition 1");
}

TEST_CASE("the receipt names host, kernel, CPU, versions, command and exit status", "[bench]") {
  FakeSandbox sandbox([](const sandbox::RunSpec& s, int) -> Result<sandbox::RunResult> {
    if (s.argv[0] == "tool") return Ok(0.1, "\ntool 1.2.3\nmore\n");
    return Ok(0.1);
  });
  FakeClock clock;
  auto report = BenchRunner(sandbox, clock).Run(Parse(
      "name = \"b\"\ncommand = [\"tool\", \"run it\"]\nrepetitions = 1\n[versions]\ntool = [\"tool\", \"--version\"]\n"));
  REQUIRE(report.ok());
  const BenchReceipt& r = report->receipt;
  HostFacts host = ReadHostFacts();
  CHECK(r.host == host.host);
  CHECK(r.kernel == host.kernel);
  CHECK(r.cpu_model == host.cpu_model);
  CHECK_FALSE(r.kernel.empty());
  CHECK(r.started_at == "2026-01-01T00:00:00Z");
  CHECK(r.command == "tool 'run it'");
  CHECK(r.tool_versions == std::vector<std::pair<std::string, std::string>>{{"tool", "tool 1.2.3"}});
  CHECK(r.exit_code == 0);
  CHECK(r.isolation == "native");
  CHECK(r.spec_source == "t.toml");
}

TEST_CASE("cancellation stops the benchmark between runs", "[bench]") {
  std::atomic<bool> cancel{false};
  FakeSandbox sandbox([&](const sandbox::RunSpec&, int) -> Result<sandbox::RunResult> {
    cancel = true;
    return Ok(0.1);
  });
  FakeClock clock;
  auto report = BenchRunner(sandbox, clock).Run(Parse("name = \"b\"\ncommand = \"x\"\nrepetitions = 5\n"), &cancel);
  REQUIRE(report.ok());
  CHECK(report->outcome == BenchOutcome::kCancelled);
  CHECK(sandbox.specs().size() == 1);
}

TEST_CASE("a real benchmark runs setup and command in the sandbox and extracts its metric",
          "[bench][sandbox]") {
  auto sandbox = sandbox::MakeSandbox();
  FakeClock clock;
  BenchSpec spec = Parse(
      "name = \"count\"\nsetup = [\"seq 1000 > numbers.txt\"]\n"
      "command = \"echo lines: $(wc -l < numbers.txt)\"\nrepetitions = 3\ntimeout = 5\n"
      "[[metrics]]\nname = \"lines\"\nregex = 'lines: ([0-9]+)'\n"
      "[versions]\nsh = \"echo dash\"\n");
  auto report = BenchRunner(*sandbox, clock).Run(spec);
  REQUIRE(report.ok());
  if (report->outcome == BenchOutcome::kSetupFailed && report->message.find("no isolation") != std::string::npos) {
    WARN("skipped: " << report->message);
    return;
  }
  INFO(report->message << report->stderr_tail);
  REQUIRE(report->outcome == BenchOutcome::kOk);
  CHECK(report->figures[3].samples == std::vector<double>{1000, 1000, 1000});
  CHECK(report->figures[0].median > 0);
  CHECK(report->receipt.tool_versions[0].second == "dash");
  CHECK(report->receipt.stdout_sha256.size() == 3);
}

}  // namespace intern::tools
