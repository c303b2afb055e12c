// The bubblewrap fallback's command line: the same containment as the native backend, expressed
// as bwrap options (with the host directories of hidden_paths.h covered by empty tmpfs mounts).
// bwrap reads our seccomp program from fd 4 and applies it last.

#include <string>
#include <vector>

#include "sandbox/run_spec.h"

namespace intern::sandbox {

std::vector<std::string> BwrapArguments(const std::string& bwrap, const RunSpec& spec,
                                        const std::string& cwd,
                                        const std::vector<std::string>& hidden) {
  std::uint64_t tmp = spec.limits.tmpfs_bytes > 0 ? spec.limits.tmpfs_bytes : 64ull << 20;
  std::vector<std::string> a = {bwrap, "--unshare-all", "--die-with-parent", "--new-session",
                                "--cap-drop", "ALL", "--ro-bind", "/", "/"};
  // Each hidden host directory (hidden_paths.h) becomes an empty read-only tmpfs.
  for (const std::string& dir : hidden) a.insert(a.end(), {"--tmpfs", dir, "--remount-ro", dir});
  a.insert(a.end(), {"--size", std::to_string(tmp), "--tmpfs", "/tmp", "--proc", "/proc", "--dev",
                     "/dev", "--remount-ro", "/dev"});
  if (!spec.scratch_dir.empty()) {
    a.insert(a.end(), {"--bind", spec.scratch_dir, kScratchPath});
  }
  a.insert(a.end(), {"--chdir", cwd, "--seccomp", "4", "--"});
  a.insert(a.end(), spec.argv.begin(), spec.argv.end());
  return a;
}

}  // namespace intern::sandbox
