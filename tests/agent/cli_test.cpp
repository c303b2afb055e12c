#include "agent/cli/cli.h"

#include <catch2/catch.hpp>

#include <sstream>

#include "agent/version.h"
#include "config/error.h"

namespace intern::agent {
namespace {

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run Cli(std::vector<const char*> args) {
  args.insert(args.begin(), "intern");
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(args.size()), args.data(), out, err);
  return {code, out.str(), err.str()};
}

TEST_CASE("intern --help lists every command of the table") {
  Run r = Cli({"--help"});
  CHECK(r.code == kExitOk);
  for (const CommandSpec& spec : Commands()) CHECK(r.out.find(spec.name) != std::string::npos);
}

TEST_CASE("intern version prints the version and the libraries it was built with") {
  Run r = Cli({"version"});
  CHECK(r.code == kExitOk);
  CHECK(r.out.rfind(std::string("intern ") + kVersion + "\nlibraries: SQLite 3.", 0) == 0);
  CHECK(r.out.find("libgit2 1.") != std::string::npos);
}

TEST_CASE("an unknown command is a usage error with one line naming the fix") {
  Run r = Cli({"frobnicate"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err.find("intern --help") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

}  // namespace
}  // namespace intern::agent

namespace intern::agent {
namespace {

// ctest runs each test as `intern_tests "<name>"`; a name starting with '-' is read by Catch as
// an option, and a ';' splits the name where catch_discover_tests writes it (a CMake list), so
// either way the test never runs. This keeps such names out of the suite.
TEST_CASE("no test name starts with a dash or holds a semicolon, so ctest can run each by name") {
  const std::vector<Catch::TestCase>& all = Catch::getRegistryHub().getTestCaseRegistry().getAllTests();
  REQUIRE(all.size() > 100);
  for (const Catch::TestCase& t : all) {
    INFO(t.name);
    CHECK(t.name.rfind('-', 0) != 0);
    CHECK(t.name.find(';') == std::string::npos);
  }
}

}  // namespace
}  // namespace intern::agent
