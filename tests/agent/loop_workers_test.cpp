#include "agent/loop_workers.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace intern::agent {
namespace {

using namespace std::chrono_literals;

TEST_CASE("LoopWorkers runs up to max_workers tasks at once and reuses its threads") {
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  // True when both tasks were running at the same time.
  auto meet = [&] {
    std::unique_lock lock(mu);
    ++arrived;
    cv.notify_all();
    return cv.wait_for(lock, 10s, [&] { return arrived == 2; });
  };
  LoopWorkers workers(2);
  std::vector<std::future<std::pair<bool, std::thread::id>>> started;
  for (int i = 0; i < 2; ++i) {
    auto task = std::make_shared<std::packaged_task<std::pair<bool, std::thread::id>()>>(
        [&meet] { return std::make_pair(meet(), std::this_thread::get_id()); });
    started.push_back(task->get_future());
    workers.Post([task] { (*task)(); });
  }
  std::set<std::thread::id> first;
  for (auto& f : started) {
    REQUIRE(f.wait_for(20s) == std::future_status::ready);
    auto [met, id] = f.get();
    CHECK(met);
    first.insert(id);
  }
  CHECK(first.size() == 2);

  std::vector<std::future<std::thread::id>> again;
  for (int i = 0; i < 5; ++i) {
    auto task = std::make_shared<std::packaged_task<std::thread::id()>>(
        [] { return std::this_thread::get_id(); });
    again.push_back(task->get_future());
    workers.Post([task] { (*task)(); });
  }
  for (auto& f : again) {
    REQUIRE(f.wait_for(10s) == std::future_status::ready);
    CHECK(first.count(f.get()) == 1);  // no third thread was started
  }
}

TEST_CASE("LoopWorkers runs every task posted before it is destroyed") {
  std::atomic<int> ran{0};
  {
    LoopWorkers workers(1);
    for (int i = 0; i < 20; ++i) workers.Post([&ran] { ++ran; });
  }
  CHECK(ran.load() == 20);
}

}  // namespace
}  // namespace intern::agent
