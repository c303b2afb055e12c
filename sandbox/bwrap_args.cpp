// The bubblewrap fallback's command line: the same containment as the native backend, expressed
// as bwrap options. bwrap reads our seccomp program from fd 4 and applies it last.

#include <string>
#include <vector>

#include "sandbox/run_spec.h"

namespace intern::sandbox {

std::vector<std::string> BwrapArguments(const std::string& bwrap, const RunSpec& spec,
                                        const std::string& cwd) {
  std::uint64_t tmp = spec.limits.tmpfs_bytes > 0 ? spec.limits.tmpfs_bytes : 64ull << 20;
  std::vector<std::string> a = {bwrap,
                                "--unshare-all",
                                "--die-with-parent",
                                "--new-session",
                                "--cap-drop", "ALL",
                                "--ro-bind", "/", "/",
                                "--size", std::to_string(tmp),
                                "--tmpfs", "/tmp",
                                "--proc", "/proc",
                                "--dev", "/dev",
                                "--remount-ro", "/dev"};
  if (!spec.scratch_dir.empty()) {
    a.insert(a.end(), {"--bind", spec.scratch_dir, kScratchPath});
  }
  a.insert(a.end(), {"--chdir", cwd, "--seccomp", "4", "--"});
  a.insert(a.end(), spec.argv.begin(), spec.argv.end());
  return a;
}

}  // namespace intern::sandbox
