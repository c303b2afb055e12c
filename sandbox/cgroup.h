#pragma once
// A cgroup for one sandboxed run: limits the whole process tree (memory, process count), measures
// it (CPU, peak memory) and kills it. The backend is chosen at run time: cgroup v2 with the memory
// and pids controllers delegated to us, else cgroup v1 memory + pids hierarchies (+ cpuacct), else
// none. Groups are created under the calling process's own cgroup, so an outer limit still holds.
//
// Thread safety: one Cgroup belongs to one run; distinct Cgroups may be used concurrently.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/result.h"
#include "sandbox/run_spec.h"

namespace intern::sandbox {

struct CgroupStats {
  bool have_cpu = false;
  double user_seconds = 0;
  double system_seconds = 0;
  bool have_memory = false;
  std::uint64_t peak_memory_bytes = 0;
  bool oom_killed = false;         // the memory limit killed a process
  bool process_limit_hit = false;  // a fork was refused by pids.max
  std::string cpu_source;
  std::string memory_source;
};

// What the machine offers, for reports and for tests that skip when a mechanism is missing.
struct CgroupProbe {
  CgroupKind kind = CgroupKind::kNone;
  std::string detail;  // one sentence: what was found and why this kind was chosen
};
CgroupProbe ProbeCgroups();

// Removes empty groups left by sandboxes whose process died without cleaning up (a crash); the
// name of each group carries the pid of the process that made it. Returns how many it removed.
int RemoveStaleCgroups();

class Cgroup {
 public:
  // Creates a fresh group with the given limits (0 = unlimited) on the best available backend.
  // Failure (kUnavailable) when no backend works; the caller then runs without a cgroup.
  static Result<std::unique_ptr<Cgroup>> Create(std::uint64_t memory_bytes, int max_processes);

  // Kills whatever is left, waits (bounded) until the group is empty and removes it.
  ~Cgroup();
  Cgroup(const Cgroup&) = delete;
  Cgroup& operator=(const Cgroup&) = delete;

  CgroupKind kind() const { return kind_; }
  // Moves `pid` (a host pid) into the group; its future children follow.
  Status Attach(pid_t pid);
  // cgroup v1 only: moves one thread (`tid`) of this process into the group, so that what it
  // clones is born inside. Members of this process are never counted or killed by this class.
  Status AttachThread(pid_t tid);
  // Sets the limits (0 = unlimited) of a group created without them.
  Status SetLimits(std::uint64_t memory_bytes, int max_processes);
  CgroupStats Stats() const;
  // CPU time (user+system) of the tree so far, or a negative value when not measured.
  double CpuSeconds() const;
  // Sends SIGKILL to every member.
  void KillAll() const;
  // Members still alive.
  int CountProcesses() const;

 private:
  Cgroup() = default;
  std::vector<std::string> ProcFiles() const;

  CgroupKind kind_ = CgroupKind::kNone;
  std::string v2_dir_;
  std::string memory_dir_, pids_dir_, cpu_dir_;  // v1
};

}  // namespace intern::sandbox
