// config/default.toml and the `intern config init` template, rendered from the registry.
#include <fmt/format.h>

#include "config/duration.h"
#include "config/registry.h"

namespace intern::config {
namespace {

constexpr std::size_t kWidth = 98;

// [[mcp.servers]] is an array of tables read by its own code (loader.cpp), so it is shown as a
// commented example rather than rendered from the registry.
constexpr std::string_view kMcpServersExample = R"(
# MCP servers, one [[mcp.servers]] entry each (none by default). Their tools appear as
# "NAME.TOOL" and are asked about before each call unless approval says otherwise. In command,
# args, env, cwd, url and headers, ${NAME} is the environment variable NAME (an error when unset),
# ${NAME:-DEFAULT} falls back to DEFAULT, and $$ is a "$": tokens stay out of the file.
#
# [[mcp.servers]]
# name = "everything"        # letters, digits, "_" and "-"
# transport = "stdio"        # "stdio" (a command) or "http" (Streamable HTTP at a url)
# command = "node"           # stdio: the program, found in PATH
# args = ["server.js", "stdio"]
# env = { GITHUB_TOKEN = "${GITHUB_TOKEN}" }  # stdio: all it gets of intern's environment
#                            # besides HOME, PATH, USER, LOGNAME, SHELL, TERM, LANG, LC_*, TZ, TMPDIR
# cwd = "~/mcp"              # stdio: working directory (default: intern's)
# url = "https://mcp.example.com/mcp"        # http: the endpoint
# headers = { Authorization = "Bearer ${MCP_TOKEN}" }  # http: sent with every request
# enabled = true
# approval = "ask"           # "ask" (default), "read" (runs freely), "deny" (only `allow` offered)
# allow = ["echo"]           # tools that run without asking
# deny = ["delete-all"]      # tools never offered to the model
# timeout = "60s"            # per tool call and resource read
# index_resources = false    # put its text resources into the document index (doc_search)
)";

// Appends `text` as comment lines of at most kWidth columns.
void Comment(std::string& out, std::string_view text) {
  std::string line = "#";
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto space = text.find(' ', pos);
    if (space == std::string_view::npos) space = text.size();
    std::string_view word = text.substr(pos, space - pos);
    if (line.size() > 1 && line.size() + 1 + word.size() > kWidth) {
      out += line + "\n";
      line = "#";
    }
    line += " ";
    line += word;
    pos = space + 1;
  }
  out += line + "\n";
}

std::string_view Parent(std::string_view path) {
  auto dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : path.substr(0, dot);
}

std::string Bound(KeyType type, double bound) {
  if (type == KeyType::kDuration)
    return FormatDuration(std::chrono::milliseconds(static_cast<std::int64_t>(bound)));
  if (type == KeyType::kInt) return fmt::format("{}", static_cast<std::int64_t>(bound));
  return fmt::format("{}", bound);
}

// "Range 1 to 10000. Env: INTERN_AGENT_MAX_ITERATIONS."
std::string Facts(const KeySpec& spec) {
  std::string facts;
  if (spec.min && spec.max) {
    facts +=
        fmt::format("Range {} to {}. ", Bound(spec.type, *spec.min), Bound(spec.type, *spec.max));
  }
  if (!spec.allowed.empty()) {
    std::string choices;
    for (const std::string& a : spec.allowed) {
      choices += (choices.empty() ? "" : ", ") + FormatValue(Value(a));
    }
    facts += "One of " + choices + ". ";
  }
  facts += "Env:";
  for (std::size_t i = 0; i < spec.env.size(); ++i) facts += (i ? ", " : " ") + spec.env[i];
  return facts + ".";
}

}  // namespace

std::string RenderConfigFile(bool commented_out) {
  std::string out;
  if (commented_out) {
    Comment(out,
            "intern user configuration. Every key is shown with its default, commented out: "
            "uncomment a line to change it. `intern config show` prints the merged values and "
            "where each came from.");
  } else {
    Comment(out,
            "intern configuration: every key with its default. Generated from "
            "config/registry.cpp; tests/config/default_toml_test.cpp fails when the two differ.");
  }
  out += "#\n";
  Comment(out,
          "Layers, lowest first: these defaults, /etc/intern/config.toml, "
          "$XDG_CONFIG_HOME/intern/config.toml (default ~/.config/intern/config.toml), "
          "./intern.toml, the environment, then `-c KEY=VALUE` flags. Every key can be set "
          "from the environment as INTERN_<SECTION>_<KEY> (INTERN_AGENT_MAX_ITERATIONS); "
          "where a key has other names they are listed, lowest precedence first. Empty "
          "environment variables count as unset. Secrets are best kept in the environment.");
  const std::string prefix = commented_out ? "# " : "";
  for (const SectionSpec& section : Sections()) {
    out += "\n";
    Comment(out, section.doc);
    if (!section.name.empty()) out += "[" + section.name + "]\n";
    for (const KeySpec& spec : Keys()) {
      if (Parent(spec.path) != section.name) continue;
      std::string_view name =
          std::string_view(spec.path).substr(section.name.empty() ? 0 : section.name.size() + 1);
      out += "\n";
      Comment(out, spec.doc + ". " + Facts(spec));
      out += fmt::format("{}{} = {}\n", prefix, name, FormatValue(spec.default_value));
    }
    if (section.name == "mcp") out += kMcpServersExample;
  }
  return out;
}

}  // namespace intern::config
