#pragma once
// What the kill -9 tests of the real binary (loop_kill_binary_test.cpp) run on: a child process
// running `intern` with a deadline on every wait, a fake GitHub that can hold one request, and
// one INTERN_HOME with its fake LLM and GitHub.

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/fake_llm.h"

namespace intern::testing::kill_test {

namespace fs = std::filesystem;
using nlohmann::json;

// Distinctive, so finding it anywhere is unambiguous.
inline constexpr const char* kApiKey = "sk-ant-kill9-test-Q7xZ3vB81mNc4Lp0";
inline constexpr auto kDeadline = std::chrono::seconds(30);

struct Exit {
  bool signaled = false;
  int code = -1;  // exit status, or the signal number when signaled
};

// The child process of one `intern` invocation: stdin from /dev/null (so approvals are refused,
// as in a pipeline), stdout and stderr appended to files.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::vector<std::string>& env,
        const fs::path& cwd, const fs::path& out, const fs::path& err) {
    // Everything the child needs is prepared before fork: after it only async-signal-safe calls.
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const std::string cwd_s = cwd.string(), out_s = out.string(), err_s = err.string();
    pid_ = ::fork();
    if (pid_ == 0) {
      int in = ::open("/dev/null", O_RDONLY);
      int o = ::open(out_s.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      int e = ::open(err_s.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (in < 0 || o < 0 || e < 0 || ::dup2(in, 0) < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0 ||
          ::chdir(cwd_s.c_str()) != 0) {
        ::_exit(126);
      }
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    if (pid_ > 0) pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (pidfd_ >= 0) ::close(pidfd_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0 && pidfd_ >= 0; }
  void Kill() { ::kill(pid_, SIGKILL); }

  // Waits for the child to end, at most `timeout`; nullopt (child killed) when it did not.
  std::optional<Exit> Wait(std::chrono::milliseconds timeout) {
    pollfd pfd{pidfd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_) return std::nullopt;
    reaped_ = true;
    Exit exit;
    exit.signaled = WIFSIGNALED(status);
    exit.code = exit.signaled ? WTERMSIG(status) : WEXITSTATUS(status);
    return exit;
  }

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  bool reaped_ = false;
};

// A fake GitHub answering GET /repos/OWNER/NAME with a small repository document, counting
// requests per path. The first request to `stall_path` is held (never answered) — the process is
// killed while it waits.
class FakeGithub {
 public:
  explicit FakeGithub(std::string stall_path = "") : stall_path_(std::move(stall_path)) {
    server_.OnPrefix("GET", "/repos/", [this](const RecordedRequest& r) {
      const std::string repo = r.path.substr(std::string("/repos/").size());
      const bool first = ++seen_[r.path] == 1;
      json body = {{"full_name", repo},
                   {"name", repo.substr(repo.find('/') + 1)},
                   {"html_url", "https://github.com/" + repo},
                   {"description", "The " + repo + " repository"},
                   {"stargazers_count", 1000 + repo.size()},
                   {"forks_count", 42},
                   {"open_issues_count", 7},
                   {"language", "Python"},
                   {"license", {{"spdx_id", "Apache-2.0"}, {"name", "Apache License 2.0"}}},
                   {"topics", json::array({"llm"})},
                   {"pushed_at", "2026-10-01T12:00:00Z"},
                   {"created_at", "2024-01-01T12:00:00Z"},
                   {"default_branch", "main"},
                   {"homepage", ""},
                   {"archived", false}};
      FakeResponse response = FakeResponse::Json(200, body.dump());
      if (first && r.path == stall_path_) response.WithFault(Fault::StallBeforeHeaders());
      return response;
    });
  }

  std::string url() const { return server_.url(); }
  FakeHttpServer& server() { return server_; }
  // Requests per path, in the order the server saw them (the server thread counts).
  std::map<std::string, int> Counts() const {
    std::map<std::string, int> counts;
    for (const auto& r : server_.requests()) ++counts[r.path];
    return counts;
  }

 private:
  std::string stall_path_;
  std::map<std::string, int> seen_;  // server thread only
  FakeHttpServer server_;
};

// A fresh folder on tmpfs when the machine has one: every run commits dozens of transactions,
// each an fsync, and on a slow disk that would be most of this file's running time.
class FastTempDir {
 public:
  FastTempDir() {
    std::error_code ec;
    const bool shm = fs::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0;
    std::string pattern = shm ? "/dev/shm/intern-test-XXXXXX" : "/tmp/intern-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~FastTempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  FastTempDir(const FastTempDir&) = delete;
  FastTempDir& operator=(const FastTempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct RunResult {
  std::optional<Exit> exit;
  std::string out;
  std::string err;
};

// One INTERN_HOME with its fakes; runs the binary against them.
class Home {
 public:
  Home(std::vector<FakeTurn> script, std::string github_stall_path)
      : llm_(std::move(script), FakeLlmOptions{kApiKey}), github_(std::move(github_stall_path)) {}

  FakeLlm& llm() { return llm_; }
  FakeGithub& github() { return github_; }
  const fs::path& path() const { return dir_.path(); }
  fs::path db() const { return dir_.path() / "home" / "intern.db"; }

  std::unique_ptr<Child> Start(std::vector<std::string> command) {
    std::vector<std::string> args = {INTERN_BINARY,
                                     "-c",
                                     "providers.default=anthropic",
                                     "-c",
                                     "providers.anthropic.base_url=" + llm_.url(),
                                     "-c",
                                     "providers.anthropic.model=claude-haiku-4-5",
                                     "-c",
                                     "agent.parallel_tools=1",
                                     "-c",
                                     "github.api_url=" + github_.url(),
                                     "-c",
                                     "hub.url=http://127.0.0.1:1"};
    args.insert(args.end(), command.begin(), command.end());
    const fs::path root = dir_.path();
    fs::create_directories(root / "home");
    fs::create_directories(root / "cwd");
    std::vector<std::string> env = {"PATH=/usr/bin:/bin",
                                    "HOME=" + (root / "cwd").string(),
                                    "XDG_CONFIG_HOME=" + (root / "xdg").string(),
                                    "XDG_DATA_HOME=" + (root / "xdg-data").string(),
                                    "INTERN_HOME=" + (root / "home").string(),
                                    "NO_COLOR=1",
                                    std::string("ANTHROPIC_API_KEY=") + kApiKey};
    ++runs_;
    return std::make_unique<Child>(args, env, root / "cwd", out(), err());
  }
  // Where the last started process writes.
  fs::path out() const { return dir_.path() / fmt::format("out-{}.txt", runs_); }
  fs::path err() const { return dir_.path() / fmt::format("err-{}.txt", runs_); }

  RunResult Run(std::vector<std::string> command) {
    auto child = Start(std::move(command));
    RunResult r;
    if (child->started()) r.exit = child->Wait(kDeadline);
    r.out = ReadFile(out());
    r.err = ReadFile(err());
    return r;
  }

  std::string SessionId() const {
    auto store = sessions::Store::Open(db());
    auto list = store.ListSessions();
    return list.empty() ? "" : list.front().id;
  }

 private:
  FastTempDir dir_;
  int runs_ = 0;
  FakeLlm llm_;
  FakeGithub github_;
};

}  // namespace intern::testing::kill_test
