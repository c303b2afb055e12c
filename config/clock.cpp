#include "config/clock.h"

#include <thread>

namespace intern {

std::chrono::system_clock::time_point SystemClock::Now() const {
  return std::chrono::system_clock::now();
}

std::chrono::steady_clock::time_point SystemClock::Monotonic() const {
  return std::chrono::steady_clock::now();
}

void SystemClock::Sleep(Duration d) { std::this_thread::sleep_for(d); }

SystemClock& SystemClock::Instance() {
  static SystemClock clock;
  return clock;
}

FakeClock::FakeClock(std::chrono::system_clock::time_point start) : now_(start) {}

std::chrono::system_clock::time_point FakeClock::Now() const {
  std::lock_guard lock(mu_);
  return now_;
}

std::chrono::steady_clock::time_point FakeClock::Monotonic() const {
  std::lock_guard lock(mu_);
  return std::chrono::steady_clock::time_point(elapsed_);
}

void FakeClock::Sleep(Duration d) {
  std::lock_guard lock(mu_);
  sleeps_.push_back(d);
  now_ += d;
  elapsed_ += d;
}

void FakeClock::Advance(Duration d) {
  std::lock_guard lock(mu_);
  now_ += d;
  elapsed_ += d;
}

std::vector<FakeClock::Duration> FakeClock::sleeps() const {
  std::lock_guard lock(mu_);
  return sleeps_;
}

}  // namespace intern
