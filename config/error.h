#pragma once
// intern::Error — the one exception type of the project.
//
// Expected failures that a caller must branch on (a provider call, a tool run, a sandbox run, a
// look-up that may find nothing) are returned as Result<T> / Status (config/result.h). Everything
// else throws Error. Library errors (SQLite, libgit2, JSON, Beast) are wrapped at the module edge
// with context, e.g. Error("opening session store at /x/intern.db: database disk image is
// malformed"). Only main() catches everything, prints what() as one sentence and maps `exit_code`
// to the process exit status.

#include <stdexcept>
#include <string>

namespace intern {

// Process exit codes (DESIGN §11).
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitStopped = 3;  // stopped by cap, budget or loop detection

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int exit_code = kExitError)
      : std::runtime_error(message), exit_code_(exit_code) {}

  // The exit status main() uses when this error ends the program.
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// A usage error: bad command-line input; main() exits with kExitUsage.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message, kExitUsage) {}
};

}  // namespace intern
