// `intern daemon` (agent/sweep/daemon.h): firing on schedule with a fake clock, missed runs,
// stopping, and one daemon per store.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

#include "agent/cli/cli.h"
#include "agent/sweep/candidates.h"
#include "agent/sweep/daemon.h"
#include "config/error.h"
#include "tests/agent/sweep/sweep_test_support.h"
#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

class ScopedUtc {
 public:
  ScopedUtc() {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  ~ScopedUtc() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

std::chrono::system_clock::time_point At(const std::string& rfc3339) {
  return *ParseRfc3339(rfc3339);
}

struct Recorder {
  Recorder(FakeClock& c, std::atomic<int>& i, int n) : clock(c), interrupt(i), stop_after(n) {}
  FakeClock& clock;
  std::atomic<int>& interrupt;
  int stop_after;
  std::vector<std::chrono::system_clock::time_point> fired;
  std::function<void()> during = nullptr;
  void operator()() {
    fired.push_back(clock.Now());
    if (during) during();
    if (static_cast<int>(fired.size()) >= stop_after) interrupt = 1;
  }
};

TEST_CASE("the daemon fires at each scheduled time on a fake clock and stops when asked") {
  ScopedUtc utc;
  FakeClock clock(At("2026-01-01T00:00:00Z"));
  std::atomic<int> interrupt{0};
  Recorder rec{clock, interrupt, 2};
  DaemonOptions options;
  options.schedule_text = "0 6 * * *";
  options.interrupt = &interrupt;
  options.tick = std::chrono::hours(1);
  std::vector<std::string> log;
  const int runs = RunDaemon(CronSchedule::Parse("0 6 * * *").value(), options, clock,
                             [&] { rec(); }, [&](const std::string& l) { log.push_back(l); });
  CHECK(runs == 2);
  REQUIRE(rec.fired.size() == 2);
  CHECK(rec.fired[0] == At("2026-01-01T06:00:00Z"));
  CHECK(rec.fired[1] == At("2026-01-02T06:00:00Z"));
  REQUIRE(log.size() == 2);
  CHECK(log[0] == "next sweep at 2026-01-01 06:00 UTC");
  CHECK(log[1] == "next sweep at 2026-01-02 06:00 UTC");
  // It waited in slices no longer than the tick, so a stop request is seen within one.
  for (auto d : clock.sleeps()) CHECK(d <= std::chrono::hours(1));
}

TEST_CASE("a run missed while the daemon was down runs once at start, never a burst") {
  ScopedUtc utc;
  FakeClock clock(At("2026-01-01T00:00:00Z"));
  std::atomic<int> interrupt{0};
  Recorder rec{clock, interrupt, 2};
  DaemonOptions options;
  options.interrupt = &interrupt;
  options.last_sweep = At("2025-12-29T06:00:05Z");  // three daily runs missed since
  std::vector<std::string> log;
  RunDaemon(CronSchedule::Parse("0 6 * * *").value(), options, clock, [&] { rec(); },
            [&](const std::string& l) { log.push_back(l); });
  REQUIRE(rec.fired.size() == 2);
  CHECK(rec.fired[0] == At("2026-01-01T00:00:00Z"));
  CHECK(rec.fired[1] == At("2026-01-01T06:00:00Z"));
  REQUIRE_FALSE(log.empty());
  CHECK(log[0] == "the sweep due at 2025-12-30 06:00 UTC was missed; running it once now");
}

TEST_CASE("without a missed run the daemon waits for the next firing time, --once stops after it") {
  ScopedUtc utc;
  FakeClock clock(At("2026-01-01T00:00:00Z"));
  std::atomic<int> interrupt{0};
  Recorder rec{clock, interrupt, 99};
  DaemonOptions options;
  options.interrupt = &interrupt;
  options.once = true;
  options.last_sweep = At("2025-12-31T06:00:02Z");  // yesterday's ran
  CHECK(RunDaemon(CronSchedule::Parse("0 6 * * *").value(), options, clock, [&] { rec(); },
                  nullptr) == 1);
  REQUIRE(rec.fired.size() == 1);
  CHECK(rec.fired[0] == At("2026-01-01T06:00:00Z"));
}

TEST_CASE("a sweep that outlasts its period makes the daemon skip to the next firing time") {
  ScopedUtc utc;
  FakeClock clock(At("2026-01-01T00:10:00Z"));
  std::atomic<int> interrupt{0};
  Recorder rec{clock, interrupt, 2};
  rec.during = [&clock] { clock.Advance(std::chrono::minutes(150)); };
  DaemonOptions options;
  options.interrupt = &interrupt;
  RunDaemon(CronSchedule::Parse("0 * * * *").value(), options, clock, [&] { rec(); }, nullptr);
  REQUIRE(rec.fired.size() == 2);
  CHECK(rec.fired[0] == At("2026-01-01T01:00:00Z"));
  CHECK(rec.fired[1] == At("2026-01-01T04:00:00Z"));  // not 02:00 and 03:00 in a burst
}

TEST_CASE("a stop request during the wait ends the daemon without a sweep") {
  ScopedUtc utc;
  FakeClock clock(At("2026-01-01T00:00:00Z"));
  std::atomic<int> interrupt{1};
  int sweeps = 0;
  DaemonOptions options;
  options.interrupt = &interrupt;
  CHECK(RunDaemon(CronSchedule::Parse("0 6 * * *").value(), options, clock, [&] { ++sweeps; },
                  nullptr) == 0);
  CHECK(sweeps == 0);
}

TEST_CASE("the last finished sweep is read from the store's events") {
  FakeClock clock(At("2026-01-01T00:00:00Z"));
  sessions::Store store = sessions::Store::OpenInMemory({&clock});
  CHECK_FALSE(LastSweepTime(store).has_value());
  sessions::EventRecord e;
  e.kind = "sweep_finished";
  store.AppendEvent(e);
  clock.Advance(std::chrono::hours(5));
  store.AppendEvent(e);
  e.kind = "daemon";
  clock.Advance(std::chrono::hours(1));
  store.AppendEvent(e);
  CHECK(LastSweepTime(store) == At("2026-01-01T05:00:00Z"));
}

TEST_CASE("a second daemon lock on the same store is refused with the holder's pid and start") {
  testing::TempDir home;
  FakeClock clock(At("2026-01-01T00:00:00Z"));
  const auto path = DaemonLockPath(home.path());
  CHECK(path == home.path() / "daemon.lock");
  {
    Result<DaemonLock> first = DaemonLock::Acquire(path, clock);
    REQUIRE(first.ok());
    CHECK(testing::ReadFile(path) ==
          "pid=" + std::to_string(::getpid()) + "\nstarted=2026-01-01T00:00:00Z\n");
    Result<DaemonLock> second = DaemonLock::Acquire(path, clock);
    REQUIRE_FALSE(second.ok());
    CHECK(second.code() == ErrorCode::kUnavailable);
    CHECK(second.message() ==
          "another intern daemon is running on this store (pid " + std::to_string(::getpid()) +
              ", started 2026-01-01T00:00:00Z; lock file " + path.string() +
              "); stop it first, or set INTERN_HOME to use another store");
  }
  // Released with the first holder.
  CHECK(DaemonLock::Acquire(path, clock).ok());
}

TEST_CASE("intern daemon refuses to start while another daemon holds the store") {
  testing::TempDir home;
  FakeClock clock(At("2026-01-01T00:00:00Z"));
  Result<DaemonLock> held = DaemonLock::Acquire(home.path() / "daemon.lock", clock);
  REQUIRE(held.ok());
  config::LoadOptions options;
  options.env = {{"INTERN_HOME", home.path().string()}};
  options.cwd = home.path();
  options.system_dir = home.path() / "etc";
  options.home = home.path();
  const char* argv[] = {"intern", "daemon", "--once"};
  std::ostringstream out, err;
  CHECK(RunCli(3, argv, out, err, options) == kExitError);
  CHECK(err.str() == "intern: another intern daemon is running on this store (pid " +
                         std::to_string(::getpid()) + ", started 2026-01-01T00:00:00Z; lock file " +
                         (home.path() / "daemon.lock").string() +
                         "); stop it first, or set INTERN_HOME to use another store\n");
  CHECK_FALSE(std::filesystem::exists(home.path() / "intern.db"));
}

TEST_CASE("intern daemon refuses a malformed schedule with the sentence and the key to fix") {
  testing::TempDir home;
  config::LoadOptions options;
  options.env = {{"INTERN_HOME", home.path().string()}};
  options.cwd = home.path();
  options.system_dir = home.path() / "etc";
  options.home = home.path();
  const char* argv[] = {"intern", "-c", "sweep.schedule=0 6-2 * * *", "daemon"};
  std::ostringstream out, err;
  CHECK(RunCli(4, argv, out, err, options) == kExitError);
  CHECK(err.str() ==
        "intern: the schedule \"0 6-2 * * *\": hour range 6-2 runs backwards (set sweep.schedule)\n");
}

}  // namespace
}  // namespace intern::agent
