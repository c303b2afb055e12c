// Start-up overhead of running /bin/true: bare fork/exec, our sandbox (with and without a
// cgroup) and bubblewrap, interleaved in one run so they see the same machine load.
// Usage: sandbox_startup [RUNS]   (default 500). Prints one table, then one tab-separated
// "RESULT benchmark figure value target status" line per figure, which tests/bench/run collects.

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "sandbox/cgroup.h"
#include "sandbox/sandbox.h"

namespace {

using Clock = std::chrono::steady_clock;

bool SpawnAndWait(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct Variant {
  std::string name;
  std::function<bool()> run;
  std::vector<double> ms;
  int failures = 0;
};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p * (v.size() - 1) + 0.5);
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace intern::sandbox;
  int runs = argc > 1 ? std::atoi(argv[1]) : 500;
  if (runs < 1) runs = 500;

  SandboxOptions native;
  native.backend = Backend::kNative;
  SandboxOptions native_no_cgroup = native;
  native_no_cgroup.use_cgroup = false;
  auto with_cgroup = MakeSandbox(native);
  auto without_cgroup = MakeSandbox(native_no_cgroup);
  RunSpec spec;
  spec.argv = {"/bin/true"};
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.limits.wall_seconds = 10;

  auto probe = with_cgroup->Run(spec);
  if (!probe) {
    fmt::print(stderr, "our sandbox cannot run here: {}\n", probe.message());
    return 1;
  }
  std::string cgroup = CgroupKindName(probe->cgroup);
  bool have_bwrap = ::access("/usr/bin/bwrap", X_OK) == 0;

  std::vector<Variant> variants;
  variants.push_back({"bare fork/exec", [] { return SpawnAndWait({"/bin/true"}); }, {}, 0});
  variants.push_back({"intern sandbox (cgroup " + cgroup + ")",
                      [&] { auto r = with_cgroup->Run(spec); return r.ok() && r->exit_code == 0; }, {}, 0});
  variants.push_back({"intern sandbox (no cgroup)",
                      [&] { auto r = without_cgroup->Run(spec); return r.ok() && r->exit_code == 0; }, {}, 0});
  if (have_bwrap) {
    variants.push_back({"bwrap --unshare-all",
                        [] {
                          return SpawnAndWait({"/usr/bin/bwrap", "--unshare-all", "--ro-bind", "/", "/",
                                               "--tmpfs", "/tmp", "--dev", "/dev", "--proc", "/proc",
                                               "/bin/true"});
                        },
                        {}, 0});
  }

  for (Variant& v : variants) v.run();  // warm caches once
  for (int i = 0; i < runs; ++i) {
    for (Variant& v : variants) {
      auto start = Clock::now();
      bool ok = v.run();
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (!ok) ++v.failures;
      v.ms.push_back(ms);
    }
  }

  double bare = Percentile(variants[0].ms, 0.5);
  fmt::print("start-up of /bin/true, {} runs each, interleaved (times in ms)\n", runs);
  fmt::print("{:<34} {:>8} {:>8} {:>8} {:>8} {:>10} {:>8}\n", "variant", "median", "p10", "p90",
             "min", "x bare", "failed");
  for (const Variant& v : variants) {
    double median = Percentile(v.ms, 0.5);
    fmt::print("{:<34} {:>8.3f} {:>8.3f} {:>8.3f} {:>8.3f} {:>10.2f} {:>8}\n", v.name, median,
               Percentile(v.ms, 0.1), Percentile(v.ms, 0.9), *std::min_element(v.ms.begin(), v.ms.end()),
               median / bare, v.failures);
  }
  double ours = Percentile(variants[1].ms, 0.5);
  double bwrap = have_bwrap ? Percentile(variants.back().ms, 0.5) : 0;
  bool met = ours < 3.0 && (!have_bwrap || ours < bwrap);
  if (have_bwrap) {
    fmt::print("intern sandbox (cgroup {}) / bwrap: {:.2f}; target: median under 3 ms and below bwrap: {}\n",
               cgroup, ours / bwrap, met ? "met" : "NOT met");
  }
  auto result = [&](const Variant& v, const std::string& target, const char* status) {
    fmt::print("RESULT\tsandbox\t{} median, /bin/true\t{:.2f} ms (p10 {:.2f} ms){}\t{}\t{}\n", v.name,
               Percentile(v.ms, 0.5), Percentile(v.ms, 0.1),
               v.failures > 0 ? fmt::format(", {} failed", v.failures) : "", target, status);
  };
  result(variants[0], "-", "-");
  result(variants[1], have_bwrap ? "< 3 ms and < bwrap" : "< 3 ms",
         met && variants[1].failures == 0 ? "PASS" : "FAIL");
  result(variants[2], "-", variants[2].failures == 0 ? "-" : "FAIL");
  if (have_bwrap) result(variants.back(), "-", "-");
  return 0;
}
