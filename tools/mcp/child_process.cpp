#include "tools/mcp/child_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace intern::tools {
namespace {

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Closes what it holds unless released: the spawn path has several early returns.
struct FdGuard {
  int fds[6] = {-1, -1, -1, -1, -1, -1};
  ~FdGuard() {
    for (int& fd : fds) CloseFd(fd);
  }
};

std::vector<std::string> MergedEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    std::string name(text.substr(0, text.find('=')));
    if (IsInheritedByChildren(name) && !extra.contains(name)) out.emplace_back(text);
  }
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

}  // namespace

bool IsInheritedByChildren(std::string_view name) {
  for (std::string_view kept : kInheritedEnvironment)
    if (name == kept) return true;
  return false;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return fmt::format("was killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  return "stopped";
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(const ChildSpec& spec) {
  FdGuard g;  // 0,1: stdin socket pair (parent, child); 2,3: stdout pipe; 4,5: stderr pipe
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return Fail(ErrorCode::kIo, fmt::format("creating a socket pair: {}", std::strerror(errno)));
  g.fds[0] = sv[0];
  g.fds[1] = sv[1];
  // A server that stops reading its stdin must not block a writer for ever once the socket
  // buffer is full: the write fails after this long instead.
  timeval send_timeout{10, 0};
  ::setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  for (int i : {2, 4}) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0)
      return Fail(ErrorCode::kIo, fmt::format("creating a pipe: {}", std::strerror(errno)));
    g.fds[i] = p[0];
    g.fds[i + 1] = p[1];
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, g.fds[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, g.fds[3], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, g.fds[5], STDERR_FILENO);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGQUIT}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> argv_text{spec.command};
  argv_text.insert(argv_text.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = MergedEnvironment(spec.env);
  std::vector<char*> envp;
  for (std::string& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, spec.command.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    if (rc == ENOENT || rc == EACCES || rc == ENOEXEC)
      return Fail(ErrorCode::kNotFound, fmt::format("cannot run \"{}\": {}", spec.command,
                                                    std::strerror(rc)));
    return Fail(ErrorCode::kIo, fmt::format("starting \"{}\": {}", spec.command, std::strerror(rc)));
  }
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = pid;
  child->stdin_fd_ = std::exchange(g.fds[0], -1);
  child->stdout_fd_ = std::exchange(g.fds[2], -1);
  child->stderr_fd_ = std::exchange(g.fds[4], -1);
  return child;  // the guard closes the child's ends
}

Status ChildProcess::WriteAll(std::string_view bytes) {
  std::lock_guard lock(write_mu_);
  while (!bytes.empty()) {
    ssize_t n = ::send(stdin_fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return Fail(ErrorCode::kConnection, "stopped reading its stdin (no progress for 10 s)");
      return Fail(ErrorCode::kConnection,
                  fmt::format("stopped reading its stdin ({})", std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

void ChildProcess::Kill() {
  std::lock_guard lock(wait_mu_);
  if (!status_ && pid_ > 0) ::kill(-pid_, SIGKILL);
}

std::optional<int> ChildProcess::TryWait() {
  std::lock_guard lock(wait_mu_);
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) status_ = status;
  return status_;
}

ChildProcess::~ChildProcess() {
  // The MCP shutdown order for stdio: close stdin, give the server a moment, then signals.
  CloseFd(stdin_fd_);
  auto wait_for = [this](std::chrono::milliseconds grace) {
    auto end = std::chrono::steady_clock::now() + grace;
    while (!TryWait()) {
      if (std::chrono::steady_clock::now() >= end) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  };
  if (pid_ > 0 && !wait_for(std::chrono::milliseconds(100))) {
    ::kill(-pid_, SIGTERM);
    if (!wait_for(std::chrono::milliseconds(200))) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  // A server's own children (same group) may linger after it exits; they go too.
  if (pid_ > 0) ::kill(-pid_, SIGKILL);
  CloseFd(stdout_fd_);
  CloseFd(stderr_fd_);
}

}  // namespace intern::tools
