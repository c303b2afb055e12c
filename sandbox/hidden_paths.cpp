#include "sandbox/hidden_paths.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace intern::sandbox {
namespace {

namespace fs = std::filesystem;

// "" when `path` is empty, relative or cannot be resolved to an existing directory.
std::string CanonicalDirectory(const std::string& path) {
  if (path.empty() || path.front() != '/') return "";
  std::error_code ec;
  fs::path resolved = fs::canonical(path, ec);
  if (ec || !fs::is_directory(resolved, ec) || ec) return "";
  return resolved.string();
}

bool IsUnder(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                         path[dir.size()] == '/');
}

}  // namespace

std::vector<std::string> HiddenCandidates() {
  std::vector<std::string> c = {"/root", "/home", "/etc/intern"};
  for (const char* name : {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "INTERN_HOME"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') c.emplace_back(value);
  }
  return c;
}

std::vector<std::string> HiddenHostPaths(const std::vector<std::string>& candidates,
                                         const std::string& scratch_dir) {
  const std::string scratch = CanonicalDirectory(scratch_dir);
  std::vector<std::string> kept;
  for (const std::string& candidate : candidates) {
    std::string dir = CanonicalDirectory(candidate);
    if (dir.empty() || dir == "/" || dir == scratch) continue;
    if (IsUnder(dir, "/tmp") || IsUnder(dir, "/proc") || IsUnder(dir, "/dev")) continue;
    kept.push_back(dir);
  }
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
  std::vector<std::string> outermost;
  for (const std::string& dir : kept) {
    // Sorted order puts a parent before its children.
    bool covered = std::any_of(outermost.begin(), outermost.end(),
                               [&](const std::string& parent) { return IsUnder(dir, parent); });
    if (!covered) outermost.push_back(dir);
  }
  return outermost;
}

}  // namespace intern::sandbox
