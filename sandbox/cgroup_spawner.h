#pragma once
// CgroupSpawner makes start-up with a cgroup v1 group cheap. Moving a process into a v1 group
// waits for an RCU grace period (several milliseconds on a busy machine), which would dominate
// the start-up of a sandbox. So a worker thread moves itself into a fresh group ahead of time,
// clones the sandbox's init from there when a run asks (the init is born inside the group), and
// then, off the run's critical path, moves on to the next fresh group.
//
// Honesty of figures: the clone itself is the only work of this process charged to the run's
// group; its CPU time (measured on the worker thread) is returned so it can be subtracted. While
// the worker has not left a group, the group's pids count includes it (one more than the tree).
//
// Thread safety: Spawn may be called from several threads; spawns are served one at a time.

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "config/result.h"
#include "sandbox/cgroup.h"

namespace intern::sandbox {

class CgroupSpawner {
 public:
  CgroupSpawner();
  ~CgroupSpawner();
  CgroupSpawner(const CgroupSpawner&) = delete;
  CgroupSpawner& operator=(const CgroupSpawner&) = delete;

  struct Spawned {
    std::unique_ptr<Cgroup> cgroup;  // the run's group; the caller owns it from now on
    pid_t pid = -1;                  // what `clone_fn` returned
    int error = 0;                   // errno after clone_fn when pid < 0
    double clone_cpu_seconds = 0;    // CPU the worker spent in clone_fn, charged to the group
  };

  // Sets the limits on the prepared group and runs `clone_fn` on the worker thread (it must
  // clone and, in the child, never return). Failure (kUnavailable) when no group could be
  // prepared; the caller then falls back to moving the child in.
  Result<Spawned> Spawn(std::uint64_t memory_bytes, int max_processes,
                        const std::function<pid_t()>& clone_fn);

  // Takes back a spawned group whose processes are gone. The worker removes it once it has
  // moved on, so the run does not wait for that move.
  void Retire(std::unique_ptr<Cgroup> cgroup);

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::unique_ptr<Cgroup> prepared_;
  std::vector<std::unique_ptr<Cgroup>> retired_;
  std::string prepare_error_;
  bool preparing_ = true;
  const std::function<pid_t()>* request_ = nullptr;
  bool done_ = false;
  Spawned result_;
  bool stopping_ = false;
  bool retry_ = false;  // prepare again after a failed preparation
  std::mutex spawn_mu_;  // one spawn at a time
  std::thread worker_;
};

}  // namespace intern::sandbox
