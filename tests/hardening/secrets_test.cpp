// Secrets (issue 10 §4): API keys and tokens reach their own hosts and nothing else — not the
// store (any table, the raw database and WAL files, any file under INTERN_HOME), not stdout or
// stderr, not drafts, not another host a redirect points at, not a benchmark's environment.
#include <SQLiteCpp/SQLiteCpp.h>
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
#include "tests/support/fake_llm.h"
#include "tests/support/fake_sandbox.h"
#include "tests/support/memory_ledger.h"
#include "tools/bench/bench_runner.h"
#include "tools/bench/run_benchmark_tool.h"

namespace intern::testing {
namespace {

constexpr const char* kAnthropicKey = "sk-ant-hardenANTHROPIC7f3a9c2e";
constexpr const char* kOpenAiKey = "sk-hardenOPENAI41b7d09e";
constexpr const char* kGithubToken = "ghp_hardenGITHUB5c8e1f2a";
constexpr const char* kHfToken = "hf_hardenHUB93d6a0b4";
const std::vector<std::string> kSecrets = {kAnthropicKey, kOpenAiKey, kGithubToken, kHfToken};

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs the built intern with exactly `env` (plus the four secrets) and `args`.
Run RunIntern(const TempDir& home, const std::string& args, const std::string& tag) {
  const std::filesystem::path out = home.path() / ("out-" + tag), err = home.path() / ("err-" + tag);
  std::string command = "env -i HOME='" + home.path().string() + "' INTERN_HOME='" +
                        (home.path() / "state").string() + "' ANTHROPIC_API_KEY=" +
                        kAnthropicKey + " OPENAI_API_KEY=" + kOpenAiKey +
                        " GITHUB_TOKEN=" + kGithubToken + " HF_TOKEN=" + kHfToken + " '" +
                        INTERN_BINARY + "' " + args + " </dev/null >'" + out.string() + "' 2>'" +
                        err.string() + "'";
  int status = std::system(command.c_str());
  Run run;
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadFile(out);
  run.err = ReadFile(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return run;
}

// Every value of every row of every table, as text.
std::string DumpTables(const std::filesystem::path& db_path) {
  SQLite::Database db(db_path.string(), SQLite::OPEN_READONLY);
  std::vector<std::string> tables;
  SQLite::Statement list(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
  while (list.executeStep()) tables.push_back(list.getColumn(0).getString());
  std::string dump;
  for (const std::string& table : tables) {
    SQLite::Statement rows(db, "SELECT * FROM \"" + table + "\"");
    while (rows.executeStep())
      for (int i = 0; i < rows.getColumnCount(); ++i) dump += rows.getColumn(i).getString() + "\n";
  }
  REQUIRE(tables.size() > 3);
  return dump;
}

std::string HeadersAndBodies(const std::vector<RecordedRequest>& requests) {
  std::string all;
  for (const RecordedRequest& r : requests) {
    all += r.target + "\n";
    for (const auto& [name, value] : r.headers) all += name + ": " + value + "\n";
    all += r.body + "\n";
  }
  return all;
}

void CheckNoSecret(const std::string& where, const std::string& text,
                   const std::vector<std::string>& secrets = kSecrets) {
  for (const std::string& secret : secrets) {
    INFO(where << " must not contain " << secret);
    CHECK(text.find(secret) == std::string::npos);
  }
}

TEST_CASE(
    "keys and tokens reach only their own hosts, and nothing under INTERN_HOME, stdout or stderr "
    "holds them",
    "[hardening][secrets][binary]") {
  TempDir home;
  FakeHttpServer elsewhere;  // another host: what the redirects point at
  elsewhere.OnPrefix("GET", "/", [](const RecordedRequest&) {
    return FakeResponse::Json(404, R"({"message":"Not Found"})");
  });
  // GitHub and the hub answer every call with a redirect to the other host.
  FakeHttpServer github, hub;
  for (FakeHttpServer* s : {&github, &hub}) {
    s->OnPrefix("GET", "/", [&elsewhere](const RecordedRequest& r) {
      FakeResponse moved = FakeResponse::Status(302);
      moved.headers = {{"Location", elsewhere.url() + r.target}};
      return moved;
    });
  }
  FakeLlm llm({FakeTurn::Call({{"c1", "github_lookup", R"({"repo":"huggingface/smollm"})"},
                               {"c2", "hub_lookup", R"({"model_id":"google/gemma-3n-E2B"})"},
                               {"c3", "fetch_page",
                                nlohmann::json{{"url", elsewhere.url() + "/page"}}.dump()}}),
               FakeTurn::Say({"I could not finish."})},
              FakeLlmOptions{kAnthropicKey});
  const std::string lookups =
      "-c github.api_url=" + github.url() + " -c hub.url=" + hub.url() + " ";

  Run llm_run = RunIntern(home,
                          lookups + "-c providers.default=anthropic -c providers.anthropic.base_url=" +
                              llm.url() + " -c agent.max_iterations=2 compare 'Gemma 3n' SmolVLM2",
                          "llm");
  INFO(llm_run.err);
  CHECK(llm.turns_served() == 2);
  CHECK(llm.rejections().empty());
  Run offline_run = RunIntern(home, lookups + "compare 'Gemma 3n' SmolVLM2", "offline");
  INFO(offline_run.err);
  CHECK(offline_run.code == 0);

  // Each secret went where it belongs (so the checks below can fail) ...
  const std::vector<RecordedRequest> llm_requests = llm.raw_requests();
  REQUIRE_FALSE(llm_requests.empty());
  for (const RecordedRequest& r : llm_requests) CHECK(r.Header("x-api-key") == kAnthropicKey);
  REQUIRE_FALSE(github.requests().empty());
  for (const RecordedRequest& r : github.requests())
    CHECK(r.Header("Authorization").value_or("").find(kGithubToken) != std::string::npos);
  REQUIRE_FALSE(hub.requests().empty());
  for (const RecordedRequest& r : hub.requests())
    CHECK(r.Header("Authorization") == "Bearer " + std::string(kHfToken));
  // ... and nowhere else.
  REQUIRE_FALSE(elsewhere.requests().empty());
  CheckNoSecret("requests to the other host", HeadersAndBodies(elsewhere.requests()));
  CheckNoSecret("requests to the model", HeadersAndBodies(llm_requests),
                {kOpenAiKey, kGithubToken, kHfToken});
  CheckNoSecret("requests to GitHub", HeadersAndBodies(github.requests()),
                {kAnthropicKey, kOpenAiKey, kHfToken});
  CheckNoSecret("requests to the hub", HeadersAndBodies(hub.requests()),
                {kAnthropicKey, kOpenAiKey, kGithubToken});
  CheckNoSecret("stdout", llm_run.out + offline_run.out);
  CheckNoSecret("stderr", llm_run.err + offline_run.err);

  const std::filesystem::path state = home.path() / "state";
  CheckNoSecret("the store's tables", DumpTables(state / "intern.db"));
  sessions::Store store = sessions::Store::Open(state / "intern.db");
  auto drafts = store.ListDrafts();
  REQUIRE_FALSE(drafts.empty());
  for (const auto& d : drafts) CheckNoSecret("draft " + d.id, d.document);
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(state)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    CheckNoSecret(entry.path().string(), ReadFile(entry.path()));
  }
  CHECK(files >= 1);
}

TEST_CASE("a benchmark's environment is the runner's fixed one, never the process's secrets",
          "[hardening][secrets]") {
  struct SetEnv {
    std::vector<std::string> names;
    SetEnv() {
      const std::vector<std::pair<const char*, const char*>> vars = {
          {"ANTHROPIC_API_KEY", kAnthropicKey},
          {"OPENAI_API_KEY", kOpenAiKey},
          {"GITHUB_TOKEN", kGithubToken},
          {"HF_TOKEN", kHfToken}};
      for (const auto& [name, value] : vars) {
        if (std::getenv(name) == nullptr) {
          ::setenv(name, value, 1);
          names.push_back(name);
        }
      }
    }
    ~SetEnv() {
      for (const std::string& name : names) ::unsetenv(name.c_str());
    }
  } set_env;
  FakeSandbox sandbox;
  MemoryLedger ledger;
  FakeClock clock;
  tools::ToolContext ctx{ledger, clock, "s-1"};
  tools::RunBenchmarkTool tool(sandbox, {tools::BenchApprovalMode::kAuto, {}, false}, nullptr);
  const std::string spec =
      "name = \"env\"\ncommand = \"env\"\nrepetitions = 1\nwarmups = 0\n"
      "[env]\nKEY = \"$ANTHROPIC_API_KEY\"\n";
  tools::ToolResult result = tool.Run({{"spec_toml", spec}}, ctx);
  INFO(result.content);
  REQUIRE_FALSE(sandbox.specs().empty());
  std::vector<std::string> want = tools::BaseBenchEnv();
  want.push_back("KEY=$ANTHROPIC_API_KEY");  // taken literally, never expanded
  for (const sandbox::RunSpec& run : sandbox.specs()) {
    CHECK(run.env == want);
    std::string all;
    for (const std::string& e : run.env) all += e + "\n";
    for (const std::string& a : run.argv) all += a + "\n";
    CheckNoSecret("the sandbox's environment and argv", all);
  }
}

}  // namespace
}  // namespace intern::testing
