#include "sandbox/outcome.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace intern::sandbox {
namespace {

std::string Errno(int e) { return std::strerror(e); }

}  // namespace

Status FinishResult(Supervised& s, const RunFacts& facts, RunResult& result) {
  const ReportRecord* started = nullptr;
  const ReportRecord* exited = nullptr;
  for (const ReportRecord& r : s.records) {
    if (r.kind == ReportRecord::kSetupError) {
      std::string step(r.step, strnlen(r.step, sizeof(r.step)));
      bool exec = step == "exec";
      if (exec && facts.isolation == Isolation::kBubblewrap) step = "exec bwrap";
      else if (exec) step = "exec `" + facts.spec.argv.front() + "`";
      return Fail(exec && r.error == ENOENT ? ErrorCode::kInvalidArgument : ErrorCode::kIo,
                  "sandbox setup failed: " + step + ": " + Errno(r.error));
    }
    if (r.kind == ReportRecord::kStarted) started = &r;
    if (r.kind == ReportRecord::kExited) exited = &r;
  }
  if (started == nullptr && s.limit == LimitHit::kNone) {
    return Fail(ErrorCode::kIo, "sandbox setup failed: the sandbox ended before starting the command");
  }

  int status = s.wait_status;
  std::int64_t start_ns = started != nullptr ? started->monotonic_ns : facts.launch_ns;
  std::int64_t end_ns = s.end_ns;
  if (facts.isolation == Isolation::kNative) {
    if (exited != nullptr) {
      status = exited->status;
      end_ns = exited->monotonic_ns;
    } else {
      status = SIGKILL;  // the init was killed; so was the command
    }
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  if (facts.isolation == Isolation::kBubblewrap && result.exit_code == 1 &&
      s.err.head.rfind("bwrap: ", 0) == 0) {
    std::string line = s.err.head.substr(0, s.err.head.find('\n'));
    return Fail(line.find("No such file") != std::string::npos ? ErrorCode::kInvalidArgument : ErrorCode::kIo,
                "sandbox setup failed: " + line);
  }
  result.wall_seconds = std::max<std::int64_t>(0, end_ns - start_ns) / 1e9;
  result.limit = s.limit;
  result.out = std::move(s.out);
  result.err = std::move(s.err);

  if (facts.stats.have_cpu) {
    result.user_seconds = facts.stats.user_seconds;
    // The clone that created the init ran in the group; it is the sandbox's cost, not the run's.
    result.system_seconds = std::max(0.0, facts.stats.system_seconds - facts.clone_cpu_seconds);
    result.cpu_source = facts.stats.cpu_source;
  } else {
    result.user_seconds = s.usage.ru_utime.tv_sec + s.usage.ru_utime.tv_usec / 1e6;
    result.system_seconds = s.usage.ru_stime.tv_sec + s.usage.ru_stime.tv_usec / 1e6;
    result.cpu_source = facts.isolation == Isolation::kNative
                            ? "rusage of the namespace init (whole tree: orphans are reaped by it)"
                        : facts.isolation == Isolation::kBubblewrap
                            ? "rusage of bwrap (whole tree)"
                            : "rusage of the command and the children it waited for";
  }
  if (facts.stats.have_memory) {
    result.peak_memory_bytes = facts.stats.peak_memory_bytes;
    result.memory_source = facts.stats.memory_source;
  } else {
    result.peak_memory_bytes = static_cast<std::uint64_t>(s.usage.ru_maxrss) * 1024;
    result.memory_source = "ru_maxrss (largest single process)";
  }
  result.process_limit_reached = facts.stats.process_limit_hit;

  if (result.limit == LimitHit::kNone) {
    double cpu = result.user_seconds + result.system_seconds;
    if (result.signal == SIGXCPU ||
        (result.signal == SIGKILL && facts.spec.limits.cpu_seconds > 0 && cpu >= facts.spec.limits.cpu_seconds)) {
      result.limit = LimitHit::kCpu;
    } else if (facts.stats.oom_killed) {
      result.limit = LimitHit::kMemory;
    } else if (result.signal == SIGXFSZ) {
      result.limit = LimitHit::kFileSize;
    } else if (facts.stats.process_limit_hit && (result.exit_code != 0 || result.signal != 0)) {
      result.limit = LimitHit::kProcesses;
    }
  }
  return Status::Ok();
}

}  // namespace intern::sandbox
