#pragma once
// Which sessions a live process is running (DESIGN §4, resume). RunSession holds an exclusive
// open-file-description lock (fcntl F_OFD_SETLK) on <store folder>/run/<session id>.lock while it
// runs; the kernel releases it however the process ends, SIGKILL included. So a session whose
// status says running, whose lock file exists and which no process holds was interrupted, and
// `intern sessions resume` continues it. A session that was never run by the loop (a sweep, or a
// store written by an older build) has no lock file, and nothing is claimed about it.
//
// Lock files stay in place, empty: removing one while another process opens it would let two
// processes each hold "the" lock. A store in memory has no lock. Linux (OFD locks, 3.15+).

#include <string>

namespace intern::agent {

enum class RunLockState {
  kNeverRun,  // no lock file (or a store in memory)
  kHeld,      // a process is running the session now
  kFree,      // it was run, and nobody runs it now
};

class SessionRunLock {
 public:
  // Takes the lock of `session_id` of the store at `store_path` (Store::path()). Throws
  // intern::Error when a process already runs the session: "session s-x is being run by another
  // intern process; wait for it to finish or stop it before running it again". When the lock
  // file cannot be created (a read-only folder) no lock is taken and the run goes on: only the
  // "interrupted?" hint of `sessions list` is lost.
  SessionRunLock(const std::string& store_path, const std::string& session_id);
  ~SessionRunLock();
  SessionRunLock(const SessionRunLock&) = delete;
  SessionRunLock& operator=(const SessionRunLock&) = delete;

  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Whether session `session_id` of the store at `store_path` is being run now. Creates nothing.
RunLockState SessionRunState(const std::string& store_path, const std::string& session_id);

}  // namespace intern::agent
