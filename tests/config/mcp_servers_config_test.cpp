// [[mcp.servers]]: the one array of tables in the config, read by its own code in loader.cpp.
#include <catch2/catch.hpp>

#include "config/config.h"
#include "config/error.h"
#include "tests/config/temp_dir.h"

namespace intern::config {
namespace {

using testing::TempDir;
using testing::WriteFile;

struct Files {
  TempDir dir;
  std::filesystem::path user = dir / "xdg/intern/config.toml";
  std::filesystem::path project = dir / "work/intern.toml";
  LoadOptions options;
  Files() {
    options.system_dir = dir / "etc/intern";
    options.xdg_config_home = dir / "xdg";
    options.cwd = dir / "work";
    options.home = dir / "home";
  }
  std::string LoadError() const {
    try {
      Load(options);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
};

TEST_CASE("[[mcp.servers]] entries are read in file order with their defaults and origin",
          "[mcp]") {
  Files f;
  WriteFile(f.project,
            "[mcp]\nmax_restarts = 5\n\n"
            "[[mcp.servers]]\nname = \"search\"\ncommand = \"node\"\nargs = [\"s.js\", \"stdio\"]\n"
            "env = { TOKEN = \"abc\" }\nallow = [\"query\"]\ntimeout = \"90s\"\n\n"
            "[[mcp.servers]]\nname = \"wiki\"\nurl = \"https://wiki.example/mcp\"\n"
            "headers = { Authorization = \"Bearer t\" }\napproval = \"read\"\nenabled = false\n"
            "index_resources = true\n");
  Config cfg = Load(f.options);
  CHECK(cfg.mcp.max_restarts == 5);
  CHECK(cfg.mcp.max_message_kb == 4096);
  REQUIRE(cfg.mcp.servers.size() == 2);
  const McpServerConfig& search = cfg.mcp.servers[0];
  CHECK(search.name == "search");
  CHECK(search.transport == "stdio");
  CHECK(search.args == std::vector<std::string>{"s.js", "stdio"});
  CHECK(search.env == std::map<std::string, std::string>{{"TOKEN", "abc"}});
  CHECK(search.approval == "ask");
  CHECK(search.allow == std::vector<std::string>{"query"});
  CHECK(search.timeout == std::chrono::seconds(90));
  CHECK(search.enabled);
  CHECK(search.origin == f.project.string() + ":4");
  const McpServerConfig& wiki = cfg.mcp.servers[1];
  CHECK(wiki.transport == "http");
  CHECK(wiki.headers.at("Authorization") == "Bearer t");
  CHECK(wiki.approval == "read");
  CHECK_FALSE(wiki.enabled);
  CHECK(wiki.index_resources);
  CHECK_FALSE(search.index_resources);
  CHECK(wiki.timeout == std::chrono::seconds(60));
}

TEST_CASE("[[mcp.servers]] values take ${NAME} from the environment, so tokens stay out of the "
          "file",
          "[mcp]") {
  Files f;
  f.options.env = {{"MCP_TOKEN", "tok-123"}, {"MCP_HOST", "wiki.example"}, {"TOOLS", "/opt/t"}};
  WriteFile(f.project,
            "[[mcp.servers]]\nname = \"search\"\ncommand = \"${TOOLS}/bin/node\"\n"
            "args = [\"s.js\", \"--key=${MCP_TOKEN}\", \"$$literal\"]\n"
            "env = { TOKEN = \"${MCP_TOKEN}\", LEVEL = \"${LOG_LEVEL:-warn}\" }\n"
            "cwd = \"${TOOLS}/work\"\n\n"
            "[[mcp.servers]]\nname = \"wiki\"\nurl = \"https://${MCP_HOST}/mcp\"\n"
            "headers = { Authorization = \"Bearer ${MCP_TOKEN}\" }\n");
  Config cfg = Load(f.options);
  REQUIRE(cfg.mcp.servers.size() == 2);
  const McpServerConfig& search = cfg.mcp.servers[0];
  CHECK(search.command == "/opt/t/bin/node");
  CHECK(search.args == std::vector<std::string>{"s.js", "--key=tok-123", "$literal"});
  CHECK(search.env == std::map<std::string, std::string>{{"LEVEL", "warn"}, {"TOKEN", "tok-123"}});
  CHECK(search.cwd == std::filesystem::path("/opt/t/work"));
  const McpServerConfig& wiki = cfg.mcp.servers[1];
  CHECK(wiki.url == "https://wiki.example/mcp");
  CHECK(wiki.headers.at("Authorization") == "Bearer tok-123");
}

TEST_CASE("an unset ${NAME} in an enabled MCP server is a config error naming the key and the fix, "
          "a disabled server's is not read",
          "[mcp]") {
  Files f;
  WriteFile(f.project,
            "[[mcp.servers]]\nname = \"off\"\nurl = \"https://a.example/mcp\"\nenabled = false\n"
            "headers = { Authorization = \"Bearer ${NOT_SET_EITHER}\" }\n\n"
            "[[mcp.servers]]\nname = \"wiki\"\nurl = \"https://b.example/mcp\"\n"
            "headers = { Authorization = \"Bearer ${GITHUB_TOKEN}\" }\n");
  const std::string error = f.LoadError();
  CHECK(error.find(f.project.string() + ":10") != std::string::npos);
  CHECK(error.find("\"mcp.servers.headers.Authorization\" of MCP server \"wiki\": "
                   "${GITHUB_TOKEN} is not set in the environment; export GITHUB_TOKEN or write "
                   "${GITHUB_TOKEN:-DEFAULT}") != std::string::npos);
  CHECK(error.find("NOT_SET_EITHER") == std::string::npos);

  f.options.env = {{"GITHUB_TOKEN", "ghp_x"}};
  Config cfg = Load(f.options);
  REQUIRE(cfg.mcp.servers.size() == 2);
  CHECK(cfg.mcp.servers[0].headers.at("Authorization") == "Bearer ${NOT_SET_EITHER}");
  CHECK(cfg.mcp.servers[1].headers.at("Authorization") == "Bearer ghp_x");
}

TEST_CASE("a later layer's MCP server of the same name replaces the earlier one whole", "[mcp]") {
  Files f;
  WriteFile(f.user, "[[mcp.servers]]\nname = \"a\"\ncommand = \"one\"\nallow = [\"x\"]\n"
                    "[[mcp.servers]]\nname = \"b\"\ncommand = \"two\"\n");
  WriteFile(f.project, "[[mcp.servers]]\nname = \"a\"\ncommand = \"three\"\n");
  Config cfg = Load(f.options);
  REQUIRE(cfg.mcp.servers.size() == 2);
  CHECK(cfg.mcp.servers[0].command == "three");
  CHECK(cfg.mcp.servers[0].allow.empty());
  CHECK(cfg.mcp.servers[1].command == "two");
}

TEST_CASE("mistakes in [[mcp.servers]] are named with file, line and key", "[mcp]") {
  Files f;
  const std::string file = f.project.string();
  SECTION("an unknown key, with a suggestion") {
    WriteFile(f.project, "[[mcp.servers]]\nname = \"a\"\ncommand = \"x\"\nallowed = [\"y\"]\n");
    CHECK(f.LoadError() == file + ":4: unknown key \"mcp.servers.allowed\" in [[mcp.servers]] "
                                  "(did you mean \"allow\"?)");
  }
  SECTION("a wrong type") {
    WriteFile(f.project, "[[mcp.servers]]\nname = \"a\"\ncommand = \"x\"\nargs = \"--stdio\"\n");
    CHECK(f.LoadError() ==
          file + ":4: \"mcp.servers.args\" must be an array of strings, not a string");
  }
  SECTION("no name") {
    WriteFile(f.project, "\n[[mcp.servers]]\ncommand = \"x\"\n");
    CHECK(f.LoadError() == file + ":2: a [[mcp.servers]] entry needs a \"name\"");
  }
  SECTION("a name that cannot be part of a tool name") {
    WriteFile(f.project, "[[mcp.servers]]\nname = \"my.server\"\ncommand = \"x\"\n");
    CHECK(f.LoadError() == file + ":2: \"mcp.servers.name\" must contain only letters, digits, "
                                  "\"_\" and \"-\" (got \"my.server\")");
  }
  SECTION("a stdio server without a command") {
    WriteFile(f.project, "[[mcp.servers]]\nname = \"a\"\ntransport = \"stdio\"\n");
    CHECK(f.LoadError() ==
          file + ":1: MCP server \"a\" uses the stdio transport and needs a \"command\"");
  }
  SECTION("an http server with a bad url") {
    WriteFile(f.project, "[[mcp.servers]]\nname = \"a\"\ntransport = \"http\"\nurl = \"ftp://x\"\n");
    CHECK(f.LoadError() ==
          file + ":4: \"mcp.servers.url\" must be an http:// or https:// URL (got \"ftp://x\")");
  }
  SECTION("an approval class that does not exist") {
    WriteFile(f.project, "[[mcp.servers]]\nname = \"a\"\ncommand = \"x\"\napproval = \"auto\"\n");
    CHECK(f.LoadError() == file + ":4: \"mcp.servers.approval\" must be one of \"ask\", \"read\", "
                                  "\"deny\" (got \"auto\")");
  }
  SECTION("two entries with one name") {
    WriteFile(f.project, "[[mcp.servers]]\nname = \"a\"\ncommand = \"x\"\n"
                         "[[mcp.servers]]\nname = \"a\"\ncommand = \"y\"\n");
    CHECK(f.LoadError() == file + ":4: two [[mcp.servers]] entries are named \"a\"");
  }
  SECTION("a table instead of an array of tables") {
    WriteFile(f.project, "[mcp.servers]\nname = \"a\"\n");
    CHECK(f.LoadError() == file + ":1: \"mcp.servers\" must be an array of tables "
                                  "([[mcp.servers]]), not a table");
  }
}

TEST_CASE("a -c flag cannot set [[mcp.servers]] and says where servers belong", "[mcp]") {
  Files f;
  f.options.flag_overrides = {"mcp.servers.name=x"};
  CHECK(f.LoadError() == "-c cannot set [[mcp.servers]]; describe the server in a config file "
                         "(see `intern config path`)");
}

}  // namespace
}  // namespace intern::config
