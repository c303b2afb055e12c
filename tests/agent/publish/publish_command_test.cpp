#include <catch2/catch.hpp>
#include <sstream>

#include "agent/cli/cli.h"
#include "tests/agent/publish/publish_fixture.h"
#include "tests/config/temp_dir.h"

namespace intern::agent::publish {
namespace {

using intern::testing::TempDir;

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run Cli(const std::filesystem::path& home, std::vector<const char*> args) {
  config::LoadOptions options;
  options.env = {{"INTERN_HOME", home.string()}};
  options.cwd = home;
  options.system_dir = home / "etc";
  options.home = home;
  std::vector<const char*> argv = {"intern", "-c", "publish.author_email=ada@example.org"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err, options);
  return {code, out.str(), err.str()};
}

TEST_CASE("intern publish refuses a pending draft in one sentence and exits 1", "[publish][cli]") {
  TempDir home;
  std::string id;
  {
    sessions::Store store = sessions::Store::Open(home / "intern.db");
    id = testing::AddDraft(store, agent::testing::SampleComparison());
  }
  Run run = Cli(home.path(), {"publish", id.c_str()});
  CHECK(run.code == 1);
  CHECK(run.out.empty());
  CHECK(run.err == "intern: draft " + id +
                       " is not approved, so it was not published; approve it with `intern "
                       "review " +
                       id + "` first\n");
  CHECK_FALSE(std::filesystem::exists(home / "site"));
}

TEST_CASE("intern publish writes the site under INTERN_HOME/site and reports the commit",
          "[publish][cli]") {
  TempDir home;
  std::string id;
  {
    sessions::Store store = sessions::Store::Open(home / "intern.db");
    id = testing::AddApprovedDraft(store, agent::testing::SampleComparison());
  }
  // A unique prefix of the id is enough.
  std::string prefix = id.substr(0, 6);
  Run run = Cli(home.path(), {"publish", prefix.c_str(), "--json"});
  INFO(run.err);
  REQUIRE(run.code == 0);
  nlohmann::json out = nlohmann::json::parse(run.out);
  CHECK(out["draft"] == id);
  CHECK(out["slug"] == "gemma-3n-vs-smolvlm2");
  CHECK(out["repo"] == (home / "site").string());
  CHECK(out["committed"] == true);
  CHECK(out["pushed"] == false);
  CHECK(out["author_email"] == "ada@example.org");
  std::vector<testing::LoggedCommit> log = testing::GitLog(home / "site");
  REQUIRE(log.size() == 1);
  CHECK(out["commit"] == log[0].id);
  CHECK(log[0].author_email == "ada@example.org");
}

TEST_CASE("intern publish prints where the comparison went, and refuses to publish it twice",
          "[publish][cli]") {
  TempDir home;
  std::string id;
  {
    sessions::Store store = sessions::Store::Open(home / "intern.db");
    id = testing::AddApprovedDraft(store, agent::testing::SampleComparison());
  }
  Run run = Cli(home.path(), {"publish", id.c_str()});
  INFO(run.err);
  REQUIRE(run.code == 0);
  std::string commit = testing::GitLog(home / "site").at(0).id;
  CHECK(run.out == "Published draft " + id + " as comparisons/gemma-3n-vs-smolvlm2.html in " +
                       (home / "site").string() + " (commit " + commit.substr(0, 12) +
                       ", main).\n");
  Run again = Cli(home.path(), {"publish", id.c_str()});
  CHECK(again.code == 1);
  CHECK(again.err == "intern: draft " + id + " is already published (commit " +
                         commit.substr(0, 12) + "); `intern publish " + id +
                         " --push` pushes the site again\n");
}

}  // namespace
}  // namespace intern::agent::publish
