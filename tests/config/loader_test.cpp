#include <catch2/catch.hpp>
#include <string>

#include "config/config.h"
#include "config/error.h"
#include "tests/config/temp_dir.h"

namespace intern::config {
namespace {

using testing::TempDir;
using testing::WriteFile;

// Three layer files in a temporary tree, and options that read only them.
struct Layers {
  TempDir dir;
  std::filesystem::path system = dir / "etc/intern/config.toml";
  std::filesystem::path user = dir / "xdg/intern/config.toml";
  std::filesystem::path project = dir / "work/intern.toml";
  LoadOptions options;

  Layers() {
    options.system_dir = dir / "etc/intern";
    options.xdg_config_home = dir / "xdg";
    options.cwd = dir / "work";
    options.home = dir / "home";
  }
  Config Load() const { return config::Load(options); }
  // The message of the Error that Load throws ("" when it does not throw).
  std::string LoadError() const {
    try {
      config::Load(options);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
};

TEST_CASE("with no files, no environment and no flags every key has its default") {
  Layers l;
  Config cfg = l.Load();
  CHECK(cfg.agent.max_iterations == 300);
  CHECK(cfg.compaction.trigger_ratio == 0.8);
  CHECK(cfg.providers.openai.base_url == "https://api.openai.com/v1");
  CHECK(cfg.providers.anthropic.base_url == "https://api.anthropic.com");
  CHECK(cfg.github.api_url == "https://api.github.com");
  CHECK(cfg.hub.url == "https://huggingface.co");
  CHECK(cfg.bench.approval == "ask");
  CHECK(cfg.sandbox.cgroup == "auto");
  CHECK(cfg.sweep.schedule == "0 6 * * *");
  CHECK(cfg.OriginOf("agent.max_iterations") == "default");
  CHECK(cfg.home == l.dir / "home/.local/share/intern");
  CHECK(cfg.publish.repo == l.dir / "home/.local/share/intern/site");
}

TEST_CASE("each layer overrides the one below it and the origin names the winner") {
  Layers l;
  WriteFile(l.system, "# system\n[agent]\nmax_iterations = 10\nparallel_tools = 2\n");
  Config cfg = l.Load();
  CHECK(cfg.agent.max_iterations == 10);
  CHECK(cfg.OriginOf("agent.max_iterations") == l.system.string() + ":3");

  WriteFile(l.user, "agent.max_iterations = 20\n");
  cfg = l.Load();
  CHECK(cfg.agent.max_iterations == 20);
  CHECK(cfg.OriginOf("agent.max_iterations") == l.user.string() + ":1");

  WriteFile(l.project, "\n\n[agent]\n\nmax_iterations = 30\n");
  cfg = l.Load();
  CHECK(cfg.agent.max_iterations == 30);
  CHECK(cfg.OriginOf("agent.max_iterations") == l.project.string() + ":5");

  l.options.env["INTERN_AGENT_MAX_ITERATIONS"] = "40";
  cfg = l.Load();
  CHECK(cfg.agent.max_iterations == 40);
  CHECK(cfg.OriginOf("agent.max_iterations") == "env INTERN_AGENT_MAX_ITERATIONS");

  l.options.flag_overrides = {"agent.max_iterations=50"};
  cfg = l.Load();
  CHECK(cfg.agent.max_iterations == 50);
  CHECK(cfg.OriginOf("agent.max_iterations") == "flag -c");

  // A key set only by a lower layer keeps that layer's value and origin.
  CHECK(cfg.agent.parallel_tools == 2);
  CHECK(cfg.OriginOf("agent.parallel_tools") == l.system.string() + ":4");
}

TEST_CASE("the user layer is XDG_CONFIG_HOME from the environment, else ~/.config") {
  Layers l;
  l.options.xdg_config_home.clear();
  WriteFile(l.dir / "home/.config/intern/config.toml", "agent.max_iterations = 21\n");
  WriteFile(l.dir / "other/intern/config.toml", "agent.max_iterations = 22\n");
  CHECK(l.Load().agent.max_iterations == 21);
  l.options.env["XDG_CONFIG_HOME"] = (l.dir / "other").string();
  CHECK(l.Load().agent.max_iterations == 22);

  std::vector<LayerFile> files = LayerFiles(l.options);
  REQUIRE(files.size() == 3);
  CHECK(files[0].name == "system");
  CHECK(files[0].path == l.system);
  CHECK(files[1].name == "user");
  CHECK(files[1].path == l.dir / "other/intern/config.toml");
  CHECK(files[2].name == "project");
  CHECK(files[2].path == l.project);
}

TEST_CASE("an unknown key is rejected naming file, line and the closest key") {
  Layers l;
  WriteFile(l.user, "# mine\n[agent]\nmax_iteration = 5\n");
  CHECK(l.LoadError() == l.user.string() +
                             ":3: unknown key \"agent.max_iteration\" (did you mean "
                             "\"agent.max_iterations\"?)");
}

TEST_CASE("an unknown key with nothing close is rejected without a suggestion") {
  Layers l;
  WriteFile(l.project, "frobnicate = true\n");
  CHECK(l.LoadError() == l.project.string() + ":1: unknown key \"frobnicate\"");
}

TEST_CASE("a known key in the wrong section suggests where it belongs") {
  Layers l;
  WriteFile(l.project, "max_iterations = 5\n");
  CHECK(l.LoadError() == l.project.string() +
                             ":1: unknown key \"max_iterations\" (did you mean "
                             "\"agent.max_iterations\"?)");
}

TEST_CASE("a misspelt section is rejected naming the closest section") {
  Layers l;
  WriteFile(l.project, "\n[agnet]\nmax_iterations = 5\n");
  CHECK(l.LoadError() ==
        l.project.string() + ":2: unknown section \"agnet\" (did you mean \"agent\"?)");
}

TEST_CASE("a section given a plain value is rejected") {
  Layers l;
  WriteFile(l.project, "agent = 5\n");
  CHECK(l.LoadError() ==
        l.project.string() + ":1: \"agent\" must be a table of keys, not an integer");
}

TEST_CASE("a value of the wrong type is rejected naming the type expected and the type found") {
  Layers l;
  SECTION("string for an integer") {
    WriteFile(l.project, "[agent]\nmax_iterations = \"ten\"\n");
    CHECK(l.LoadError() ==
          l.project.string() + ":2: \"agent.max_iterations\" must be an integer, not a string");
  }
  SECTION("float for an integer") {
    WriteFile(l.project, "[agent]\nmax_iterations = 3.5\n");
    CHECK(l.LoadError() ==
          l.project.string() + ":2: \"agent.max_iterations\" must be an integer, not a float");
  }
  SECTION("integer for a boolean") {
    WriteFile(l.project, "[publish]\nauto = 1\n");
    CHECK(l.LoadError() ==
          l.project.string() + ":2: \"publish.auto\" must be a boolean, not an integer");
  }
  SECTION("string for a list") {
    WriteFile(l.project, "[bench]\nallow = \"python3\"\n");
    CHECK(l.LoadError() ==
          l.project.string() + ":2: \"bench.allow\" must be an array of strings, not a string");
  }
  SECTION("a list holding a number") {
    WriteFile(l.project, "[bench]\nallow = [\"python3\", 7]\n");
    CHECK(l.LoadError() == l.project.string() +
                               ":2: \"bench.allow\" must be an array of strings, not an array "
                               "containing an integer");
  }
  SECTION("boolean for a duration") {
    WriteFile(l.project, "[http]\nconnect_timeout = true\n");
    CHECK(l.LoadError() == l.project.string() +
                               ":2: \"http.connect_timeout\" must be a duration like \"30s\" or "
                               "\"5m\" or a number of seconds, not a boolean");
  }
  SECTION("a date for a string") {
    WriteFile(l.project, "[publish]\nremote = 2026-01-01\n");
    CHECK(l.LoadError() ==
          l.project.string() + ":2: \"publish.remote\" must be a string, not a date");
  }
}

TEST_CASE("a value out of its range is rejected naming the range and the value") {
  Layers l;
  SECTION("integer below the minimum") {
    WriteFile(l.project, "[agent]\nmax_iterations = 0\n");
    CHECK(l.LoadError() ==
          l.project.string() + ":2: \"agent.max_iterations\" must be between 1 and 10000 (got 0)");
  }
  SECTION("number above the maximum") {
    WriteFile(l.project, "[compaction]\ntrigger_ratio = 1.5\n");
    CHECK(l.LoadError() ==
          l.project.string() +
              ":2: \"compaction.trigger_ratio\" must be between 0.1 and 1 (got 1.5)");
  }
  SECTION("duration below the minimum") {
    WriteFile(l.project, "[http]\nconnect_timeout = \"50ms\"\n");
    CHECK(l.LoadError() ==
          l.project.string() +
              ":2: \"http.connect_timeout\" must be between 100ms and 10m (got 50ms)");
  }
  SECTION("a string outside the allowed values") {
    WriteFile(l.project, "[bench]\napproval = \"maybe\"\n");
    CHECK(l.LoadError() == l.project.string() +
                               ":2: \"bench.approval\" must be one of \"ask\", \"auto\", \"deny\" "
                               "(got \"maybe\")");
  }
  SECTION("an endpoint that is not an http(s) URL") {
    WriteFile(l.project, "[github]\napi_url = \"ftp://example.com\"\n");
    CHECK(l.LoadError() == l.project.string() +
                               ":2: \"github.api_url\" must be an http:// or https:// URL (got "
                               "\"ftp://example.com\")");
  }
  SECTION("a cron schedule without five fields") {
    WriteFile(l.project, "[sweep]\nschedule = \"0 6 * *\"\n");
    CHECK(l.LoadError() == l.project.string() +
                               ":2: \"sweep.schedule\" must be a cron schedule of 5 fields like "
                               "\"0 6 * * *\" (got \"0 6 * *\")");
  }
  SECTION("a fallback that is not provider:model") {
    WriteFile(l.project, "[providers]\nfallback = [\"openai:gpt-4.1\", \"gemini\"]\n");
    CHECK(l.LoadError() == l.project.string() +
                               ":2: \"providers.fallback\" must list \"provider:model\" pairs with "
                               "provider openai or anthropic (got \"gemini\")");
  }
  SECTION("a duration that does not parse") {
    WriteFile(l.project, "[sweep]\nsince = \"5 minutes\"\n");
    CHECK(l.LoadError() == l.project.string() +
                               ":2: \"sweep.since\" must be a duration like \"30s\" or \"5m\" or a "
                               "number of seconds (got \"5 minutes\")");
  }
}

TEST_CASE("of several problems in a file the first by line is reported") {
  Layers l;
  WriteFile(l.project, "[sweep]\nlimit = 0\n[agent]\nmax_iterations = \"x\"\n[bench]\nzzz = 1\n");
  CHECK(l.LoadError() ==
        l.project.string() + ":2: \"sweep.limit\" must be between 1 and 1000 (got 0)");
}

TEST_CASE("a TOML syntax error names file, line and column") {
  Layers l;
  WriteFile(l.system, "# c\n[agent]\nmax_iterations = = 3\n");
  CHECK(l.LoadError() == l.system.string() +
                             ":3:18: invalid TOML: error while parsing value: could not "
                             "determine value type");
}

TEST_CASE("a layer path that is a directory is an error naming it") {
  Layers l;
  std::filesystem::create_directories(l.project);
  CHECK(l.LoadError() == "reading " + l.project.string() + ": it is a directory");
}

TEST_CASE("file values of every type are read into the typed config") {
  Layers l;
  WriteFile(l.project,
            "prompts_dir = \"prompts\"\n"
            "[providers]\ndefault = \"anthropic\"\nfallback = [\"openai:gpt-4.1-mini\"]\n"
            "[providers.anthropic]\nprompt_cache = false\n"
            "[agent]\nbudget_usd = 3\nbudget_tokens = 5000000000\n"
            "[http]\nconnect_timeout = 2.5\ntotal_timeout = \"1h30m\"\nca_file = \"~/ca.pem\"\n"
            "[sweep]\ntopics = []\n");
  Config cfg = l.Load();
  CHECK(cfg.prompts_dir == l.dir / "work/prompts");  // relative to the file's folder
  CHECK(cfg.providers.default_provider == "anthropic");
  CHECK(cfg.providers.fallback == std::vector<std::string>{"openai:gpt-4.1-mini"});
  CHECK_FALSE(cfg.providers.anthropic.prompt_cache);
  CHECK(cfg.agent.budget_usd == 3.0);
  CHECK(cfg.agent.budget_tokens == 5'000'000'000LL);
  CHECK(cfg.http.connect_timeout == std::chrono::milliseconds(2500));
  CHECK(cfg.http.total_timeout == std::chrono::minutes(90));
  CHECK(cfg.http.ca_file == l.dir / "home/ca.pem");
  CHECK(cfg.sweep.topics.empty());
}

TEST_CASE("INTERN_* variables set every key, parsed to the key's type") {
  Layers l;
  l.options.env = {{"INTERN_AGENT_BUDGET_USD", "1.25"},
                   {"INTERN_PUBLISH_AUTO", "yes"},
                   {"INTERN_BENCH_ALLOW", "python3, hyperfine,,"},
                   {"INTERN_SWEEP_TOPICS", "[\"llm\", \"rag\"]"},
                   {"INTERN_SWEEP_SINCE", "3d"},
                   {"INTERN_HTTP_IDLE_TIMEOUT", "45"},
                   {"INTERN_PROMPTS_DIR", "mine"}};
  Config cfg = l.Load();
  CHECK(cfg.agent.budget_usd == 1.25);
  CHECK(cfg.publish.auto_publish);
  CHECK(cfg.bench.allow == std::vector<std::string>{"python3", "hyperfine"});
  CHECK(cfg.sweep.topics == std::vector<std::string>{"llm", "rag"});
  CHECK(cfg.sweep.since == std::chrono::hours(72));
  CHECK(cfg.http.idle_timeout == std::chrono::seconds(45));
  CHECK(cfg.prompts_dir == l.dir / "work/mine");  // relative to the working directory
  CHECK(cfg.OriginOf("publish.auto") == "env INTERN_PUBLISH_AUTO");
}

TEST_CASE("every remote endpoint has its conventional environment variable") {
  Layers l;
  l.options.env = {{"OPENAI_BASE_URL", "http://127.0.0.1:8080/v1"},
                   {"ANTHROPIC_BASE_URL", "http://127.0.0.1:8081"},
                   {"INTERN_GITHUB_API_URL", "http://127.0.0.1:8082"},
                   {"INTERN_HUB_URL", "http://127.0.0.1:8083"},
                   {"OPENAI_API_KEY", "sk-openai"},
                   {"ANTHROPIC_API_KEY", "sk-ant"},
                   {"GITHUB_TOKEN", "ghp_x"},
                   {"HF_TOKEN", "hf_x"}};
  Config cfg = l.Load();
  CHECK(cfg.providers.openai.base_url == "http://127.0.0.1:8080/v1");
  CHECK(cfg.providers.anthropic.base_url == "http://127.0.0.1:8081");
  CHECK(cfg.github.api_url == "http://127.0.0.1:8082");
  CHECK(cfg.hub.url == "http://127.0.0.1:8083");
  CHECK(cfg.providers.openai.api_key == "sk-openai");
  CHECK(cfg.providers.anthropic.api_key == "sk-ant");
  CHECK(cfg.github.token == "ghp_x");
  CHECK(cfg.hub.token == "hf_x");
  CHECK(cfg.OriginOf("providers.openai.base_url") == "env OPENAI_BASE_URL");
  CHECK(cfg.OriginOf("providers.anthropic.api_key") == "env ANTHROPIC_API_KEY");
  CHECK(cfg.OriginOf("github.api_url") == "env INTERN_GITHUB_API_URL");
}

TEST_CASE("the INTERN_ name of a key beats its conventional name, and empty values are unset") {
  Layers l;
  l.options.env = {{"OPENAI_API_KEY", "conventional"},
                   {"INTERN_PROVIDERS_OPENAI_API_KEY", "specific"},
                   {"ANTHROPIC_API_KEY", ""}};
  WriteFile(l.project, "[providers.anthropic]\napi_key = \"from-file\"\n");
  Config cfg = l.Load();
  CHECK(cfg.providers.openai.api_key == "specific");
  CHECK(cfg.OriginOf("providers.openai.api_key") == "env INTERN_PROVIDERS_OPENAI_API_KEY");
  CHECK(cfg.providers.anthropic.api_key == "from-file");
}

TEST_CASE("a bad environment value is rejected naming the variable") {
  Layers l;
  SECTION("not an integer") {
    l.options.env["INTERN_AGENT_MAX_ITERATIONS"] = "lots";
    CHECK(l.LoadError() ==
          "environment variable INTERN_AGENT_MAX_ITERATIONS: "
          "\"agent.max_iterations\" must be an integer (got \"lots\")");
  }
  SECTION("out of range") {
    l.options.env["INTERN_AGENT_MAX_ITERATIONS"] = "0";
    CHECK(l.LoadError() ==
          "environment variable INTERN_AGENT_MAX_ITERATIONS: "
          "\"agent.max_iterations\" must be between 1 and 10000 (got 0)");
  }
  SECTION("not a boolean") {
    l.options.env["INTERN_SANDBOX_UNSAFE_NO_SANDBOX"] = "maybe";
    CHECK(l.LoadError() ==
          "environment variable INTERN_SANDBOX_UNSAFE_NO_SANDBOX: "
          "\"sandbox.unsafe_no_sandbox\" must be true or false (got \"maybe\")");
  }
  SECTION("not a URL") {
    l.options.env["OPENAI_BASE_URL"] = "localhost:8080";
    CHECK(l.LoadError() ==
          "environment variable OPENAI_BASE_URL: \"providers.openai.base_url\" "
          "must be an http:// or https:// URL (got \"localhost:8080\")");
  }
  SECTION("not a number") {
    l.options.env["INTERN_AGENT_BUDGET_USD"] = "$5";
    CHECK(l.LoadError() ==
          "environment variable INTERN_AGENT_BUDGET_USD: \"agent.budget_usd\" "
          "must be a number (got \"$5\")");
  }
}

TEST_CASE("config flags (-c) override everything, later flags win, values are parsed like env values") {
  Layers l;
  l.options.env["INTERN_BENCH_APPROVAL"] = "deny";
  l.options.flag_overrides = {"bench.approval=auto", "agent.max_iterations=5",
                              " agent.max_iterations = 6", "bench.allow=a,b"};
  Config cfg = l.Load();
  CHECK(cfg.bench.approval == "auto");
  CHECK(cfg.agent.max_iterations == 6);
  CHECK(cfg.bench.allow == std::vector<std::string>{"a", "b"});
  CHECK(cfg.OriginOf("bench.approval") == "flag -c");
}

TEST_CASE("a bad -c flag is a usage error sentence") {
  Layers l;
  auto usage_error = [&](std::string flag) -> std::string {
    l.options.flag_overrides = {std::move(flag)};
    try {
      l.Load();
    } catch (const UsageError& e) {
      CHECK(e.exit_code() == kExitUsage);
      return e.what();
    }
    return "";
  };
  CHECK(usage_error("agent.max_iteration=5") ==
        "-c: unknown key \"agent.max_iteration\" (did you mean \"agent.max_iterations\"?)");
  CHECK(usage_error("agent.max_iterations=0") ==
        "-c: \"agent.max_iterations\" must be between 1 and 10000 (got 0)");
  CHECK(usage_error("sandbox.cgroup=v3") ==
        "-c: \"sandbox.cgroup\" must be one of \"auto\", \"v2\", \"v1\", \"none\" (got \"v3\")");
  CHECK(usage_error("agent=5") ==
        "-c: \"agent\" is a section; name one of its keys, like \"agent.max_iterations\"");
  CHECK(usage_error("sk-secret-value") == "-c expects KEY=VALUE (got an argument without \"=\")");
}

TEST_CASE("INTERN_HOME moves all state, otherwise XDG_DATA_HOME, else ~/.local/share") {
  Layers l;
  l.options.env["XDG_DATA_HOME"] = (l.dir / "data").string();
  Config cfg = l.Load();
  CHECK(cfg.home == l.dir / "data/intern");

  l.options.env["INTERN_HOME"] = (l.dir / "state").string();
  cfg = l.Load();
  CHECK(cfg.home == l.dir / "state");
  CHECK(cfg.OriginOf("home") == "env INTERN_HOME");
  CHECK(StorePath(cfg) == l.dir / "state/intern.db");
  CHECK(ReposCachePath(cfg) == l.dir / "state/repos");
  CHECK(cfg.publish.repo == l.dir / "state/site");

  l.options.env["INTERN_HOME"] = "rel/state/";
  CHECK(l.Load().home == l.dir / "work/rel/state");

  WriteFile(l.project, "[publish]\nrepo = \"/srv/site\"\n");
  CHECK(l.Load().publish.repo == "/srv/site");
}

TEST_CASE("with no home directory and no INTERN_HOME, Load says what to set") {
  LoadOptions options;
  options.system_dir.clear();
  TempDir dir;
  options.cwd = dir.path();
  try {
    Load(options);
    FAIL("Load did not throw");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "cannot choose a state directory: set INTERN_HOME (or HOME)");
  }
}

TEST_CASE("FromProcess reads this process's environment, directory and flags") {
  LoadOptions options = LoadOptions::FromProcess({"agent.max_iterations=9"});
  CHECK(options.cwd == std::filesystem::current_path());
  CHECK(options.system_dir == "/etc/intern");
  CHECK(options.flag_overrides == std::vector<std::string>{"agent.max_iterations=9"});
  const char* path = std::getenv("PATH");
  if (path) CHECK(options.env.at("PATH") == path);
}

}  // namespace
}  // namespace intern::config
