// What an MCP server started on stdio sees of intern's environment (tools/mcp/child_process.h):
// the few variables a program needs and its entry's env, never the keys and tokens intern holds.
#include <poll.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "tools/mcp/child_process.h"

namespace intern::tools {
namespace {

// Sets an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Everything the child writes to stdout until it closes it.
std::string ReadToEnd(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    pollfd pfd{fd, POLLIN, 0};
    REQUIRE(::poll(&pfd, 1, 10'000) == 1);
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

TEST_CASE("an MCP server process inherits no key or token of intern's environment", "[mcp]") {
  ScopedEnv anthropic("ANTHROPIC_API_KEY", "sk-ant-child-must-not-see");
  ScopedEnv github("GITHUB_TOKEN", "ghp_child_must_not_see");
  ScopedEnv publish("INTERN_PUBLISH_TOKEN", "publish-child-must-not-see");
  ScopedEnv lang("LANG", "C.UTF-8");

  ChildSpec spec;
  spec.command = "env";
  spec.env = {{"GITHUB_TOKEN", "given-by-name"}, {"LOG_LEVEL", "warn"}};
  Result<std::unique_ptr<ChildProcess>> child = ChildProcess::Spawn(spec);
  REQUIRE(child.ok());
  const std::string seen = ReadToEnd(child.value()->stdout_fd());

  CHECK(seen.find("child-must-not-see") == std::string::npos);
  CHECK(seen.find("child_must_not_see") == std::string::npos);
  CHECK(seen.find("ANTHROPIC_API_KEY") == std::string::npos);
  CHECK(seen.find("INTERN_PUBLISH_TOKEN") == std::string::npos);
  // What it was given by name, and what a program needs to run.
  CHECK(seen.find("GITHUB_TOKEN=given-by-name\n") != std::string::npos);
  CHECK(seen.find("LOG_LEVEL=warn\n") != std::string::npos);
  CHECK(seen.find("LANG=C.UTF-8\n") != std::string::npos);
  CHECK(seen.find("PATH=") != std::string::npos);
  // Nothing else: every line is an inherited name or one of `env`.
  size_t start = 0;
  while (start < seen.size()) {
    size_t end = seen.find('\n', start);
    std::string name = seen.substr(start, seen.find('=', start) - start);
    INFO(name);
    CHECK((IsInheritedByChildren(name) || spec.env.contains(name)));
    start = end == std::string::npos ? seen.size() : end + 1;
  }
}

}  // namespace
}  // namespace intern::tools
