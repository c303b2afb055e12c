#pragma once
// The threads a session's tool calls run on (agent/loop_tools.h): started on demand, up to a
// bound, and kept for the whole session, so an iteration does not pay a thread's creation and
// teardown per tool call.
//
// Thread safety: Post may be called from any thread. The destructor waits for every posted task
// to finish, then joins the workers; destroy the pool only from a thread that is not one of its
// workers.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace intern::agent {

class LoopWorkers {
 public:
  // At most `max_workers` threads (at least 1).
  explicit LoopWorkers(std::size_t max_workers);
  LoopWorkers(const LoopWorkers&) = delete;
  LoopWorkers& operator=(const LoopWorkers&) = delete;
  ~LoopWorkers();

  // Runs `task` on an idle worker, on a new one while there are fewer than max_workers, or else
  // when a worker becomes free (tasks start in the order posted). `task` must not throw: wrap it
  // (std::packaged_task carries an exception to its future).
  void Post(std::function<void()> task);

 private:
  void Work();

  const std::size_t max_workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace intern::agent
