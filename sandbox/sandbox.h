#pragma once
// The process sandbox (DESIGN §9). Run executes an untrusted command isolated on this machine and
// measures it. The Sandbox interface exists so the benchmark tool can be tested with a fake.
//
// Contract of Run:
// - Success: the command was started; RunResult says how it ended (exit code, signal, the limit
//   that fired) and what it measured. A command that fails, crashes or hits a limit is a success
//   of Run.
// - Failure: the command could not be started. Messages start with "sandbox setup failed: <step>:"
//   when a containment step or exec failed (code kInvalidArgument when the command does not
//   exist, else kIo), or say that no isolation is available (kUnavailable) and how to proceed.
// - Every run leaves no process, mount or cgroup behind, whatever happens.
// - What the command sees (native and bwrap): the host's root read-only, a private /tmp tmpfs
//   with the scratch directory at kScratchPath, its own /proc and a minimal read-only /dev. Host
//   directories that may hold API keys are covered by empty read-only tmpfs mounts: /root, /home,
//   /etc/intern and the directories named by this process's $HOME, $XDG_CONFIG_HOME,
//   $XDG_DATA_HOME and $INTERN_HOME, when they exist (read at each Run; hidden_paths.h), except
//   the scratch directory itself, which stays reachable at kScratchPath wherever it lives. A
//   command whose executable lives under one of them cannot be run. The unisolated backend
//   (kNone) hides nothing.
// Thread safety: Run may be called from several threads at once.

#include <memory>
#include <string>

#include "config/result.h"
#include "sandbox/run_spec.h"

namespace intern::sandbox {

class Sandbox {
 public:
  virtual ~Sandbox() = default;
  virtual Result<RunResult> Run(const RunSpec& spec) = 0;
};

enum class Backend {
  kAuto,        // native namespaces, else bwrap, else refuse (or none with allow_unsafe)
  kNative,      // native only; refuse when namespaces are refused
  kBubblewrap,  // bwrap only
  kNone,        // no isolation, rlimits only; requires allow_unsafe
};

struct SandboxOptions {
  Backend backend = Backend::kAuto;
  // Run without isolation when none is possible (`--unsafe-no-sandbox`). Default: refuse.
  bool allow_unsafe = false;
  // Where to find bubblewrap for the fallback; "" looks in /usr/bin and /bin.
  std::string bwrap_path;
  // Use a cgroup when one is available (v2 -> v1). false forces the "none" cgroup backend.
  bool use_cgroup = true;
  // Behave as if the kernel refused user namespaces (to exercise the fallback and the refusal).
  bool pretend_namespaces_refused = false;
};

// The Linux sandbox with the given options. Never null.
std::unique_ptr<Sandbox> MakeSandbox(const SandboxOptions& options = {});

}  // namespace intern::sandbox
