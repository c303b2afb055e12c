#include "agent/review/terminal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace intern::agent {
namespace {

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// A descriptor closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// A temporary file removed on scope exit.
class TempFile {
 public:
  TempFile() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "intern-draft-XXXXXX.json").string();
    int fd = ::mkstemps(pattern.data(), 5);
    if (fd >= 0) {
      ::close(fd);
      path_ = pattern;
    }
  }
  ~TempFile() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Waits for `pid`, retrying on EINTR; the raw wait status, or -1.
int Wait(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

// Runs `sh -c command [args...]` with `input` on its stdin (when given); the wait status.
int RunShell(const std::string& command, const std::vector<std::string>& args,
             const std::optional<std::string>& input) {
  int pipe_fds[2] = {-1, -1};
  if (input && ::pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
  Fd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  std::vector<std::string> argv_storage = {"sh", "-c", command, "sh"};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  // As system() does: while the pager or editor has the terminal, Ctrl-C (which the terminal
  // sends to the whole process group; less uses it to stop a search) must not kill intern.
  struct sigaction ignore_signal {
  }, old_int{}, old_quit{};
  ignore_signal.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore_signal, &old_int);
  ::sigaction(SIGQUIT, &ignore_signal, &old_quit);
  struct Restore {
    struct sigaction* old_int;
    struct sigaction* old_quit;
    ~Restore() {
      ::sigaction(SIGINT, old_int, nullptr);
      ::sigaction(SIGQUIT, old_quit, nullptr);
    }
  } restore{&old_int, &old_quit};
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    // What intern had (exec turns a handler into the default, and keeps "ignored").
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGQUIT, &old_quit, nullptr);
    if (input) ::dup2(read_end.get(), STDIN_FILENO);
    ::execv("/bin/sh", argv.data());
    ::_exit(127);
  }
  read_end.Reset();
  if (input) {
    // A pager that quits early closes the pipe: a write then fails with EPIPE, not a signal.
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &previous);
    const char* p = input->data();
    size_t left = input->size();
    while (left > 0) {
      ssize_t n = ::write(write_end.get(), p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      p += n;
      left -= static_cast<size_t>(n);
    }
    write_end.Reset();
    ::sigaction(SIGPIPE, &previous, nullptr);
  }
  return Wait(pid);
}

}  // namespace

GetEnv ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::vector<std::string> PagerCommands(const GetEnv& env) {
  std::vector<std::string> out;
  if (auto pager = env("PAGER"); pager && !Blank(*pager)) out.push_back(*pager);
  out.push_back("less -R");
  return out;
}

std::string EditorCommand(const GetEnv& env) {
  for (const char* name : {"VISUAL", "EDITOR"}) {
    if (auto editor = env(name); editor && !Blank(*editor)) return *editor;
  }
  return "vi";
}

bool ShowInPager(const std::string& text, const GetEnv& env) {
  for (const std::string& command : PagerCommands(env)) {
    int status = RunShell(command, {}, text);
    if (status < 0) continue;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) continue;  // not found
    return true;
  }
  return false;
}

Result<std::string> EditInEditor(const std::string& text, const GetEnv& env) {
  TempFile file;
  if (file.path().empty()) {
    return Fail(ErrorCode::kIo, fmt::format("cannot make a temporary file for the editor: {}",
                                            std::strerror(errno)));
  }
  {
    std::ofstream out(file.path(), std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      return Fail(ErrorCode::kIo,
                  fmt::format("cannot write the draft to {} for the editor", file.path()));
    }
  }
  const std::string editor = EditorCommand(env);
  int status = RunShell(editor + " \"$1\"", {file.path()}, std::nullopt);
  if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string how =
        status >= 0 && WIFSIGNALED(status)
            ? fmt::format("was killed by signal {}", WTERMSIG(status))
            : fmt::format("exited with status {}",
                          status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return Fail(ErrorCode::kUnavailable,
                fmt::format("the editor ({}) {}; nothing was changed", editor, how));
  }
  std::ifstream in(file.path(), std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace intern::agent
