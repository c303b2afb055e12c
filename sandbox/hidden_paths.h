#pragma once
// The host directories a sandboxed command must not see although the host's root is mounted
// read-only inside: home directories and the invoking user's configuration, data and intern home,
// which may hold API keys (~/.config/intern/config.toml, $INTERN_HOME). Both isolated backends
// cover each of them with an empty tmpfs.

#include <string>
#include <vector>

namespace intern::sandbox {

// /root, /home, /etc/intern and the directories named by $HOME, $XDG_CONFIG_HOME, $XDG_DATA_HOME
// and $INTERN_HOME of this process (read at each call, so a change is seen by the next run).
std::vector<std::string> HiddenCandidates();

// Of `candidates`, the directories to cover: each resolved to its canonical absolute path; those
// that do not exist (or are not directories) dropped, as are "/", anything under /tmp, /proc or
// /dev (the sandbox has its own), `scratch_dir` itself (an explicitly requested bind) and any
// path under another kept one (its parent's tmpfs already hides it, and the mount point would not
// exist inside). Sorted, without duplicates. Never fails.
std::vector<std::string> HiddenHostPaths(const std::vector<std::string>& candidates,
                                         const std::string& scratch_dir);

}  // namespace intern::sandbox
