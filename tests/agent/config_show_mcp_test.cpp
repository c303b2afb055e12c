// `intern config show` prints each [[mcp.servers]] entry with its origin, and never the values
// of its env or headers (they often hold tokens).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/cli/cli.h"
#include "config/error.h"
#include "config/registry.h"
#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

using testing::TempDir;
using testing::WriteFile;

struct Run {
  int code;
  std::string out;
  std::string err;
};

struct Sandbox {
  TempDir dir;
  config::LoadOptions options;
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

// The lines of `out` that start with `prefix`, padding squeezed to "KEY = VALUE # ORIGIN".
std::vector<std::string> Lines(const std::string& out, const std::string& prefix) {
  std::vector<std::string> found;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(prefix)) continue;
    auto pad = line.find("   ");
    auto origin = line.find("# ");
    if (pad != std::string::npos && origin != std::string::npos) {
      line = line.substr(0, pad) + " " + line.substr(origin);
    }
    found.push_back(line);
  }
  return found;
}

constexpr const char* kServers = R"([mcp]
max_restarts = 5

[[mcp.servers]]
name = "docs"
command = "npx"
args = ["-y", "docs-server"]
env = { DOCS_TOKEN = "tok-SECRET-0001", EMPTY = "" }
approval = "read"
allow = ["search"]

[[mcp.servers]]
name = "remote"
url = "https://mcp.example.test/mcp"
headers = { Authorization = "Bearer SECRET-0002" }
enabled = false
approval = "deny"
allow = ["lookup"]
deny = ["delete", "drop"]
)";

}  // namespace

TEST_CASE("config show prints each mcp server's fields with the entry's origin, secrets masked",
          "[config][mcp]") {
  Sandbox s;
  WriteFile(s.project_file, kServers);
  Run r = s.Cli({"config", "show"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.err.empty());
  CHECK(r.out.find("SECRET") == std::string::npos);
  const std::string at4 = " # " + s.project_file.string() + ":4";
  const std::string at12 = " # " + s.project_file.string() + ":12";
  CHECK(Lines(r.out, "mcp.servers.docs.") ==
        std::vector<std::string>{
            "mcp.servers.docs.name = \"docs\"" + at4,
            "mcp.servers.docs.transport = \"stdio\"" + at4,
            "mcp.servers.docs.command = \"npx\"" + at4,
            "mcp.servers.docs.args = [\"-y\", \"docs-server\"]" + at4,
            "mcp.servers.docs.env = {DOCS_TOKEN = \"****\", EMPTY = \"\"}" + at4,
            "mcp.servers.docs.cwd = \"\"" + at4,
            "mcp.servers.docs.enabled = true" + at4,
            "mcp.servers.docs.approval = \"read\"" + at4,
            "mcp.servers.docs.allow = [\"search\"]" + at4,
            "mcp.servers.docs.deny = []" + at4,
            "mcp.servers.docs.timeout = \"1m\"" + at4,
            "mcp.servers.docs.index_resources = false" + at4,
        });
  CHECK(Lines(r.out, "mcp.servers.remote.") ==
        std::vector<std::string>{
            "mcp.servers.remote.name = \"remote\"" + at12,
            "mcp.servers.remote.transport = \"http\"" + at12,
            "mcp.servers.remote.url = \"https://mcp.example.test/mcp\"" + at12,
            "mcp.servers.remote.headers = {Authorization = \"****\"}" + at12,
            "mcp.servers.remote.enabled = false" + at12,
            "mcp.servers.remote.approval = \"deny\"" + at12,
            "mcp.servers.remote.allow = [\"lookup\"]" + at12,
            "mcp.servers.remote.deny = [\"delete\", \"drop\"]" + at12,
            "mcp.servers.remote.timeout = \"1m\"" + at12,
            "mcp.servers.remote.index_resources = false" + at12,
        });
  CHECK(Lines(r.out, "mcp.max_restarts") ==
        std::vector<std::string>{"mcp.max_restarts = 5 # " + s.project_file.string() + ":2"});
}

TEST_CASE("config show mcp.servers and one server's name select only those lines",
          "[config][mcp]") {
  Sandbox s;
  WriteFile(s.project_file, kServers);
  Run all = s.Cli({"config", "show", "mcp.servers"});
  REQUIRE(all.code == kExitOk);
  CHECK(Lines(all.out, "").size() == 22);
  CHECK(Lines(all.out, "mcp.servers.").size() == 22);

  Run one = s.Cli({"config", "show", "mcp.servers.remote.deny"});
  REQUIRE(one.code == kExitOk);
  CHECK(one.out == "mcp.servers.remote.deny = [\"delete\", \"drop\"]   # " +
                       s.project_file.string() + ":12\n");

  Run section = s.Cli({"config", "show", "mcp"});
  REQUIRE(section.code == kExitOk);
  CHECK(Lines(section.out, "mcp.servers.").size() == 22);
  CHECK(Lines(section.out, "mcp.max_restarts").size() == 1);

  Run none = s.Cli({"config", "show", "mcp.servers.nosuch"});
  CHECK(none.code == kExitUsage);
  CHECK(none.err == "intern: no config key is named \"mcp.servers.nosuch\" or lies under it\n");

  Sandbox empty;
  Run no_servers = empty.Cli({"config", "show", "mcp.servers"});
  CHECK(no_servers.code == kExitOk);
  CHECK(no_servers.out == "");
}

TEST_CASE("config show --json gives each mcp server as one entry, env and headers masked",
          "[config][mcp]") {
  Sandbox s;
  WriteFile(s.project_file, kServers);
  Run r = s.Cli({"config", "show", "--json"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.out.find("SECRET") == std::string::npos);
  nlohmann::json doc = nlohmann::json::parse(r.out);
  CHECK(doc.size() == config::Keys().size() + 2);
  CHECK(doc["mcp.servers.docs"]["origin"] == s.project_file.string() + ":4");
  CHECK(doc["mcp.servers.docs"]["value"] == nlohmann::json::parse(R"({
    "name": "docs", "transport": "stdio", "command": "npx", "args": ["-y", "docs-server"],
    "env": {"DOCS_TOKEN": "****", "EMPTY": ""}, "cwd": "", "enabled": true, "approval": "read",
    "allow": ["search"], "deny": [], "timeout": "1m", "index_resources": false})"));
  CHECK(doc["mcp.servers.remote"]["value"]["headers"] == nlohmann::json{{"Authorization", "****"}});
  CHECK(doc["mcp.servers.remote"]["value"]["url"] == "https://mcp.example.test/mcp");
  CHECK(doc["mcp.servers.remote"]["value"]["enabled"] == false);
}

}  // namespace intern::agent
