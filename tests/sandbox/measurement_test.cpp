// What the sandbox measures, and where each figure comes from (DESIGN §9).

#include <unistd.h>

#include "tests/sandbox/sandbox_fixture.h"

namespace intern::sandbox::testing {
namespace {

// Two 0.5 s CPU burners; the first is orphaned (double fork) and re-parented to the init. The
// main shell waits for its flag file so both finish inside the run.
// Each burner spins in user space and looks at its CPU time every 100k iterations.
const char* kTwoBurners =
    "burn='for (;;) { $i++ for 1..100000; last if (times)[0] + (times)[1] >= 0.5 }'; "
    "( (perl -e \"$burn\"; : > /tmp/orphan-done) & ); perl -e \"$burn\"; "
    "while [ ! -e /tmp/orphan-done ]; do sleep 0.01; done";

}  // namespace

TEST_CASE("CPU of the whole tree counts an orphaned process (cgroup)", "[sandbox][measure]") {
  if (!HaveCgroup()) return;
  auto r = RunNative(Shell(kTwoBurners));
  if (!r) return;
  INFO("exit " << r->exit_code << " signal " << r->signal << " limit " << LimitHitName(r->limit)
               << " wall " << r->wall_seconds << " user " << r->user_seconds);
  double cpu = r->user_seconds + r->system_seconds;
  CHECK(cpu >= 0.95);
  CHECK(cpu <= 1.3);
  CHECK(r->cpu_source.rfind("cgroup", 0) == 0);
}

TEST_CASE("CPU of the whole tree counts an orphaned process (rusage of the init)",
          "[sandbox][measure]") {
  SandboxOptions options;
  options.use_cgroup = false;
  auto r = RunNative(Shell(kTwoBurners), options);
  if (!r) return;
  double cpu = r->user_seconds + r->system_seconds;
  CHECK(cpu >= 0.95);
  CHECK(cpu <= 1.3);
  CHECK(r->cpu_source == "rusage of the namespace init (whole tree: orphans are reaped by it)");
  CHECK(r->memory_source == "ru_maxrss (largest single process)");
  CHECK(r->cgroup == CgroupKind::kNone);
}

TEST_CASE("peak memory of two 300 MiB processes is about 600 MiB with a cgroup",
          "[sandbox][measure]") {
  if (!HaveCgroup()) return;
  // Each allocates, says so, and waits until the other has allocated too.
  if (::access("/usr/bin/python3", X_OK) != 0) {
    WARN("skipped: /usr/bin/python3 is not installed");
    return;
  }
  const char* script =
      "/usr/bin/python3 -c \"import os, time\n"
      "b = b'a' * (300 << 20); open('/tmp/a', 'w').close()\n"
      "while not os.path.exists('/tmp/b'): time.sleep(0.01)\" & "
      "/usr/bin/python3 -c \"import os, time\n"
      "b = b'a' * (300 << 20); open('/tmp/b', 'w').close()\n"
      "while not os.path.exists('/tmp/a'): time.sleep(0.01)\"; wait";
  auto r = RunNative(Shell(script));
  if (!r) return;
  INFO("signal " << r->signal << " limit " << LimitHitName(r->limit) << " stderr " << r->err.head);
  CHECK(r->exit_code == 0);
  CHECK(r->peak_memory_bytes >= (600ull << 20));
  CHECK(r->peak_memory_bytes <= (700ull << 20));
  CHECK(r->memory_source == std::string("cgroup ") + CgroupKindName(r->cgroup) +
                                (r->cgroup == CgroupKind::kV1 ? " memory.max_usage_in_bytes (whole tree)"
                                                              : " memory.peak (whole tree)"));
}

TEST_CASE("wall time is measured on the monotonic clock from exec to exit", "[sandbox][measure]") {
  auto r = RunNative(Spec({"sleep", "0.2"}));
  if (!r) return;
  CHECK(r->exit_code == 0);
  CHECK(r->wall_seconds >= 0.2);
  CHECK(r->wall_seconds < 0.4);  // loose: a loaded two-core machine delays the wake-up
}

TEST_CASE("exit code and signal of the command are reported", "[sandbox][measure]") {
  auto exited = RunNative(Shell("echo out; echo err >&2; exit 3"));
  if (!exited) return;
  CHECK(exited->exit_code == 3);
  CHECK(exited->signal == 0);
  CHECK(exited->out.head == "out\n");
  CHECK(exited->err.head == "err\n");
  CHECK(exited->out.sha256 == "54034ac5c6e9ea95734ec2b729fd6d62abf64af34a9f9ce5d466cb788191a73d");
  auto killed = RunNative(Shell("kill -TERM $$"));
  REQUIRE(killed);
  CHECK(killed->exit_code == -1);
  CHECK(killed->signal == 15);
  CHECK(killed->limit == LimitHit::kNone);
}

}  // namespace intern::sandbox::testing
