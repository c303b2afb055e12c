#pragma once
// InterruptGuard — turns SIGINT and SIGTERM into a level the loop reads between steps:
//   0  nothing asked
//   1  finish the current step, then stop cleanly (first SIGINT, or any SIGTERM)
//   2  stop now, without committing a partial step (second SIGINT)
// The guard installs its handlers on construction and restores the previous handlers on
// destruction. The handler only stores into a lock-free atomic (async-signal-safe).
//
// Only one guard may be alive at a time in a process (signal dispositions are process-wide);
// constructing a second throws intern::Error. The guard itself is used from one thread; the
// level may be read from any thread.

#include <atomic>
#include <csignal>

namespace intern::agent {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // 0, 1 or 2, as above; never goes down while the guard lives.
  const std::atomic<int>& level() const;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace intern::agent
