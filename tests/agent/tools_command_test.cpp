#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

#include "agent/cli/cli.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tests/tools/repo_test_support.h"
#include "tools/repo/libgit2_init.h"

namespace intern::agent {
namespace {

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run Cli(std::vector<const char*> args, const std::filesystem::path& home) {
  config::LoadOptions options;
  options.env = {{"INTERN_HOME", home.string()}};
  options.cwd = home;
  options.system_dir = home / "etc";
  options.home = home;
  args.insert(args.begin(), "intern");
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(args.size()), args.data(), out, err, options);
  return {code, out.str(), err.str()};
}

TEST_CASE("tools list names every tool with its approval class and creates no files") {
  testing::TempDir home;
  Run r = Cli({"tools", "list"}, home.path() / "state");
  REQUIRE(r.code == kExitOk);
  for (const char* name : {"doc_search", "fetch_page", "github_lookup", "hub_lookup",
                           "repo_inspect", "run_benchmark", "read_evidence"})
    CHECK(r.out.find(name) != std::string::npos);
  CHECK(r.out.find("run_benchmark   execute") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(home.path() / "state"));

  Run j = Cli({"tools", "list", "--json"}, home.path() / "state");
  REQUIRE(j.code == kExitOk);
  nlohmann::json tools = nlohmann::json::parse(j.out);
  REQUIRE(tools.size() == 7);
  CHECK(tools[0].at("schema").at("type") == "object");
}

TEST_CASE("tools run records the tool's evidence in a new session of the store") {
  testing::TempDir home;
  tools::git::LibGit2 libgit2;
  tools::testing::OriginRepo origin(home.path() / "origin.git");
  origin.SetFile("README.md", "# Demo\n");
  origin.Commit({"Ada", "ada@example.org"}, 1772625600, "start");
  std::string args = R"({"repo":")" + origin.file_url() + R"("})";

  Run r = Cli({"tools", "run", "repo_inspect", "--args", args.c_str(), "--json"}, home.path());
  REQUIRE(r.code == kExitOk);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j.at("tool") == "repo_inspect");
  CHECK(j.at("is_error") == false);
  REQUIRE(j.at("evidence").size() == 7);

  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  std::vector<sessions::EvidenceRecord> evidence = store.ListEvidence(j.at("session"));
  CHECK(evidence.size() == 7);
  CHECK(evidence[0].input.tool == "repo_inspect");
  CHECK(store.GetSession(j.at("session"))->kind == "tools");
}

TEST_CASE("tools run reports bad input as one sentence with the right exit code") {
  testing::TempDir home;
  Run unknown = Cli({"tools", "run", "web_search"}, home.path());
  CHECK(unknown.code == kExitUsage);
  CHECK(unknown.err ==
        "intern: there is no tool \"web_search\"; the tools are doc_search, fetch_page, "
        "github_lookup, hub_lookup, repo_inspect, run_benchmark, read_evidence\n");

  Run bad = Cli({"tools", "run", "doc_search", "--args", R"({"k": 3})"}, home.path());
  CHECK(bad.code == kExitError);
  CHECK(bad.out == "invalid arguments for doc_search: missing required argument \"query\"\n");

  Run no_session = Cli({"tools", "run", "doc_search", "--session", "s-nothere", "--args",
                        R"({"query":"x"})"},
                       home.path());
  CHECK(no_session.code == kExitError);
  CHECK(no_session.err == "intern: no session \"s-nothere\" in " +
                              (home.path() / "intern.db").string() +
                              " (see `intern sessions list`)\n");
}

}  // namespace
}  // namespace intern::agent
