#pragma once
// What one sandboxed run is asked to do (RunSpec, Limits) and what it measured (RunResult).
// Plain structs: the CLI, the benchmark runner and tests fill them; nothing here touches the OS.

#include <cstdint>
#include <string>
#include <vector>

namespace intern::sandbox {

// Per-run limits. A zero means "no limit of this kind" except where noted. Limits that the chosen
// backend cannot enforce are listed in RunResult::degraded, never silently dropped.
struct Limits {
  double wall_seconds = 60;              // monotonic; always enforced (0 is treated as 60)
  double cpu_seconds = 0;                // user+system; RLIMIT_CPU per process and, with a cgroup, the whole tree
  std::uint64_t memory_bytes = 0;        // cgroup memory limit of the tree; RLIMIT_AS per process without one
  int max_processes = 0;                 // cgroup pids limit of the tree and RLIMIT_NPROC
  std::uint64_t output_bytes = 16 << 20; // stdout+stderr together; the run is killed past it
  std::uint64_t file_size_bytes = 0;     // RLIMIT_FSIZE
  std::uint64_t tmpfs_bytes = 64 << 20;  // size of the private /tmp tmpfs (0 = 64 MiB)
  int open_files = 0;                    // RLIMIT_NOFILE
};

enum class Network {
  kNone,      // an empty network namespace; every non-AF_UNIX socket() is refused
  kLoopback,  // a private network namespace with only `lo` up; AF_INET/AF_INET6 allowed
};

struct RunSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH of `env` when it has no '/'
  std::vector<std::string> env;   // "KEY=VALUE"; the command sees exactly these
  // Host directory mounted writable at kScratchPath inside; "" for none. Under root it is handed
  // (with its contents) to the unprivileged uid the sandbox runs as, so the command can write it.
  std::string scratch_dir;
  std::string cwd;                // inside path; "" means kScratchPath when scratch is set, else "/"
  Limits limits;
  Network network = Network::kNone;
  std::size_t capture_bytes = 64 << 10;  // bytes kept of the head and of the tail of each stream
};

// Where the scratch directory appears inside the sandbox (the private /tmp is a tmpfs).
inline constexpr const char* kScratchPath = "/tmp/scratch";

enum class Isolation { kNative, kBubblewrap, kNone };
enum class CgroupKind { kV2, kV1, kNone };
enum class LimitHit { kNone, kWall, kCpu, kMemory, kProcesses, kOutput, kFileSize };

const char* IsolationName(Isolation i);   // "native", "bwrap", "none"
const char* CgroupKindName(CgroupKind k);  // "v2", "v1", "none"
const char* LimitHitName(LimitHit l);      // "none", "wall", "cpu", "memory", "processes", "output", "file_size"

// One captured stream: its first and last bytes, its size and a hash of everything read.
struct Capture {
  std::string head;
  std::string tail;            // empty when the whole stream fits in head
  std::uint64_t bytes = 0;     // bytes read (up to the output cap)
  std::string sha256;          // hex, over all bytes read
  bool truncated = false;      // the output cap cut it
};

struct RunResult {
  Isolation isolation = Isolation::kNative;
  CgroupKind cgroup = CgroupKind::kNone;
  int exit_code = -1;          // when the command exited; -1 otherwise
  int signal = 0;              // when it was killed by a signal (also set when a limit killed it)
  LimitHit limit = LimitHit::kNone;  // the limit that ended the run, if one did
  bool process_limit_reached = false;  // a fork was refused by the process limit at some point
  double wall_seconds = 0;
  double user_seconds = 0;     // CPU of the whole tree
  double system_seconds = 0;
  std::string cpu_source;      // where the CPU figures come from
  std::uint64_t peak_memory_bytes = 0;
  std::string memory_source;   // "cgroup v1 memory.max_usage_in_bytes (whole tree)", "ru_maxrss (largest single process)", ...
  int leftover_processes = 0;  // processes of the run still alive after teardown (should be 0)
  Capture out;
  Capture err;
  std::vector<std::string> degraded;  // limits or protections this backend could not apply

  bool succeeded() const { return limit == LimitHit::kNone && signal == 0 && exit_code == 0; }
};

}  // namespace intern::sandbox
