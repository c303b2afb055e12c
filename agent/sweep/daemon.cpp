#include "agent/sweep/daemon.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "agent/sweep/candidates.h"

namespace intern::agent {
namespace {

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[256];
  if (::lseek(fd, 0, SEEK_SET) < 0) return out;
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

std::string Field(const std::string& text, const std::string& name) {
  std::size_t at = text.find(name + "=");
  if (at == std::string::npos) return "unknown";
  std::size_t start = at + name.size() + 1;
  std::size_t end = text.find('\n', start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

bool Interrupted(const std::atomic<int>* interrupt) {
  return interrupt != nullptr && interrupt->load() >= 1;
}

}  // namespace

std::filesystem::path DaemonLockPath(const std::filesystem::path& home) {
  return home / "daemon.lock";
}

Result<DaemonLock> DaemonLock::Acquire(const std::filesystem::path& path, const Clock& clock) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Fail(ErrorCode::kIo, fmt::format("cannot open the daemon lock file {}: {}",
                                            path.string(), std::strerror(errno)));
  }
  DaemonLock lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = ReadAll(fd);
    return Fail(ErrorCode::kUnavailable,
                fmt::format("another intern daemon is running on this store (pid {}, started {}; "
                            "lock file {}); stop it first, or set INTERN_HOME to use another "
                            "store",
                            Field(holder, "pid"), Field(holder, "started"), path.string()));
  }
  const std::string who =
      fmt::format("pid={}\nstarted={}\n", ::getpid(), Rfc3339(clock.Now()));
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, who.data(), who.size(), 0) < 0) {
    return Fail(ErrorCode::kIo, fmt::format("cannot write the daemon lock file {}: {}",
                                            path.string(), std::strerror(errno)));
  }
  return lock;
}

DaemonLock::DaemonLock(DaemonLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

DaemonLock& DaemonLock::operator=(DaemonLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DaemonLock::~DaemonLock() {
  // Closing the descriptor drops the flock; the file stays, naming the last holder.
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::chrono::system_clock::time_point> LastSweepTime(const sessions::Store& store) {
  std::optional<std::chrono::system_clock::time_point> last;
  for (const sessions::EventRecord& e : store.ListEvents("")) {
    if (e.kind != "sweep_finished") continue;
    if (auto at = ParseRfc3339(e.at); at && (!last || *at > *last)) last = at;
  }
  return last;
}

std::string LocalTimeText(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &tm);
  return buf;
}

int RunDaemon(const CronSchedule& schedule, const DaemonOptions& options, Clock& clock,
              const std::function<void()>& sweep,
              const std::function<void(const std::string& line)>& log) {
  auto say = [&](const std::string& line) {
    if (log) log(line);
  };
  int runs = 0;
  std::optional<std::chrono::system_clock::time_point> due;
  const auto start = clock.Now();
  if (options.last_sweep) {
    auto missed = schedule.NextAfter(*options.last_sweep);
    if (missed && *missed <= start) {
      say(fmt::format("the sweep due at {} was missed; running it once now",
                      LocalTimeText(*missed)));
      due = start;
    }
  }
  if (!due) due = schedule.NextAfter(start);
  while (true) {
    if (!due) {
      say(fmt::format("the schedule \"{}\" never fires; nothing to do", options.schedule_text));
      return runs;
    }
    if (*due > start || runs > 0) say(fmt::format("next sweep at {}", LocalTimeText(*due)));
    while (clock.Now() < *due) {
      if (Interrupted(options.interrupt)) return runs;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*due - clock.Now());
      clock.Sleep(std::max(std::chrono::milliseconds(1), std::min(options.tick, left)));
    }
    if (Interrupted(options.interrupt)) return runs;
    sweep();
    ++runs;
    if (options.once || Interrupted(options.interrupt)) return runs;
    due = schedule.NextAfter(std::max(clock.Now(), *due));
  }
}

}  // namespace intern::agent
