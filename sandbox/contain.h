#pragma once
// The child side of the native sandbox: the steps run by the pid-namespace init after clone and by
// the command process it forks, in order (nsjail style). Everything the child needs is prepared
// by the parent in a ChildPlan before clone, because between clone and exec the child may only
// make system calls: the parent may be multi-threaded, and another thread could hold the
// allocator's lock at the moment of the clone.
//
// The report pipe (CLOEXEC) carries fixed-size ReportRecords to the parent: a setup error names
// its step and errno, "started" is written just before exec, "exited" carries the command's wait
// status. EOF without "started" or an error means the init was killed.

#include <linux/filter.h>
#include <sys/resource.h>

#include <cstdint>

namespace intern::sandbox {

// The host directory the native init attaches the new root to before pivot_root (only its private
// mount namespace sees the attachment); paths of the new root are prefixed with it until then.
inline constexpr const char* kStagePath = "/tmp";

struct ReportRecord {
  enum Kind : std::int32_t { kSetupError = 1, kStarted = 2, kExited = 3 };
  std::int32_t kind = 0;
  std::int32_t error = 0;      // errno of a failed step
  std::int32_t status = 0;     // wait status of the command (kExited)
  std::int32_t reserved = 0;
  std::int64_t monotonic_ns = 0;  // CLOCK_MONOTONIC when the record was written
  char step[104] = {};         // the step that failed (kSetupError)
};
static_assert(sizeof(ReportRecord) == 128, "records must be written atomically to a pipe");

struct RlimitSetting {
  int resource;
  rlim_t value;  // soft limit
  rlim_t hard;
};

struct ChildPlan {
  int go_fd = -1;       // read end: 'g' once uid maps are written, then 'c' once the cgroup is
                        // in place (the native init reads both; plain children only the first)
  int report_fd = -1;   // write end of the report pipe
  int stdin_fd = -1;    // /dev/null of the host, opened by the parent
  int stdout_fd = -1;
  int stderr_fd = -1;
  bool drop_groups = false;       // setgroups(0) is allowed (the parent is root)
  const char* scratch = nullptr;  // host path or nullptr
  const char* tmp_options = nullptr;  // tmpfs options for /tmp ("size=...,mode=1777")
  const char* const* hidden = nullptr;  // staged paths ("/tmp/home") each covered by an empty
  int hidden_count = 0;                 // read-only tmpfs (hidden_paths.h)
  bool loopback = false;          // bring `lo` up
  const char* cwd = "/";
  const char* const* exec_paths = nullptr;  // candidates for argv[0], tried in order
  int exec_path_count = 0;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  RlimitSetting rlimits[8] = {};
  int rlimit_count = 0;
  sock_fprog seccomp = {};
  bool no_new_privs = true;  // false only to exec a possibly setuid bwrap
  int keep_fd = -1;          // passed to the command as fd 4 (bwrap's --seccomp program)
};

// Runs as pid 1 of the new namespaces: waits for the parent, builds the mount tree, forks the
// command, reaps everything until the command exits, reports its status and exits (which makes
// the kernel kill whatever the command left behind). Never returns.
[[noreturn]] void RunSandboxInit(const ChildPlan& plan);

// For the bwrap and unisolated backends: waits for the parent's go byte (when go_fd >= 0), then
// the command-side steps (own process group, stdio, rlimits, no-new-privs, seccomp, exec) in a
// plain child. Never returns.
[[noreturn]] void RunPlainCommand(const ChildPlan& plan);

}  // namespace intern::sandbox
