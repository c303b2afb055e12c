#pragma once
// PtyProcess — runs a program on a fresh pseudo-terminal (forkpty), so it sees a real TTY on
// stdin, stdout and stderr, and lets a test read its screen output and type into it. Every read
// has a deadline; the destructor kills and reaps a child that is still running.

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace intern::agent::testing {

class PtyProcess {
 public:
  PtyProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
             const std::filesystem::path& cwd) {
    std::vector<std::string> args = argv, vars = env;
    std::vector<char*> c_argv, c_env;
    for (auto& a : args) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);
    for (auto& v : vars) c_env.push_back(v.data());
    c_env.push_back(nullptr);
    std::string dir = cwd.string();
    struct winsize size {};
    size.ws_row = 50;
    size.ws_col = 200;
    int master = -1;
    pid_ = ::forkpty(&master, nullptr, nullptr, &size);
    if (pid_ < 0) throw std::runtime_error("forkpty failed");
    if (pid_ == 0) {
      if (::chdir(dir.c_str()) != 0) ::_exit(126);
      ::execve(c_argv[0], c_argv.data(), c_env.data());
      ::_exit(127);
    }
    master_ = master;
  }
  ~PtyProcess() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      int ignored = 0;
      ::waitpid(pid_, &ignored, 0);
    }
    if (master_ >= 0) ::close(master_);
  }
  PtyProcess(const PtyProcess&) = delete;
  PtyProcess& operator=(const PtyProcess&) = delete;

  // Reads until `text` appears after the last match; true (and the position moves past it), or
  // false when the deadline passes or the program closes the terminal first.
  bool Expect(const std::string& text,
              std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      size_t at = output_.find(text, position_);
      if (at != std::string::npos) {
        position_ = at + text.size();
        return true;
      }
      if (!ReadSome(deadline)) return false;
    }
  }

  void Send(const std::string& keys) {
    size_t done = 0;
    while (done < keys.size()) {
      ssize_t n = ::write(master_, keys.data() + done, keys.size() - done);
      if (n <= 0) throw std::runtime_error("writing to the pty failed");
      done += static_cast<size_t>(n);
    }
  }

  // The exit code once the program has exited (reading what it still prints), or nullopt at the
  // deadline.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!status_) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        status_ = status;
        break;
      }
      if (!ReadSome(deadline) && std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    }
    while (ReadSome(std::chrono::steady_clock::now() + std::chrono::milliseconds(50))) {
    }
    return WIFEXITED(*status_) ? WEXITSTATUS(*status_) : 128 + WTERMSIG(*status_);
  }

  // Everything the program printed, with the terminal's "\r\n" as "\n".
  const std::string& output() const { return output_; }

 private:
  // One read; false at the deadline or when the terminal is closed.
  bool ReadSome(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    struct pollfd p {
      master_, POLLIN, 0
    };
    int ready = ::poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 100)));
    if (ready <= 0) return ready == 0 && std::chrono::steady_clock::now() < deadline;
    char buf[4096];
    ssize_t n = ::read(master_, buf, sizeof buf);
    if (n <= 0) return false;  // EIO: the child closed its side
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] != '\r') output_ += buf[i];
    }
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  std::optional<int> status_;
  std::string output_;
  size_t position_ = 0;
};

}  // namespace intern::agent::testing
