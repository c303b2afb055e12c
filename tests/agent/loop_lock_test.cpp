// The session run lock: exclusive while a run holds it, free again after, and how `sessions list`
// and `sessions show` tell an interrupted session from a live one.

#include "agent/loop_lock.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <sstream>

#include "agent/cli/cli.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

using testing::TempDir;

TEST_CASE("a session run lock is exclusive while held and free after, and never-run says so",
          "[loop][lock]") {
  TempDir dir;
  const std::string store = (dir.path() / "intern.db").string();
  CHECK(SessionRunState(store, "s-1") == RunLockState::kNeverRun);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "run"));  // asking creates nothing
  {
    SessionRunLock lock(store, "s-1");
    CHECK(lock.held());
    CHECK(SessionRunState(store, "s-1") == RunLockState::kHeld);
    CHECK(SessionRunState(store, "s-2") == RunLockState::kNeverRun);
    try {
      SessionRunLock second(store, "s-1");
      FAIL("a second lock was taken");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) ==
            "session s-1 is being run by another intern process; wait for it to finish or stop "
            "it before running it again");
    }
  }
  CHECK(SessionRunState(store, "s-1") == RunLockState::kFree);
  CHECK(SessionRunState(":memory:", "s-1") == RunLockState::kNeverRun);
  SessionRunLock in_memory(":memory:", "s-1");
  CHECK_FALSE(in_memory.held());
}

class ScopedHome {
 public:
  explicit ScopedHome(const std::string& value) {
    if (const char* old = std::getenv("INTERN_HOME")) old_ = old;
    setenv("INTERN_HOME", value.c_str(), 1);
  }
  ~ScopedHome() {
    if (old_) {
      setenv("INTERN_HOME", old_->c_str(), 1);
    } else {
      unsetenv("INTERN_HOME");
    }
  }

 private:
  std::optional<std::string> old_;
};

std::string Cli(std::vector<const char*> args) {
  args.insert(args.begin(), "intern");
  std::ostringstream out, err;
  RunCli(static_cast<int>(args.size()), args.data(), out, err);
  return out.str() + err.str();
}

TEST_CASE(
    "sessions list and show call a running session interrupted? once no process holds its lock",
    "[loop][lock][cli]") {
  TempDir dir;
  ScopedHome home(dir.path().string());
  const std::string path = (dir.path() / "intern.db").string();
  {
    sessions::Store store = sessions::Store::Open(path);
    sessions::Session s;
    s.id = "s-live";
    s.kind = "compare";
    s.title = "A vs B";
    store.CreateSession(s);
  }
  // Never run by the loop: nothing is claimed.
  CHECK(Cli({"sessions", "list"}).find("s-live      running ") != std::string::npos);
  {
    SessionRunLock lock(path, "s-live");
    CHECK(Cli({"sessions", "list"}).find("s-live      running ") != std::string::npos);
    CHECK(Cli({"sessions", "show", "s-live"}).find("  status      running\n") != std::string::npos);
  }
  CHECK(Cli({"sessions", "list"}).find("s-live      interrupted?  ") != std::string::npos);
  CHECK(Cli({"sessions", "show", "s-live"})
            .find("  status      running, but no intern process runs it: interrupted? `intern "
                  "sessions resume s-live` continues it\n") != std::string::npos);
}

}  // namespace
}  // namespace intern::agent
