#include "sandbox/supervise.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sandbox/capture.h"

namespace intern::sandbox {
namespace {

// After the direct child exits, how long leftover writers may keep the pipes open.
constexpr std::int64_t kDrainGraceNs = 200'000'000;
// How often the tree's CPU time is checked against a CPU limit.
constexpr std::int64_t kCpuCheckNs = 10'000'000;

}  // namespace

std::int64_t MonotonicNowNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void KillRun(const Launched& child, const Cgroup* cgroup) {
  if (child.kill_style == KillStyle::kProcessGroup) {
    ::kill(-child.pid, SIGKILL);
  }
  if (child.pidfd.valid()) {
    ::syscall(SYS_pidfd_send_signal, child.pidfd.get(), SIGKILL, nullptr, 0);
  } else {
    ::kill(child.pid, SIGKILL);
  }
  if (cgroup != nullptr) cgroup->KillAll();
}

Supervised Supervise(Launched& child, const RunSpec& spec, const Cgroup* cgroup) {
  Supervised s;
  const Limits& limits = spec.limits;
  double wall = limits.wall_seconds > 0 ? limits.wall_seconds : 60;
  std::int64_t wall_deadline = child.launch_ns + static_cast<std::int64_t>(wall * 1e9);
  const bool check_cpu = limits.cpu_seconds > 0 && cgroup != nullptr && cgroup->CpuSeconds() >= 0;
  const std::uint64_t output_cap = limits.output_bytes;

  StreamCapture out(spec.capture_bytes), err(spec.capture_bytes);
  std::uint64_t output_total = 0;
  bool killed = false;
  bool exited = false;
  std::int64_t drain_deadline = 0;
  std::string report_buf;
  char buf[65536];

  auto kill_for = [&](LimitHit why) {
    if (!killed) {
      killed = true;
      if (s.limit == LimitHit::kNone) s.limit = why;
      KillRun(child, cgroup);
    }
  };

  for (;;) {
    std::int64_t now = MonotonicNowNs();
    if (!exited && now >= wall_deadline) kill_for(LimitHit::kWall);
    if (exited && now >= drain_deadline) break;
    if (!child.out.valid() && !child.err.valid() && !child.report.valid() && exited) break;

    pollfd fds[4];
    UniqueFd* owners[4];
    int n = 0;
    for (UniqueFd* fd : {&child.out, &child.err, &child.report}) {
      if (fd->valid()) {
        fds[n] = {fd->get(), POLLIN, 0};
        owners[n++] = fd;
      }
    }
    if (!exited) {
      fds[n] = {child.pidfd.get(), POLLIN, 0};
      owners[n++] = nullptr;
    }
    std::int64_t until = exited ? drain_deadline : (killed ? now + 50'000'000 : wall_deadline);
    if (check_cpu && !killed) until = std::min(until, now + kCpuCheckNs);
    int timeout_ms = static_cast<int>(std::max<std::int64_t>(0, (until - now + 999'999) / 1'000'000));
    int ready = ::poll(fds, n, timeout_ms);
    if (ready < 0 && errno != EINTR) break;

    for (int i = 0; i < n && ready > 0; ++i) {
      if (fds[i].revents == 0) continue;
      if (owners[i] == nullptr) {
        exited = true;
        s.end_ns = MonotonicNowNs();
        drain_deadline = s.end_ns + kDrainGraceNs;
        continue;
      }
      ssize_t got = ::read(fds[i].fd, buf, sizeof(buf));
      if (got <= 0) {
        if (got < 0 && errno == EINTR) continue;
        owners[i]->reset();
        continue;
      }
      if (owners[i] == &child.report) {
        report_buf.append(buf, got);
        while (report_buf.size() >= sizeof(ReportRecord)) {
          ReportRecord r;
          std::memcpy(&r, report_buf.data(), sizeof(r));
          s.records.push_back(r);
          // The wall limit is the command's: it runs from exec, not from clone.
          if (r.kind == ReportRecord::kStarted) {
            wall_deadline = r.monotonic_ns + static_cast<std::int64_t>(wall * 1e9);
          }
          report_buf.erase(0, sizeof(r));
        }
        continue;
      }
      StreamCapture& cap = owners[i] == &child.out ? out : err;
      std::uint64_t room = output_cap > output_total ? output_cap - output_total : 0;
      std::uint64_t take = std::min<std::uint64_t>(room, static_cast<std::uint64_t>(got));
      if (take > 0) cap.Append(std::string_view(buf, take));
      output_total += take;
      if (take < static_cast<std::uint64_t>(got)) {
        cap.MarkTruncated();
        kill_for(LimitHit::kOutput);
      }
    }
    if (check_cpu && !killed && cgroup->CpuSeconds() >= limits.cpu_seconds) {
      kill_for(LimitHit::kCpu);
    }
  }
  if (!exited) s.end_ns = MonotonicNowNs();
  // Whatever outlived the direct child dies with the run.
  KillRun(child, cgroup);
  while (::wait4(child.pid, &s.wait_status, __WALL, &s.usage) < 0 && errno == EINTR) {
  }
  s.out = out.Finish();
  s.err = err.Finish();
  return s;
}

}  // namespace intern::sandbox
