#pragma once
// `intern daemon` without the command line (DESIGN §10): one daemon per store, sweeps on the
// `sweep.schedule` cron schedule in the local time zone.
//
// Missed runs: at start, when the store records an earlier sweep and the schedule had a firing
// time between that sweep and now (the machine was off, the daemon was stopped), one sweep runs
// at once — one, however many were missed, never a burst. Without a recorded sweep the daemon
// waits for the next firing time. A sweep that outlasts the period makes the daemon skip to the
// next firing time after it ends, again never a burst.
//
// Waiting uses the injected Clock in slices of at most `tick`, checking the interrupt between
// slices, so SIGTERM/SIGINT end a wait within a tick; a sweep in progress finishes its current
// step and releases its leases (agent/sweep/job_worker.h) before the daemon returns.
//
// Thread safety: RunDaemon blocks its caller; DaemonLock is a move-only handle.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "agent/sweep/cron.h"
#include "config/clock.h"
#include "config/result.h"
#include "sessions/store.h"

namespace intern::agent {

// An exclusive flock(2) on a file in INTERN_HOME, held for the life of the object; the file
// says who holds it ("pid=N\nstarted=RFC3339\n"). The kernel drops the lock when the process
// dies, so a crashed daemon never blocks the next one.
class DaemonLock {
 public:
  // Failure (kUnavailable) when another process (or another DaemonLock in this one) holds it:
  //   "another intern daemon is running on this store (pid 4242, started 2026-11-21T06:00:00Z;
  //    lock file PATH); stop it first, or set INTERN_HOME to use another store"
  // and (kIo) when the file cannot be opened: "cannot open the daemon lock file PATH: REASON".
  static Result<DaemonLock> Acquire(const std::filesystem::path& path, const Clock& clock);

  DaemonLock(DaemonLock&& other) noexcept;
  DaemonLock& operator=(DaemonLock&& other) noexcept;
  ~DaemonLock();
  DaemonLock(const DaemonLock&) = delete;
  DaemonLock& operator=(const DaemonLock&) = delete;

 private:
  explicit DaemonLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The lock file of the store under `home`.
std::filesystem::path DaemonLockPath(const std::filesystem::path& home);

struct DaemonOptions {
  std::string schedule_text;  // for log lines
  bool once = false;          // run one sweep (when due), then return
  const std::atomic<int>* interrupt = nullptr;
  std::optional<std::chrono::system_clock::time_point> last_sweep;  // from LastSweepTime
  std::chrono::milliseconds tick{1000};
};

// The time of the last finished sweep recorded in the store's events, if any.
std::optional<std::chrono::system_clock::time_point> LastSweepTime(const sessions::Store& store);

// Runs `sweep` at each firing time of `schedule` until the interrupt is set (or once, with
// options.once). Returns how many sweeps ran. `log` gets one line per decision.
int RunDaemon(const CronSchedule& schedule, const DaemonOptions& options, Clock& clock,
              const std::function<void()>& sweep,
              const std::function<void(const std::string& line)>& log);

// "2026-11-21 06:00 CET" in the local time zone.
std::string LocalTimeText(std::chrono::system_clock::time_point t);

}  // namespace intern::agent
