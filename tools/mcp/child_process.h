#pragma once
// ChildProcess — a program started with its standard streams connected to this process, for
// MCP servers on the stdio transport.
//
// Spawn starts `command` (searched in PATH when it has no '/') with `args`, the few variables of
// this process's environment that kInheritedEnvironment names plus `env` (which wins), in `cwd`
// when set, in a new process group (so a server
// that forks — npx, shells — is stopped whole). Every descriptor this process opens for it is
// close-on-exec, so other children never inherit them. stdin is one end of a socket pair rather
// than a pipe: writes to a server that has died fail with EPIPE (MSG_NOSIGNAL) instead of raising
// SIGPIPE in this process.
//
// Ownership: the object owns the three descriptors and the child; the destructor stops the
// process group (SIGTERM, then SIGKILL after a short grace) and reaps it. Never throws.
// Thread safety: WriteAll may be called from one thread while another reads stdout/stderr;
// Kill and TryWait are safe from any thread.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/result.h"

namespace intern::tools {

// What a child inherits of this process's environment: what a program needs to run and nothing
// more (the list the MCP reference SDK's stdio client uses, plus locale, time zone and TMPDIR).
// Above all not the keys and tokens intern itself reads (ANTHROPIC_API_KEY, GITHUB_TOKEN,
// INTERN_PUBLISH_TOKEN, ...): an MCP server is someone else's code. A server that needs a token is
// given it by name in its entry's `env` (`env = { GITHUB_TOKEN = "${GITHUB_TOKEN}" }`).
inline constexpr std::string_view kInheritedEnvironment[] = {
    "HOME", "LOGNAME", "PATH",     "SHELL", "TERM",  "USER",
    "LANG", "LC_ALL",  "LC_CTYPE", "TZ",    "TMPDIR"};

// True when `name` is in kInheritedEnvironment.
bool IsInheritedByChildren(std::string_view name);

struct ChildSpec {
  std::string command;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;  // added to the inherited environment
  std::filesystem::path cwd;               // empty: this process's working directory
};

class ChildProcess {
 public:
  // Fails kNotFound when the command cannot be found or executed, kIo for other spawn errors.
  static Result<std::unique_ptr<ChildProcess>> Spawn(const ChildSpec& spec);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  int stdout_fd() const { return stdout_fd_; }
  int stderr_fd() const { return stderr_fd_; }

  // Writes all of `bytes` to the child's stdin. Fails kConnection when the child has closed it
  // or has not read any of it for 10 seconds.
  Status WriteAll(std::string_view bytes);

  // SIGKILL to the process group; the child is reaped by TryWait or the destructor.
  void Kill();
  // The wait status once the child has exited (reaping it), else nullopt. Never blocks.
  std::optional<int> TryWait();

 private:
  ChildProcess() = default;

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::mutex write_mu_;
  std::mutex wait_mu_;
  std::optional<int> status_;
};

// "exited with status 3", "was killed by signal 9 (Killed)".
std::string DescribeWaitStatus(int status);

}  // namespace intern::tools
