#pragma once
// Turns what the supervisor saw (report records, wait status, captures) and what the cgroup
// measured into a RunResult, naming the source of each figure and the limit that fired; or into
// the setup failure the records reveal. Internal to the sandbox library.

#include <cstdint>

#include "config/result.h"
#include "sandbox/cgroup.h"
#include "sandbox/run_spec.h"
#include "sandbox/supervise.h"

namespace intern::sandbox {

struct RunFacts {
  Isolation isolation;
  const RunSpec& spec;
  std::int64_t launch_ns;     // CLOCK_MONOTONIC at clone
  double clone_cpu_seconds;   // CPU of the clone charged to the group (subtracted)
  const CgroupStats& stats;   // empty when there is no cgroup
};

// Fills `result` (isolation, cgroup kind and degraded notes are the caller's). Failure: the
// command never ran ("sandbox setup failed: <step>: <reason>").
Status FinishResult(Supervised& s, const RunFacts& facts, RunResult& result);

}  // namespace intern::sandbox
