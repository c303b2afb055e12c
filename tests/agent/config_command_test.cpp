#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/cli/cli.h"
#include "config/error.h"
#include "config/registry.h"
#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

struct Run {
  int code;
  std::string out;
  std::string err;
};

// A run of `intern` whose config comes only from a temporary tree and `env`.
struct Sandbox {
  TempDir dir;
  config::LoadOptions options;
  std::filesystem::path user_file = dir / "xdg/intern/config.toml";
  std::filesystem::path project_file = dir / "work/intern.toml";

  Sandbox() {
    options.system_dir = dir / "etc";
    options.xdg_config_home = dir / "xdg";
    options.cwd = dir / "work";
    options.home = dir / "home";
  }

  Run Cli(std::vector<const char*> args) const {
    args.insert(args.begin(), "intern");
    std::ostringstream out, err;
    int code = RunCli(static_cast<int>(args.size()), args.data(), out, err, options);
    return {code, out.str(), err.str()};
  }
};

// The line of `config show` output that starts with "KEY = ".
std::string ShowLine(const std::string& out, const std::string& key) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(key + " = ")) return line;
  }
  return "";
}

// "KEY = VALUE   # ORIGIN" with the padding squeezed out.
std::string Squeeze(std::string line) {
  auto hash = line.find("   ");
  auto origin = line.find("# ");
  if (hash == std::string::npos || origin == std::string::npos) return line;
  return line.substr(0, hash) + " " + line.substr(origin);
}

TEST_CASE("config show prints every key with its value and origin") {
  Sandbox s;
  WriteFile(s.project_file, "[agent]\nmax_iterations = 42\n");
  s.options.env["INTERN_BENCH_APPROVAL"] = "deny";
  Run r = s.Cli({"-c", "sweep.limit=7", "config", "show"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.err.empty());
  CHECK(Squeeze(ShowLine(r.out, "agent.max_iterations")) ==
        "agent.max_iterations = 42 # " + s.project_file.string() + ":2");
  CHECK(Squeeze(ShowLine(r.out, "bench.approval")) ==
        "bench.approval = \"deny\" # env INTERN_BENCH_APPROVAL");
  CHECK(Squeeze(ShowLine(r.out, "sweep.limit")) == "sweep.limit = 7 # flag -c");
  CHECK(Squeeze(ShowLine(r.out, "http.connect_timeout")) ==
        "http.connect_timeout = \"10s\" # default");
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') ==
        static_cast<std::ptrdiff_t>(config::Keys().size()));
}

TEST_CASE("config show KEY prints only that key or the keys of that section") {
  Sandbox s;
  Run one = s.Cli({"config", "show", "agent.max_iterations"});
  REQUIRE(one.code == kExitOk);
  CHECK(one.out == "agent.max_iterations = 300   # default\n");

  Run section = s.Cli({"config", "show", "providers.openai", "--json"});
  REQUIRE(section.code == kExitOk);
  nlohmann::json doc = nlohmann::json::parse(section.out);
  CHECK(doc.size() == 6);
  CHECK(doc.contains("providers.openai.base_url"));

  Run wrong = s.Cli({"config", "show", "agnet"});
  CHECK(wrong.code == kExitUsage);
  CHECK(wrong.err ==
        "intern: no config key is named \"agnet\" or lies under it (did you mean \"agent\"?)\n");
}

