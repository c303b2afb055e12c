#pragma once
// Helpers shared by the sandbox tests: a scratch directory that cleans itself up, a base spec with
// short deadlines, and a runner that skips (saying why) where a mechanism is missing.

#include <catch2/catch.hpp>
#include <dirent.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "sandbox/cgroup.h"
#include "sandbox/sandbox.h"

namespace intern::sandbox::testing {

class TempDir {
 public:
  explicit TempDir(const char* base = "/tmp") {
    std::string tmpl = std::string(base) + "/intern-sandbox-test-XXXXXX";
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
    REQUIRE(!path_.empty());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline RunSpec Spec(std::vector<std::string> argv) {
  RunSpec s;
  s.argv = std::move(argv);
  s.env = {"PATH=/usr/bin:/bin", "HOME=/tmp/scratch", "LANG=C"};
  s.limits.wall_seconds = 5;
  return s;
}

inline SandboxOptions Options(Backend backend, bool allow_unsafe = false) {
  SandboxOptions o;
  o.backend = backend;
  o.allow_unsafe = allow_unsafe;
  return o;
}

inline RunSpec Shell(const std::string& script) { return Spec({"/bin/sh", "-c", script}); }

// Runs natively; nullopt (with a WARN naming the reason) when namespaces are refused here.
inline std::optional<RunResult> RunNative(const RunSpec& spec, SandboxOptions options = {}) {
  options.backend = Backend::kNative;
  auto r = MakeSandbox(options)->Run(spec);
  if (!r && r.code() == ErrorCode::kUnavailable) {
    WARN("skipped: " << r.message());
    return std::nullopt;
  }
  INFO((r.ok() ? std::string() : r.message()));
  REQUIRE(r.ok());
  INFO("stderr: " << r->err.head);
  return std::move(*r);
}

inline bool HaveCgroup() {
  CgroupProbe p = ProbeCgroups();
  if (p.kind == CgroupKind::kNone) WARN("skipped: " << p.detail);
  return p.kind != CgroupKind::kNone;
}

// Host processes whose command line contains `marker` (to prove nothing outlived a run).
inline int HostProcessesWith(const std::string& marker) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(e.path() / "cmdline");
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (char& c : cmd) {
      if (c == '\0') c = ' ';
    }
    if (cmd.find(marker) != std::string::npos) ++n;
  }
  return n;
}

inline std::string ReadHostFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace intern::sandbox::testing
