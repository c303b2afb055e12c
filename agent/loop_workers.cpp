#include "agent/loop_workers.h"

#include <algorithm>

namespace intern::agent {

LoopWorkers::LoopWorkers(std::size_t max_workers)
    : max_workers_(std::max<std::size_t>(1, max_workers)) {}

LoopWorkers::~LoopWorkers() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void LoopWorkers::Post(std::function<void()> task) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(task));
  if (idle_ >= queue_.size() || threads_.size() >= max_workers_) {
    wake_.notify_one();
    return;
  }
  threads_.emplace_back([this] { Work(); });
}

void LoopWorkers::Work() {
  std::unique_lock lock(mu_);
  while (true) {
    if (queue_.empty()) {
      if (stopping_) return;
      ++idle_;
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      --idle_;
      continue;
    }
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace intern::agent
