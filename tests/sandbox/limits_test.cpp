// Limits of the native sandbox: memory, processes, CPU, wall and output (DESIGN §9).

#include <signal.h>

#include <chrono>

#include "sandbox/sha256.h"
#include "tests/sandbox/sandbox_fixture.h"

namespace intern::sandbox::testing {

TEST_CASE("a 2 GiB allocation under a 256 MiB limit is stopped and reported as memory",
          "[sandbox][limits]") {
  if (!HaveCgroup()) return;
  RunSpec spec = Spec({"perl", "-e", "my $x = q(a) x (2 * 1024 ** 3); print qq(allocated)"});
  spec.limits.memory_bytes = 256ull << 20;
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->limit == LimitHit::kMemory);
  CHECK(r->signal == SIGKILL);
  CHECK(r->out.head.empty());
  CHECK(r->peak_memory_bytes <= (256ull << 20));
  CHECK(r->leftover_processes == 0);
}

TEST_CASE("a fork bomb under a process limit of 32 is contained and leaves nothing behind",
          "[sandbox][limits]") {
  if (!HaveCgroup()) return;
  const std::string marker = "intern-fork-bomb-" + std::to_string(::getpid());
  RunSpec spec = Spec({"perl", "-e",
                       "$0 = q(" + marker + "); while (1) { fork; select(undef, undef, undef, 0.01) }"});
  spec.limits.max_processes = 32;
  spec.limits.wall_seconds = 3;
  auto started = std::chrono::steady_clock::now();
  auto r = RunNative(spec);
  if (!r) return;
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(r->limit == LimitHit::kWall);
  CHECK(r->process_limit_reached);
  CHECK(took < 4.0);
  CHECK(r->leftover_processes == 0);
  CHECK(HostProcessesWith(marker) == 0);
}

TEST_CASE("a busy loop with a 1 s CPU limit dies near 1 s of CPU", "[sandbox][limits]") {
  RunSpec spec = Spec({"perl", "-e", "1 while 1"});
  spec.limits.cpu_seconds = 1;
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->limit == LimitHit::kCpu);
  // RLIMIT_CPU fires on the process's own (sampled) CPU time, which on a loaded VM can run a few
  // percent ahead of the scheduler's exact charge to the cgroup that we report.
  double cpu = r->user_seconds + r->system_seconds;
  CHECK(cpu >= 0.85);
  CHECK(cpu <= 1.25);
}

TEST_CASE("`sleep 100 & sleep 100` under a 1 s wall limit is killed within 1.1 s, no orphans",
          "[sandbox][limits]") {
  RunSpec spec = Shell("sleep 100.25 & sleep 100.25");
  spec.limits.wall_seconds = 1;
  auto started = std::chrono::steady_clock::now();
  auto r = RunNative(spec);
  if (!r) return;
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(r->limit == LimitHit::kWall);
  CHECK(r->signal == SIGKILL);
  CHECK(r->wall_seconds >= 0.99);
  CHECK(r->wall_seconds < 1.1);
  CHECK(took < 1.5);  // includes teardown; generous for a loaded two-core machine
  CHECK(r->leftover_processes == 0);
  CHECK(HostProcessesWith("sleep 100.25") == 0);
}

TEST_CASE("`yes` under a 1 MiB output cap is cut at the cap and killed", "[sandbox][limits]") {
  RunSpec spec = Spec({"yes"});
  spec.limits.output_bytes = 1 << 20;
  spec.capture_bytes = 16;
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->limit == LimitHit::kOutput);
  CHECK(r->out.bytes == (1u << 20));
  CHECK(r->out.truncated);
  CHECK(r->out.head == "y\ny\ny\ny\ny\ny\ny\ny\n");
  CHECK(r->out.tail == "y\ny\ny\ny\ny\ny\ny\ny\n");
  std::string all;
  for (int i = 0; i < (1 << 19); ++i) all += "y\n";
  CHECK(r->out.sha256 == Sha256Hex(all));
  CHECK(r->leftover_processes == 0);
}

TEST_CASE("a file larger than the file size limit is stopped and reported", "[sandbox][limits]") {
  RunSpec spec = Spec({"perl", "-e", "$SIG{XFSZ} = q(DEFAULT); open(F, q(>), q(/tmp/big)); "
                                     "print F q(x) x 4096 for 1..1024"});
  spec.limits.file_size_bytes = 1 << 20;
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->limit == LimitHit::kFileSize);
  CHECK(r->signal == SIGXFSZ);
}

TEST_CASE("the open files limit applies inside", "[sandbox][limits]") {
  RunSpec spec = Shell("ulimit -n");
  spec.limits.open_files = 17;
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->out.head == "17\n");
}

TEST_CASE("the /tmp tmpfs is capped at its size", "[sandbox][limits]") {
  RunSpec spec = Shell("dd if=/dev/zero of=/tmp/fill bs=1M count=8 2>/dev/null; echo $?; "
                       "du -k /tmp/fill | cut -f1");
  spec.limits.tmpfs_bytes = 2 << 20;
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->out.head == "1\n2048\n");
}

}  // namespace intern::sandbox::testing

namespace intern::sandbox::testing {

TEST_CASE("without a cgroup, the wall limit still leaves no process behind", "[sandbox][limits]") {
  SandboxOptions options;
  options.use_cgroup = false;
  RunSpec spec = Shell("sleep 100.75 & sleep 100.75");
  spec.limits.wall_seconds = 0.3;
  auto r = RunNative(spec, options);
  if (!r) return;
  CHECK(r->limit == LimitHit::kWall);
  CHECK(r->cgroup == CgroupKind::kNone);
  CHECK(HostProcessesWith("sleep 100.75") == 0);
}

}  // namespace intern::sandbox::testing