TEST_CASE("config show and show --json never print a secret") {
  Sandbox s;
  const std::string openai_key = "sk-proj-SECRETVALUE-0001";
  const std::string anthropic_key = "sk-ant-SECRETVALUE-0002";
  s.options.env["OPENAI_API_KEY"] = openai_key;
  s.options.env["GITHUB_TOKEN"] = "ghp_SECRETVALUE0003";
  WriteFile(s.user_file, "[providers.anthropic]\napi_key = \"" + anthropic_key + "\"\n");

  Run text = s.Cli({"config", "show"});
  Run json = s.Cli({"config", "show", "--json"});
  REQUIRE(text.code == kExitOk);
  REQUIRE(json.code == kExitOk);
  for (const Run* r : {&text, &json}) {
    CHECK(r->out.find("SECRETVALUE") == std::string::npos);
    CHECK(r->out.find("0001") == std::string::npos);
    CHECK(r->out.find("0002") == std::string::npos);
  }
  CHECK(Squeeze(ShowLine(text.out, "providers.openai.api_key")) ==
        "providers.openai.api_key = \"****\" # env OPENAI_API_KEY");
  CHECK(Squeeze(ShowLine(text.out, "providers.anthropic.api_key")) ==
        "providers.anthropic.api_key = \"****\" # " + s.user_file.string() + ":2");
  CHECK(Squeeze(ShowLine(text.out, "hub.token")) == "hub.token = \"\" # default");

  nlohmann::json doc = nlohmann::json::parse(json.out);
  CHECK(doc["providers.openai.api_key"] ==
        nlohmann::json{{"value", "****"}, {"origin", "env OPENAI_API_KEY"}, {"secret", true}});
  CHECK(doc["hub.token"] == nlohmann::json{{"value", ""}, {"origin", "default"}, {"secret", true}});
}

TEST_CASE("config show --json gives every key its typed value and origin") {
  Sandbox s;
  s.options.env["INTERN_AGENT_MAX_ITERATIONS"] = "12";
  Run r = s.Cli({"config", "show", "--json"});
  REQUIRE(r.code == kExitOk);
  nlohmann::json doc = nlohmann::json::parse(r.out);
  CHECK(doc.size() == config::Keys().size());
  CHECK(doc["agent.max_iterations"] ==
        nlohmann::json{{"value", 12}, {"origin", "env INTERN_AGENT_MAX_ITERATIONS"}});
  CHECK(doc["compaction.trigger_ratio"]["value"] == 0.8);
  CHECK(doc["providers.openai.stream"]["value"] == true);
  CHECK(doc["sweep.topics"]["value"] ==
        nlohmann::json::array({"llm", "ai-agents", "machine-learning", "generative-ai"}));
  CHECK(doc["sweep.since"]["value"] == "7d");
  CHECK(doc["home"]["value"] == (s.dir / "home/.local/share/intern").string());
}

