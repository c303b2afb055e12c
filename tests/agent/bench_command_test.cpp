#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/cli/cli.h"
#include "config/error.h"

namespace intern::agent {
namespace {

struct BenchRun {
  int code;
  std::string out;
  std::string err;
};

BenchRun Bench(std::vector<const char*> args) {
  args.insert(args.begin(), {"intern", "bench"});
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(args.size()), args.data(), out, err);
  return {code, out.str(), err.str()};
}

}  // namespace

TEST_CASE("bench exec runs the command in the sandbox and exits with its status", "[bench][cli]") {
  BenchRun r = Bench({"exec", "--wall", "5", "--", "sh", "-c", "echo hi; exit 3"});
  CHECK(r.code == 3);
  CHECK(r.out == "hi\n");
  CHECK(r.err.rfind("ended: exit status 3\nsandbox: native, cgroup ", 0) == 0);
}

TEST_CASE("bench exec --json prints the measurements", "[bench][cli]") {
  BenchRun r = Bench({"exec", "--json", "--memory", "64", "--procs", "8", "--", "true"});
  CHECK(r.code == kExitOk);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["exit_code"] == 0);
  CHECK(j["isolation"] == "native");
  CHECK(j["limit"] == "none");
  CHECK(j["leftover_processes"] == 0);
}

TEST_CASE("bench exec reports a limit that stopped the command", "[bench][cli]") {
  BenchRun r = Bench({"exec", "--output", "100", "--json", "--", "yes"});
  CHECK(r.code == 128 + 9);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["limit"] == "output");
  CHECK(j["stdout"]["bytes"] == 100);
}

TEST_CASE("bench exec of a missing program is a setup error in one sentence", "[bench][cli]") {
  BenchRun r = Bench({"exec", "--", "/nonexistent/prog"});
  CHECK(r.code == kExitError);
  CHECK(r.err == "intern: sandbox setup failed: exec `/nonexistent/prog`: No such file or directory\n");
}

TEST_CASE("bench exec without a command is a usage error", "[bench][cli]") {
  BenchRun r = Bench({"exec", "--wall", "1"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err == "intern: give the command after `--`, e.g. `intern bench exec -- make test`\n");
}

TEST_CASE("bench run runs a spec file and prints the report", "[bench][cli]") {
  std::string path = std::filesystem::temp_directory_path() / "intern-bench-cli-test.toml";
  std::ofstream(path) << "name = \"cli\"\ncommand = \"echo n: 7\"\nrepetitions = 2\ntimeout = 5\n"
                         "[[metrics]]\nname = \"n\"\nregex = 'n: ([0-9]+)'\n";
  BenchRun text = Bench({"run", path.c_str()});
  BenchRun json = Bench({"run", path.c_str(), "--json"});
  std::filesystem::remove(path);
  CHECK(text.code == kExitOk);
  CHECK(text.out.rfind("figure ", 0) == 0);
  CHECK(text.out.find("\noutcome: ok\n") != std::string::npos);
  REQUIRE(json.code == kExitOk);
  auto j = nlohmann::json::parse(json.out);
  CHECK(j["outcome"] == "ok");
  CHECK(j["figures"][3]["name"] == "n");
  CHECK(j["figures"][3]["median"] == 7);
}

TEST_CASE("bench run of a missing spec says so", "[bench][cli]") {
  BenchRun r = Bench({"run", "/nonexistent/spec.toml"});
  CHECK(r.code == kExitError);
  CHECK(r.err == "intern: bench spec /nonexistent/spec.toml cannot be read\n");
}

}  // namespace intern::agent
