#pragma once
// Clock — the one source of time for code that waits or stamps (retry back-off, rate-limit
// waits, leases, the scheduler, budgets). Tests use FakeClock, whose Sleep advances time at once
// and records the requested durations, so no test sleeps to synchronise.
//
// Thread safety: SystemClock is stateless; FakeClock is safe to use from several threads.

#include <chrono>
#include <string>
#include <mutex>
#include <vector>

namespace intern {

class Clock {
 public:
  using Duration = std::chrono::milliseconds;
  virtual ~Clock() = default;

  // Wall-clock time (for timestamps that people read and that survive restarts).
  virtual std::chrono::system_clock::time_point Now() const = 0;
  // Monotonic time (for deadlines and measurement).
  virtual std::chrono::steady_clock::time_point Monotonic() const = 0;
  // Blocks the calling thread for `d` (FakeClock: advances its time instead).
  virtual void Sleep(Duration d) = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override;
  std::chrono::steady_clock::time_point Monotonic() const override;
  void Sleep(Duration d) override;

  // A process-wide instance, for production wiring in main().
  static SystemClock& Instance();
};

class FakeClock final : public Clock {
 public:
  // Starts at `start` (default: 2026-01-01T00:00:00Z).
  explicit FakeClock(std::chrono::system_clock::time_point start =
                         std::chrono::system_clock::time_point(std::chrono::seconds(1767225600)));

  std::chrono::system_clock::time_point Now() const override;
  std::chrono::steady_clock::time_point Monotonic() const override;
  void Sleep(Duration d) override;

  void Advance(Duration d);
  // Every duration passed to Sleep, in order.
  std::vector<Duration> sleeps() const;

 private:
  mutable std::mutex mu_;
  std::chrono::system_clock::time_point now_;
  std::chrono::steady_clock::duration elapsed_{};
  std::vector<Duration> sleeps_;
};

// "45s", "3m", "5h", "2d" from an RFC 3339 UTC time (as the store writes them) to `now`, rounded
// down; "?" when the time does not parse. For listings (drafts, review).
std::string FormatAge(const std::string& rfc3339, std::chrono::system_clock::time_point now);

}  // namespace intern