TEST_CASE("config path lists each layer file, whether it exists, and the state home") {
  Sandbox s;
  WriteFile(s.user_file, "");
  s.options.env["INTERN_HOME"] = (s.dir / "state").string();
  Run r = s.Cli({"config", "path"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.out == "system   " + (s.dir / "etc/config.toml").string() + "   (missing)\n" +
                     "user     " + s.user_file.string() + "   (exists)\n" + "project  " +
                     s.project_file.string() + "   (missing)\n" + "home     " +
                     (s.dir / "state").string() + "\n");

  Run json = s.Cli({"config", "path", "--json"});
  REQUIRE(json.code == kExitOk);
  nlohmann::json doc = nlohmann::json::parse(json.out);
  CHECK(doc["layers"][1] ==
        nlohmann::json{{"name", "user"}, {"path", s.user_file.string()}, {"exists", true}});
  CHECK(doc["home"] == (s.dir / "state").string());
}

TEST_CASE("config path still shows the files when one of them is broken") {
  Sandbox s;
  WriteFile(s.project_file, "[agent]\nmax_iterations = 0\n");
  Run r = s.Cli({"config", "path"});
  CHECK(r.code == kExitError);
  CHECK(r.out.find(s.project_file.string() + "   (exists)") != std::string::npos);
  CHECK(r.err == "intern: " + s.project_file.string() +
                     ":2: \"agent.max_iterations\" must be between 1 and 10000 (got 0)\n");
}

TEST_CASE("config init writes the commented user config, which changes no value") {
  Sandbox s;
  Run r = s.Cli({"config", "init"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.out == "wrote " + s.user_file.string() + "\n");
  CHECK(ReadFile(s.user_file) == config::RenderConfigFile(true));
  CHECK((std::filesystem::status(s.user_file).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  config::Config loaded = config::Load(s.options);
  CHECK(loaded.agent.max_iterations == 300);
  for (const config::KeySpec& spec : config::Keys()) CHECK(loaded.OriginOf(spec.path) == "default");
}

TEST_CASE("config init refuses to overwrite without --force") {
  Sandbox s;
  WriteFile(s.user_file, "agent.max_iterations = 5\n");
  Run r = s.Cli({"config", "init"});
  CHECK(r.code == kExitError);
  CHECK(r.err ==
        "intern: " + s.user_file.string() + " already exists; pass --force to overwrite it\n");
  CHECK(ReadFile(s.user_file) == "agent.max_iterations = 5\n");

  Run forced = s.Cli({"config", "init", "--force"});
  CHECK(forced.code == kExitOk);
  CHECK(ReadFile(s.user_file) == config::RenderConfigFile(true));
}

TEST_CASE("config init --path writes where it is told") {
  Sandbox s;
  std::filesystem::path target = s.dir / "elsewhere/deep/intern.toml";
  Run r = s.Cli({"config", "init", "--path", target.c_str()});
  REQUIRE(r.code == kExitOk);
  CHECK(ReadFile(target) == config::RenderConfigFile(true));
  CHECK_FALSE(std::filesystem::exists(s.user_file));
}

TEST_CASE("a -c naming an unknown key exits with a usage error sentence") {
  Sandbox s;
  Run r = s.Cli({"-c", "agent.max_iteration=5", "config", "show"});
  CHECK(r.code == kExitUsage);
  CHECK(r.out.empty());
  CHECK(
      r.err ==
      "intern: -c: unknown key \"agent.max_iteration\" (did you mean \"agent.max_iterations\"?)\n");
}

TEST_CASE("LoadConfig loads once per run and applies the -c overrides") {
  Sandbox s;
  std::ostringstream out, err;
  CliContext ctx{out, err, {"agent.max_iterations=11"}, kExitOk, s.options, nullptr};
  const config::Config& first = LoadConfig(ctx);
  CHECK(first.agent.max_iterations == 11);
  WriteFile(s.project_file, "[agent]\nmax_iterations = 99\n");
  CHECK(&LoadConfig(ctx) == &first);
}

}  // namespace
}  // namespace intern::agent

namespace intern::agent {
namespace {

// Runs the built `intern` with only `env` in its environment, in `cwd`; stderr joins stdout.
Run RunBinary(const std::filesystem::path& cwd, const std::string& env, const std::string& args) {
  std::string command =
      "cd '" + cwd.string() + "' && env -i " + env + " '" + INTERN_BINARY + "' " + args + " 2>&1";
  Run run{-1, "", ""};
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.out.append(buffer, n);
  int status = pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST_CASE("the intern binary loads config from its real environment and working directory") {
  if (std::filesystem::exists("/etc/intern/config.toml")) {
    WARN("skipped: /etc/intern/config.toml exists on this machine and would change the result");
    return;
  }
  TempDir dir;
  WriteFile(dir / "work/intern.toml", "[sweep]\nlimit = 9\n");
  std::string env = "HOME='" + (dir / "home").string() + "' INTERN_AGENT_MAX_ITERATIONS=77";
  Run r = RunBinary(dir / "work", env, "config show agent.max_iterations");
  CHECK(r.code == kExitOk);
  CHECK(r.out == "agent.max_iterations = 77   # env INTERN_AGENT_MAX_ITERATIONS\n");

  Run limit = RunBinary(dir / "work", env, "config show sweep.limit");
  CHECK(limit.out == "sweep.limit = 9   # " + (dir / "work/intern.toml").string() + ":2\n");

  Run home = RunBinary(dir / "work", env, "config show home");
  CHECK(home.out == "home = \"" + (dir / "home/.local/share/intern").string() + "\"   # default\n");

  Run bad = RunBinary(dir / "work", env, "-c agent.max_iterations=0 config show");
  CHECK(bad.code == kExitUsage);
  CHECK(bad.out == "intern: -c: \"agent.max_iterations\" must be between 1 and 10000 (got 0)\n");
}

}  // namespace
}  // namespace intern::agent
