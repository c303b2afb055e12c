// The real `intern daemon` binary: runs a missed sweep at start against the loopback fakes,
// holds the store against a second daemon (naming its pid), and stops cleanly on SIGTERM.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <thread>

#include "agent/cli/cli.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tests/agent/sweep/sweep_test_support.h"

namespace intern::agent {
namespace {

// Polls `done` every 10 ms until it holds or `limit` passes.
template <typename Pred>
bool WaitFor(Pred done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling, with a deadline
  }
  return true;
}

TEST_CASE("intern daemon runs a missed sweep at start, holds the store and stops on SIGTERM",
          "[sweep]") {
  testing::TempDir home;
  testing::FakeHttpServer github;
  testing::FakeHttpServer hub;
  sweep_testing::ServeSearch(github);
  sweep_testing::ServeTrending(hub);
  {
    // A sweep finished long ago: the daemon owes one at start.
    FakeClock long_ago(std::chrono::system_clock::time_point(std::chrono::seconds(1577836800)));
    sessions::Store store = sessions::Store::Open(home.path() / "intern.db", {&long_ago});
    sessions::EventRecord e;
    e.kind = "sweep_finished";
    store.AppendEvent(e);
  }
  const std::string log_path = (home.path() / "daemon.log").string();
  const std::vector<std::string> args = {INTERN_BINARY,
                                         "-c",
                                         "github.api_url=" + github.url(),
                                         "-c",
                                         "hub.url=" + hub.url(),
                                         "-c",
                                         "sweep.topics=[\"llm\"]",
                                         "-c",
                                         "sweep.since=365d",
                                         "daemon"};
  const std::vector<std::string> env = {"INTERN_HOME=" + home.path().string(),
                                        "HOME=" + home.path().string(), "TZ=UTC",
                                        "PATH=/usr/bin:/bin"};
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::vector<char*> argv, envp;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    FILE* log = std::fopen(log_path.c_str(), "w");
    if (log == nullptr || ::dup2(::fileno(log), STDERR_FILENO) < 0) ::_exit(120);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(121);
  }
  auto log = [&] { return std::filesystem::exists(log_path) ? testing::ReadFile(log_path) : ""; };
  const bool swept = WaitFor([&] { return log().find("next sweep at") != std::string::npos; },
                             std::chrono::seconds(60));
  INFO(log());

  // A second daemon on the same store refuses, naming the first.
  config::LoadOptions options;
  options.env = {{"INTERN_HOME", home.path().string()}};
  options.cwd = home.path();
  options.system_dir = home.path() / "etc";
  options.home = home.path();
  const char* argv[] = {"intern", "daemon"};
  std::ostringstream out, err;
  const int second = RunCli(2, argv, out, err, options);

  ::kill(child, SIGTERM);
  int status = 0;
  const bool exited = WaitFor([&] { return ::waitpid(child, &status, WNOHANG) == child; },
                              std::chrono::seconds(30));
  if (!exited) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
  }
  REQUIRE(swept);
  CHECK(second == kExitError);
  CHECK(err.str().find("intern: another intern daemon is running on this store (pid " +
                       std::to_string(child) + ", started ") == 0);
  REQUIRE(exited);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == kExitOk);
  const std::string text = log();
  CHECK(text.find("intern daemon: the sweep due at ") != std::string::npos);
  CHECK(text.find("was missed; running it once now\n") != std::string::npos);
  CHECK(text.find("finished: 4 new tools, 3 jobs queued, 3 drafts, 0 failed, $0.0000\n") !=
        std::string::npos);
  CHECK(text.find("intern daemon: stopped after 1 sweep\n") != std::string::npos);

  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  CHECK(store.ListDrafts().size() == 3);
  int daemon_events = 0;
  for (const auto& e : store.ListEvents("")) daemon_events += e.kind == "daemon";
  CHECK(daemon_events >= 4);
}

}  // namespace
}  // namespace intern::agent
