#include "agent/signals.h"

#include "config/error.h"

namespace intern::agent {
namespace {

// Signal handlers cannot carry a context pointer, so the level lives here; the guard is the
// only writer besides the handler and only one guard may exist at a time.
std::atomic<int> g_level{0};
std::atomic<bool> g_guard_alive{false};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free int");

void OnSignal(int signo) {
  if (signo == SIGTERM) {
    int expected = 0;
    g_level.compare_exchange_strong(expected, 1);
    return;
  }
  // SIGINT: 0 -> 1 -> 2, never beyond.
  int current = g_level.load();
  while (current < 2 && !g_level.compare_exchange_weak(current, current + 1)) {
  }
}

}  // namespace

InterruptGuard::InterruptGuard() {
  if (g_guard_alive.exchange(true)) {
    throw Error("an interrupt guard is already installed in this process");
  }
  g_level.store(0);
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking wait should see EINTR and check the level
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  g_level.store(0);
  g_guard_alive.store(false);
}

const std::atomic<int>& InterruptGuard::level() const { return g_level; }

}  // namespace intern::agent
