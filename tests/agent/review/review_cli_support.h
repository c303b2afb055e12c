#pragma once
// For the `intern review` command tests: run the CLI in-process against a temporary
// INTERN_HOME (GitHub and the hub pointed at 127.0.0.1:1 so look-ups fail fast, no network), and
// homes that already hold one offline draft of "Gemma 3n" vs "SmolVLM2" (made once, copied).

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "agent/cli/cli.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"

namespace intern::agent::testing {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

inline CliRun ReviewCli(const std::filesystem::path& home, std::vector<const char*> args,
                        std::vector<const char*> settings = {}) {
  config::LoadOptions options;
  options.env = {{"INTERN_HOME", home.string()}};
  options.cwd = home;
  options.system_dir = home / "etc";
  options.home = home;
  std::vector<const char*> argv = {"intern", "-c", "github.api_url=http://127.0.0.1:1", "-c",
                                   "hub.url=http://127.0.0.1:1"};
  for (const char* s : settings) {
    argv.push_back("-c");
    argv.push_back(s);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err, options, WireAgent);
  return {code, out.str(), err.str()};
}

// Copies a home holding one pending offline draft into `home` and returns the draft's id.
inline std::string HomeWithDraft(const std::filesystem::path& home) {
  static intern::testing::TempDir made;
  static std::string draft_id = [] {
    CliRun r = ReviewCli(made.path(), {"compare", "Gemma 3n", "SmolVLM2"});
    if (r.code != kExitOk) throw std::runtime_error("compare failed: " + r.err);
    sessions::Store store = sessions::Store::Open(made.path() / "intern.db");
    return store.ListDrafts(sessions::DraftStatus::kPendingReview).at(0).id;
  }();
  std::filesystem::copy_file(made.path() / "intern.db", home / "intern.db",
                             std::filesystem::copy_options::overwrite_existing);
  return draft_id;
}

}  // namespace intern::agent::testing
