// Bad input to the built `intern compare`, the way an operator meets it: the real binary with a
// clean environment and a fresh INTERN_HOME, arguments passed straight to execve (no shell, so a
// 10 kB name or a control character arrives as typed), and no network at all — a new network
// namespace (`unshare -rn`) where the machine allows one, else the hub and GitHub pointed at a
// closed loopback port. Each refusal is one sentence on stderr, a non-zero exit, and an
// INTERN_HOME left empty.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "agent/comparison.h"
#include "agent/comparison_json.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

struct BinaryRun {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs argv (argv[0] is the program) with `env`, stdout and stderr to files in `scratch`.
BinaryRun Exec(const std::vector<std::string>& argv, const std::vector<std::string>& env,
               const std::filesystem::path& scratch) {
  const std::string out_path = (scratch / "stdout").string();
  const std::string err_path = (scratch / "stderr").string();
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0 || err < 0) ::_exit(126);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  BinaryRun run;
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = testing::ReadFile(out_path);
  run.err = testing::ReadFile(err_path);
  return run;
}

// Whether this machine lets an unprivileged-looking process have its own network namespace.
bool CanUnshareNetwork(const std::filesystem::path& scratch) {
  static const bool can = [&] {
    return Exec({"/usr/bin/unshare", "-rn", "/bin/true"}, {"PATH=/usr/bin:/bin"}, scratch).code ==
           0;
  }();
  return can;
}

BinaryRun CompareOffline(const std::string& a, const std::string& b,
                         const std::filesystem::path& home, const std::filesystem::path& scratch) {
  std::vector<std::string> argv;
  if (CanUnshareNetwork(scratch)) {
    argv = {"/usr/bin/unshare", "-rn", INTERN_BINARY, "compare", a, b};
  } else {
    argv = {INTERN_BINARY,
            "-c",
            "github.api_url=http://127.0.0.1:1",
            "-c",
            "hub.url=http://127.0.0.1:1",
            "compare",
            a,
            b};
  }
  return Exec(argv, {"HOME=" + home.string(), "INTERN_HOME=" + home.string(), "PATH=/usr/bin:/bin"},
              scratch);
}

TEST_CASE("the built intern refuses each bad name with one sentence and writes nothing",
          "[compare][binary]") {
  const std::string long_name(10'240, 'a');
  auto [a, b, code, sentence] = GENERATE_COPY(table<std::string, std::string, int, std::string>({
      {"", "SmolVLM2", kExitUsage, "a tool name must not be empty"},
      {"   ", "SmolVLM2", kExitUsage, "a tool name must not be empty"},
      {"Gemma 3n", "gemma-3n", kExitUsage,
       "\"Gemma 3n\" and \"gemma-3n\" are the same tool (Gemma 3n); compare two different tools"},
      {"SmolVLM2", long_name, kExitUsage,
       "a tool name must be at most 200 characters (this one has 10240)"},
      {"Gemma\x01 3n", "SmolVLM2", kExitUsage, "a tool name must not contain control characters"},
      {"Gemma 3n", "Smol\x1b[2JVLM2", kExitUsage,
       "a tool name must not contain control characters"},
      {"Gemma 3n", "Zyxwvut Quorblex", kExitError,
       "\"Zyxwvut Quorblex\" is not in the catalog, and neither the Hugging Face Hub nor GitHub "
       "could be reached to look it up; add it with `intern catalog add` or check the network"},
  }));
  CAPTURE(a.size(), b.size(), sentence);
  testing::TempDir home;
  testing::TempDir scratch;
  BinaryRun r = CompareOffline(a, b, home.path(), scratch.path());
  CHECK(r.code == code);
  CHECK(r.err == "intern: " + sentence + "\n");
  CHECK(r.out.empty());
  // No store, no document index, no half-made session or draft: nothing at all.
  CHECK(std::filesystem::is_empty(home.path()));
}

TEST_CASE("the built intern with no network compares two tools and ends with the review command",
          "[compare][binary]") {
  testing::TempDir home;
  testing::TempDir scratch;
  BinaryRun r = CompareOffline("Gemma 3n", "SmolVLM2", home.path(), scratch.path());
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  const std::string review = "Review it: intern review ";
  const std::size_t last = r.out.rfind(review);
  REQUIRE(last != std::string::npos);
  REQUIRE(r.out.find('\n', last) == r.out.size() - 1);  // the last line
  const std::string id =
      r.out.substr(last + review.size(), r.out.size() - 1 - last - review.size());
  CHECK(id.rfind("d-", 0) == 0);
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  std::optional<sessions::DraftRecord> draft = store.GetDraft(id);
  REQUIRE(draft.has_value());
  CHECK(draft->status == sessions::DraftStatus::kPendingReview);
  Comparison doc = ComparisonFromJson(draft->document).value();
  CHECK(doc.title == "Gemma 3n vs SmolVLM2");
  CHECK(doc.panel.size() == 5);
  int unreachable = 0;
  for (const auto& note : doc.flags.notes) {
    if (note.rfind("hub_lookup ", 0) == 0 && note.find(": unreachable (") != std::string::npos) {
      ++unreachable;
    }
  }
  CHECK(unreachable == 2);
}

}  // namespace
}  // namespace intern::agent
