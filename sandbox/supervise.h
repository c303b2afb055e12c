#pragma once
// The parent side of every backend once the child is running: drain stdout/stderr with poll
// (capping bytes), enforce the wall, output and tree-CPU limits by killing, wait for the direct
// child and collect the report records. Internal to the sandbox library.

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "sandbox/cgroup.h"
#include "sandbox/contain.h"
#include "sandbox/run_spec.h"
#include "sandbox/unique_fd.h"

namespace intern::sandbox {

enum class KillStyle {
  kProcess,       // SIGKILL the direct child (a pid-namespace init, or bwrap)
  kProcessGroup,  // SIGKILL the child's process group (the unisolated backend)
};

struct Launched {
  pid_t pid = -1;
  UniqueFd pidfd;
  UniqueFd out, err;
  UniqueFd report;  // invalid for backends without a report pipe
  std::int64_t launch_ns = 0;  // CLOCK_MONOTONIC when the child was created
  KillStyle kill_style = KillStyle::kProcess;
};

struct Supervised {
  int wait_status = 0;  // of the direct child
  rusage usage{};       // of the direct child, including everything it reaped
  LimitHit limit = LimitHit::kNone;  // wall, output or cpu when the parent killed the run
  std::vector<ReportRecord> records;
  std::int64_t end_ns = 0;  // CLOCK_MONOTONIC when the direct child was seen to exit
  Capture out, err;
};

std::int64_t MonotonicNowNs();

// Runs until the direct child has exited and its pipes are drained (bounded by a short grace
// period after the exit), then reaps it. `cgroup` may be null.
Supervised Supervise(Launched& child, const RunSpec& spec, const Cgroup* cgroup);

// Kills the run's processes in the given style (and through the cgroup, when there is one).
void KillRun(const Launched& child, const Cgroup* cgroup);

}  // namespace intern::sandbox
