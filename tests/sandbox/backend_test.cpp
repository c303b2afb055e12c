// Backend choice, the bwrap fallback, refusal without isolation, and setup failures told apart
// from program failures (DESIGN §9).

#include <unistd.h>

#include "tests/sandbox/sandbox_fixture.h"

namespace intern::sandbox::testing {

TEST_CASE("a missing command is a setup failure, not a benchmark failure", "[sandbox]") {
  auto r = MakeSandbox(Options(Backend::kNative))->Run(Spec({"/nonexistent/intern-command"}));
  if (!r && r.code() == ErrorCode::kUnavailable) {
    WARN("skipped: " << r.message());
    return;
  }
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kInvalidArgument);
  CHECK(r.message() == "sandbox setup failed: exec `/nonexistent/intern-command`: No such file or directory");
}

TEST_CASE("a command not on PATH is a setup failure naming it", "[sandbox]") {
  auto r = MakeSandbox(Options(Backend::kNative))->Run(Spec({"intern-no-such-tool"}));
  if (!r && r.code() == ErrorCode::kUnavailable) return;
  REQUIRE_FALSE(r.ok());
  CHECK(r.message() == "sandbox setup failed: exec `intern-no-such-tool`: No such file or directory");
}

TEST_CASE("a missing working directory is a setup failure", "[sandbox]") {
  RunSpec spec = Spec({"true"});
  spec.cwd = "/nonexistent";
  auto r = MakeSandbox(Options(Backend::kNative))->Run(spec);
  if (!r && r.code() == ErrorCode::kUnavailable) return;
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kIo);
  CHECK(r.message() == "sandbox setup failed: changing to the working directory: No such file or directory");
}

TEST_CASE("an empty command is refused before anything starts", "[sandbox]") {
  auto r = MakeSandbox()->Run(Spec({}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kInvalidArgument);
  CHECK(r.message() == "the command to run is empty");
}

TEST_CASE("running unisolated is refused unless the operator allows it", "[sandbox]") {
  auto refused = MakeSandbox(Options(Backend::kNone, false))->Run(Spec({"true"}));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == ErrorCode::kUnavailable);
  CHECK(refused.message() == "running without a sandbox needs --unsafe-no-sandbox");

  auto allowed = MakeSandbox(Options(Backend::kNone, true))->Run(Spec({"sh", "-c", "echo plain"}));
  REQUIRE(allowed.ok());
  CHECK(allowed->isolation == Isolation::kNone);
  CHECK(allowed->out.head == "plain\n");
  CHECK(allowed->degraded.back() ==
        "no isolation: the command shares this machine's filesystem, network and processes");
}

TEST_CASE("the automatic backend is native here and says which cgroup backend it used",
          "[sandbox]") {
  auto r = MakeSandbox()->Run(Spec({"true"}));
  REQUIRE(r.ok());
  CHECK(r->isolation == Isolation::kNative);
  CHECK(r->cgroup == ProbeCgroups().kind);
}

TEST_CASE("the bwrap backend isolates network and filesystem too", "[sandbox][bwrap]") {
  if (::access("/usr/bin/bwrap", X_OK) != 0) {
    WARN("skipped: /usr/bin/bwrap is not installed");
    return;
  }
  TempDir scratch;
  RunSpec spec = Shell("(echo x > /etc/intern-bwrap-escape) 2>/dev/null && echo wrote; "
                       "perl -e 'socket(S, 2, 1, 0) ? print qq(opened\\n) : print $!+0, qq(\\n)'; "
                       "echo ok > out.txt; grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status");
  spec.scratch_dir = scratch.path();
  auto r = MakeSandbox(Options(Backend::kBubblewrap))->Run(spec);
  REQUIRE(r.ok());
  CHECK(r->isolation == Isolation::kBubblewrap);
  CHECK(r->out.head == "13\nNoNewPrivs:\t1\nSeccomp:\t2\n");
  CHECK(ReadHostFile(scratch.path() + "/out.txt") == "ok\n");
  CHECK_FALSE(std::filesystem::exists("/etc/intern-bwrap-escape"));
}

TEST_CASE("the bwrap backend reports a missing command as a setup failure", "[sandbox][bwrap]") {
  if (::access("/usr/bin/bwrap", X_OK) != 0) return;
  auto r = MakeSandbox(Options(Backend::kBubblewrap))->Run(Spec({"/nonexistent/intern-command"}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kInvalidArgument);
  CHECK(r.message() ==
        "sandbox setup failed: bwrap: execvp /nonexistent/intern-command: No such file or directory");
}

}  // namespace intern::sandbox::testing

namespace intern::sandbox::testing {

TEST_CASE("where namespaces are refused, the automatic backend falls back to bwrap",
          "[sandbox][bwrap]") {
  if (::access("/usr/bin/bwrap", X_OK) != 0) return;
  SandboxOptions options;
  options.pretend_namespaces_refused = true;
  auto r = MakeSandbox(options)->Run(Shell("echo fallback"));
  REQUIRE(r.ok());
  CHECK(r->isolation == Isolation::kBubblewrap);
  CHECK(r->out.head == "fallback\n");
}

TEST_CASE("where no isolation is possible, running is refused with the fix named", "[sandbox]") {
  SandboxOptions options;
  options.pretend_namespaces_refused = true;
  options.bwrap_path = "/nonexistent/bwrap";
  auto r = MakeSandbox(options)->Run(Spec({"true"}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kUnavailable);
  CHECK(r.message() ==
        "no isolation is possible on this machine (user namespaces are refused (Operation not "
        "permitted); bwrap is not installed): enable unprivileged user namespaces or install "
        "bubblewrap, or pass --unsafe-no-sandbox to run without isolation");

  options.allow_unsafe = true;
  auto unsafe = MakeSandbox(options)->Run(Spec({"true"}));
  REQUIRE(unsafe.ok());
  CHECK(unsafe->isolation == Isolation::kNone);
}

}  // namespace intern::sandbox::testing

namespace intern::sandbox::testing {

TEST_CASE("empty groups left by a crashed sandbox process are removed", "[sandbox][cgroup]") {
  CgroupProbe probe = ProbeCgroups();
  if (probe.kind != CgroupKind::kV1) {
    WARN("skipped: needs cgroup v1 (" << probe.detail << ")");
    return;
  }
  // A pid that cannot exist (above pid_max) stands for the crashed process.
  // Our own pids group, where the sandbox makes its groups (the usual v1 mount point).
  std::string own;
  std::istringstream groups(ReadHostFile("/proc/self/cgroup"));
  for (std::string line; std::getline(groups, line);) {
    if (line.find(":pids:") != std::string::npos) own = line.substr(line.find(":pids:") + 6);
  }
  std::string base = "/sys/fs/cgroup/pids" + (own == "/" ? std::string() : own);
  if (!std::filesystem::is_directory(base)) {
    WARN("skipped: the pids hierarchy is not at /sys/fs/cgroup/pids");
    return;
  }
  std::string dir = base + "/intern-sandbox-99999999-1-1";
  REQUIRE(std::filesystem::create_directory(dir));
  CHECK(RemoveStaleCgroups() >= 1);
  CHECK_FALSE(std::filesystem::exists(dir));
}

}  // namespace intern::sandbox::testing
