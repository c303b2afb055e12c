#include "sandbox/cgroup_spawner.h"

#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace intern::sandbox {
namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

}  // namespace

CgroupSpawner::CgroupSpawner() : worker_([this] { Loop(); }) {}

CgroupSpawner::~CgroupSpawner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
  // The worker has exited, so it holds no group any more; the members' destructors remove them.
}

void CgroupSpawner::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (!prepared_ && !stopping_) {
      preparing_ = true;
      lock.unlock();
      std::unique_ptr<Cgroup> next;
      std::string error;
      auto made = Cgroup::Create(0, 0);
      if (made && (*made)->kind() == CgroupKind::kV1) {
        if (Status s = (*made)->AttachThread(::gettid()); s) {
          next = std::move(*made);
        } else {
          error = s.message();
        }
      } else {
        error = made ? "cgroup v1 is not in use" : made.message();
      }
      lock.lock();
      prepared_ = std::move(next);
      prepare_error_ = error;
      preparing_ = false;
      cv_.notify_all();
    }
    if (!retired_.empty()) {
      std::vector<std::unique_ptr<Cgroup>> retired = std::move(retired_);
      retired_.clear();
      lock.unlock();
      retired.clear();  // removes the groups; this thread has left them all by now
      lock.lock();
      continue;
    }
    cv_.wait(lock, [this] { return stopping_ || retry_ || request_ != nullptr || !retired_.empty(); });
    if (stopping_) return;
    if (retry_) {
      retry_ = false;
      continue;
    }
    if (request_ == nullptr) continue;  // woken for retired groups
    Spawned spawned;
    spawned.cgroup = std::move(prepared_);
    double before = ThreadCpuSeconds();
    spawned.pid = (*request_)();
    spawned.error = spawned.pid < 0 ? errno : 0;
    spawned.clone_cpu_seconds = ThreadCpuSeconds() - before;
    result_ = std::move(spawned);
    request_ = nullptr;
    done_ = true;
    cv_.notify_all();
    // Loop: prepare the next group, which moves this thread out of the one just handed over.
  }
}

void CgroupSpawner::Retire(std::unique_ptr<Cgroup> cgroup) {
  {
    std::lock_guard lock(mu_);
    retired_.push_back(std::move(cgroup));
  }
  cv_.notify_all();
}

Result<CgroupSpawner::Spawned> CgroupSpawner::Spawn(std::uint64_t memory_bytes, int max_processes,
                                                    const std::function<pid_t()>& clone_fn) {
  std::lock_guard one_at_a_time(spawn_mu_);
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !preparing_; });
  if (!prepared_) {
    std::string why = prepare_error_;
    // Try again for the next run (the failure may have been transient).
    preparing_ = true;
    retry_ = true;
    lock.unlock();
    cv_.notify_all();
    return Fail(ErrorCode::kUnavailable, "no prepared cgroup: " + why);
  }
  // The worker counts as a member until it has moved on.
  if (Status s = prepared_->SetLimits(memory_bytes, max_processes > 0 ? max_processes + 1 : 0); !s) {
    return s.failure();
  }
  done_ = false;
  request_ = &clone_fn;
  cv_.notify_all();
  cv_.wait(lock, [this] { return done_; });
  return std::move(result_);
}

}  // namespace intern::sandbox
