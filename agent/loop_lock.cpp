#include "agent/loop_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <optional>

#include "config/error.h"

namespace intern::agent {
namespace {

std::optional<std::filesystem::path> LockPath(const std::string& store_path,
                                              const std::string& session_id) {
  if (store_path.empty() || store_path == ":memory:" || session_id.empty()) return std::nullopt;
  return std::filesystem::path(store_path).parent_path() / "run" / (session_id + ".lock");
}

struct flock WholeFile(short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 0;  // to the end, however long
  return lock;
}

}  // namespace

SessionRunLock::SessionRunLock(const std::string& store_path, const std::string& session_id) {
  std::optional<std::filesystem::path> path = LockPath(store_path, session_id);
  if (!path) return;
  std::error_code ec;
  std::filesystem::create_directories(path->parent_path(), ec);
  int fd = ::open(path->c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;  // see the header: the run goes on without the hint
  struct flock lock = WholeFile(F_WRLCK);
  if (::fcntl(fd, F_OFD_SETLK, &lock) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EAGAIN || error == EACCES) {
      throw Error(fmt::format(
          "session {} is being run by another intern process; wait for it to finish or stop it "
          "before running it again",
          session_id));
    }
    return;  // a file system without locks: no hint, as above
  }
  fd_ = fd;
}

SessionRunLock::~SessionRunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the OFD lock
}

RunLockState SessionRunState(const std::string& store_path, const std::string& session_id) {
  std::optional<std::filesystem::path> path = LockPath(store_path, session_id);
  if (!path) return RunLockState::kNeverRun;
  int fd = ::open(path->c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return RunLockState::kNeverRun;
  struct flock probe = WholeFile(F_WRLCK);
  const bool asked = ::fcntl(fd, F_OFD_GETLK, &probe) == 0;
  ::close(fd);
  if (!asked) return RunLockState::kNeverRun;
  return probe.l_type == F_UNLCK ? RunLockState::kFree : RunLockState::kHeld;
}

}  // namespace intern::agent
