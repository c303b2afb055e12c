// Secrets (issue 10 §4), the site repository: a comparison made with four distinctive keys in
// the environment, approved, then published and pushed to a local bare remote with a distinctive
// INTERN_PUBLISH_TOKEN set. No key or token may be in any file of the site repository or the
// remote (the .git folder included), nor in any git object of either (every object, reachable or
// not, read back uncompressed with `git cat-file --batch-all-objects`).
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tests/support/fake_http_server.h"

namespace intern::testing {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kSiteSecrets = {
    "sk-ant-hardenSITEANTHROPIC2b7e", "sk-hardenSITEOPENAI6c1d", "ghp_hardenSITEGITHUB9a4f",
    "hf_hardenSITEHUB3e8b", "ipt_hardenSITEPUBLISH5d0c"};

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

Run Shell(const fs::path& scratch, const std::string& command) {
  const fs::path out = scratch / "sh.out", err = scratch / "sh.err";
  int status = std::system(
      ("(" + command + ") >'" + out.string() + "' 2>'" + err.string() + "' </dev/null").c_str());
  Run run{WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out), ReadFile(err)};
  fs::remove(out);
  fs::remove(err);
  return run;
}

void CheckNoSecret(const std::string& where, const std::string& text) {
  for (const std::string& secret : kSiteSecrets) {
    INFO(where << " must not contain " << secret);
    CHECK(text.find(secret) == std::string::npos);
  }
}

// Every file under `dir` and every git object of the repository at `dir`; returns the objects'
// count.
int CheckRepositoryHasNoSecret(const fs::path& scratch, const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) CheckNoSecret(entry.path().string(), ReadFile(entry.path()));
  }
  Run objects = Shell(scratch, "git -C '" + dir.string() + "' cat-file --batch-all-objects --batch");
  INFO(objects.err);
  REQUIRE(objects.code == 0);
  CheckNoSecret("the objects of " + dir.string(), objects.out);
  int count = 0;
  Run list =
      Shell(scratch, "git -C '" + dir.string() + "' cat-file --batch-all-objects --batch-check");
  for (char c : list.out) count += c == '\n';
  return count;
}

TEST_CASE("no key or token reaches a file or a git object of the site repository or its remote",
          "[hardening][secrets][binary]") {
  TempDir scratch;
  const fs::path home = scratch / "home", remote = scratch / "remote.git";
  fs::create_directories(home);
  REQUIRE(Shell(scratch.path(), "git init -q --bare -b main '" + remote.string() + "'").code == 0);
  // GitHub and the hub answer 404: the tokens are sent but add nothing to the draft.
  FakeHttpServer github, hub;
  for (FakeHttpServer* s : {&github, &hub}) {
    s->OnPrefix("GET", "/", {FakeResponse::Json(404, R"({"message":"Not Found"})")});
  }
  const std::string intern = "env -i HOME='" + home.string() + "' INTERN_HOME='" + home.string() +
                             "' ANTHROPIC_API_KEY=" + kSiteSecrets[0] +
                             " OPENAI_API_KEY=" + kSiteSecrets[1] + " GITHUB_TOKEN=" +
                             kSiteSecrets[2] + " HF_TOKEN=" + kSiteSecrets[3] +
                             " INTERN_PUBLISH_TOKEN=" + kSiteSecrets[4] + " '" + INTERN_BINARY +
                             "' -c github.api_url=" + github.url() + " -c hub.url=" +
                             hub.url() + " -c publish.author_email=kim@example.org -c "
                             "publish.remote='" + remote.string() + "' ";

  Run compare = Shell(scratch.path(), intern + "compare 'Gemma 3n' SmolVLM2");
  INFO(compare.err);
  REQUIRE(compare.code == 0);
  // The offline researcher looks up the hub only; its token went there (so the checks can fail).
  REQUIRE_FALSE(hub.requests().empty());
  CHECK(hub.requests()[0].Header("Authorization") == "Bearer " + kSiteSecrets[3]);
  std::string id;
  {
    sessions::Store store = sessions::Store::Open(home / "intern.db");
    REQUIRE(store.ListDrafts().size() == 1);
    id = store.ListDrafts()[0].id;
  }
  Run review = Shell(scratch.path(), intern + "review " + id + " --approve --reviewer Kim");
  INFO(review.err);
  REQUIRE(review.code == 0);
  Run publish = Shell(scratch.path(), intern + "publish " + id + " --push --json");
  INFO(publish.err);
  REQUIRE(publish.code == 0);
  CHECK(nlohmann::json::parse(publish.out)["pushed"] == true);
  CheckNoSecret("publish's stdout and stderr", publish.out + publish.err);

  // The push arrived: the remote's branch is the site's.
  Run site_head = Shell(scratch.path(), "git -C '" + (home / "site").string() + "' rev-parse main");
  Run remote_head = Shell(scratch.path(), "git -C '" + remote.string() + "' rev-parse main");
  REQUIRE(site_head.code == 0);
  CHECK(remote_head.out == site_head.out);

  CHECK(CheckRepositoryHasNoSecret(scratch.path(), home / "site") >= 8);
  CHECK(CheckRepositoryHasNoSecret(scratch.path(), remote) >= 8);
}

}  // namespace
}  // namespace intern::testing
