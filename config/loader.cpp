// Load(): merges the layers of DESIGN §2 into a Config, checking every value against the
// registry. Files are read whole and parsed with toml++; nothing here touches process state.
#include <fmt/format.h>
#include <pwd.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <tuple>

#include "config/config.h"
#include "config/duration.h"
#include "config/env_expand.h"
#include "config/error.h"
#include "config/registry.h"

extern char** environ;

namespace intern::config {
namespace fs = std::filesystem;
namespace {

// Sections read by their own code rather than the registry: `[[mcp.servers]]` is an array of
// tables (ReadMcpServers, beside WalkTable; its struct is in config.h).
constexpr std::array<std::string_view, 1> kStructuredSections{"mcp.servers"};

constexpr std::array<std::string_view, 14> kMcpServerKeys{
    "name",    "transport", "command",  "args",  "env",  "cwd",     "url",
    "headers", "enabled",   "approval", "allow", "deny", "timeout", "index_resources"};

std::string_view Lookup(const LoadOptions& options, std::string_view name) {
  auto it = options.env.find(name);
  return it == options.env.end() ? std::string_view() : std::string_view(it->second);
}

fs::path HomeDir(const LoadOptions& options) {
  if (!options.home.empty()) return options.home;
  return fs::path(Lookup(options, "HOME"));
}

std::string TomlTypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

// "~" and "~/x" are the home directory; other relative paths are relative to `base`.
std::string ExpandPath(const std::string& text, const fs::path& base, const fs::path& home) {
  if (text.empty()) return text;
  fs::path path;
  if ((text == "~" || text.starts_with("~/")) && !home.empty()) {
    path = home / text.substr(std::min<std::size_t>(text.size(), 2));
  } else {
    path = text;
    if (path.is_relative() && !base.empty()) path = base / path;
  }
  std::string normal = path.lexically_normal().string();
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

// A problem found in a file; the earliest one is reported.
struct Finding {
  std::size_t line;
  std::size_t column;
  std::string message;
};

// A checked value waiting to be applied once the whole file is known to be valid.
struct Pending {
  const KeySpec* spec;
  Value value;
  std::size_t line;
};

class Merger {
 public:
  explicit Merger(const LoadOptions& options) : options_(options) {}

  void ApplyFile(const fs::path& path) {
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    if (ec) throw Error(fmt::format("reading {}: {}", path.string(), ec.message()));
    if (!exists) return;
    if (fs::is_directory(path, ec)) {
      throw Error(fmt::format("reading {}: it is a directory", path.string()));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(fmt::format("reading {}: {}", path.string(), std::strerror(errno)));
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw Error(fmt::format("reading {}: {}", path.string(), std::strerror(errno)));
    toml::table root;
    try {
      root = toml::parse(text, path.string());
    } catch (const toml::parse_error& e) {
      std::string detail(e.description());
      if (!detail.empty())
        detail[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(detail[0])));
      throw Error(fmt::format("{}:{}:{}: invalid TOML: {}", path.string(), e.source().begin.line,
                              e.source().begin.column, detail));
    }
    file_ = path.string();
    base_ = path.parent_path();
    findings_.clear();
    pending_.clear();
    pending_servers_.clear();
    WalkTable(root, "");
    if (!findings_.empty()) {
      auto first = std::min_element(findings_.begin(), findings_.end(), [](auto& a, auto& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
      });
      throw Error(fmt::format("{}:{}: {}", file_, first->line, first->message));
    }
    for (Pending& p : pending_)
      Set(*p.spec, std::move(p.value), fmt::format("{}:{}", file_, p.line));
    for (McpServerConfig& server : pending_servers_) {
      auto& servers = config_.mcp.servers;
      auto same = std::ranges::find(servers, server.name, &McpServerConfig::name);
      if (same != servers.end())
        *same = std::move(server);
      else
        servers.push_back(std::move(server));
    }
  }

  void ApplyEnv() {
    for (const KeySpec& spec : Keys()) {
      for (const std::string& name : spec.env) {
        std::string_view text = Lookup(options_, name);
        if (text.empty()) continue;
        Result<Value> value = ParseText(spec, text);
        std::string problem = value ? CheckValue(spec, *value).value_or("") : value.message();
        if (!problem.empty()) {
          throw Error(fmt::format("environment variable {}: \"{}\" {}", name, spec.path, problem));
        }
        Set(spec, Resolve(spec, std::move(*value), options_.cwd), "env " + name);
      }
    }
  }

  void ApplyFlags() {
    for (const std::string& flag : options_.flag_overrides) {
      auto equals = flag.find('=');
      if (equals == std::string::npos) {
        throw UsageError("-c expects KEY=VALUE (got an argument without \"=\")");
      }
      std::string key = flag.substr(0, equals);
      key.erase(0, key.find_first_not_of(" \t"));
      key.erase(key.find_last_not_of(" \t") + 1);
      const KeySpec* spec = FindKey(key);
      if (key.starts_with("mcp.servers")) {
        throw UsageError(
            "-c cannot set [[mcp.servers]]; describe the server in a config file (see `intern "
            "config path`)");
      }
      if (!spec && IsSection(key)) {
        throw UsageError(fmt::format("-c: \"{}\" is a section; name one of its keys, like \"{}\"",
                                     key, FirstKeyIn(key)));
      }
      if (!spec) throw UsageError("-c: " + UnknownKey(key, false));
      Result<Value> value = ParseText(*spec, std::string_view(flag).substr(equals + 1));
      std::string problem = value ? CheckValue(*spec, *value).value_or("") : value.message();
      if (!problem.empty()) throw UsageError(fmt::format("-c: \"{}\" {}", spec->path, problem));
      Set(*spec, Resolve(*spec, std::move(*value), options_.cwd), "flag -c");
    }
  }

  Config Finish() && {
    if (config_.home.empty()) {
      fs::path data_home(Lookup(options_, "XDG_DATA_HOME"));
      fs::path home = HomeDir(options_);
      if (data_home.is_absolute()) {
        config_.home = data_home / "intern";
      } else if (!home.empty()) {
        config_.home = home / ".local/share/intern";
      } else {
        throw Error("cannot choose a state directory: set INTERN_HOME (or HOME)");
      }
    }
    if (config_.publish.repo.empty()) config_.publish.repo = config_.home / "site";
    return std::move(config_);
  }

 private:
  void Set(const KeySpec& spec, Value value, std::string origin) {
    spec.set(config_, value);
    config_.origins.insert_or_assign(spec.path, std::move(origin));
  }

  Value Resolve(const KeySpec& spec, Value value, const fs::path& base) const {
    if (spec.type == KeyType::kPath) {
      return ExpandPath(std::get<std::string>(value), base, HomeDir(options_));
    }
    return value;
  }

  static std::string FirstKeyIn(const std::string& section) {
    for (const KeySpec& spec : Keys()) {
      if (spec.path.starts_with(section + ".")) return spec.path;
    }
    return section;
  }

  static std::string UnknownKey(const std::string& path, bool is_table) {
    std::string suggestion = SuggestKey(path, is_table);
    if (suggestion.empty() || suggestion == path) suggestion = SuggestKey(path, !is_table);
    if (suggestion == path) suggestion.clear();
    std::string what = is_table ? "section" : "key";
    if (suggestion.empty()) return fmt::format("unknown {} \"{}\"", what, path);
    return fmt::format("unknown {} \"{}\" (did you mean \"{}\"?)", what, path, suggestion);
  }

  void Find(const toml::node& node, std::string message) {
    findings_.push_back({node.source().begin.line, node.source().begin.column, std::move(message)});
  }

  void WalkTable(const toml::table& table, const std::string& prefix) {
    for (const auto& [key, node] : table) {
      std::string path =
          prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      if (const KeySpec* spec = FindKey(path)) {
        ReadValue(*spec, node);
      } else if (IsSection(path)) {
        if (const toml::table* sub = node.as_table()) {
          WalkTable(*sub, path);
        } else {
          Find(node,
               fmt::format("\"{}\" must be a table of keys, not {}", path, TomlTypeName(node)));
        }
      } else if (std::ranges::find(kStructuredSections, path) != kStructuredSections.end()) {
        ReadMcpServers(node);
      } else {
        Find(node, UnknownKey(path, node.is_table()));
      }
    }
  }

  // `[[mcp.servers]]`: every entry is checked whole; findings name the entry's key as
  // "mcp.servers.KEY" so the file:line prefix points at the offending line.
  void ReadMcpServers(const toml::node& node) {
    const toml::array* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      Find(node, fmt::format("\"mcp.servers\" must be an array of tables ([[mcp.servers]]), not {}",
                             TomlTypeName(node)));
      return;
    }
    std::vector<std::string> names;
    for (const toml::node& item : *array) {
      std::optional<McpServerConfig> server = ReadMcpServer(*item.as_table());
      if (!server) continue;
      if (std::ranges::find(names, server->name) != names.end()) {
        Find(item, fmt::format("two [[mcp.servers]] entries are named \"{}\"", server->name));
        continue;
      }
      names.push_back(server->name);
      pending_servers_.push_back(std::move(*server));
    }
  }

  std::optional<McpServerConfig> ReadMcpServer(const toml::table& table) {
    McpServerConfig server;
    server.origin = fmt::format("{}:{}", file_, table.source().begin.line);
    std::size_t before = findings_.size();
    auto key_path = [](std::string_view key) { return fmt::format("mcp.servers.{}", key); };
    auto read_string = [&](std::string_view key, std::string& out) {
      const toml::node* n = table.get(key);
      if (n == nullptr) return;
      if (n->is_string())
        out = n->as_string()->get();
      else
        Find(*n, fmt::format("\"{}\" must be a string, not {}", key_path(key), TomlTypeName(*n)));
    };
    auto read_list = [&](std::string_view key, std::vector<std::string>& out) {
      const toml::node* n = table.get(key);
      if (n == nullptr) return;
      const toml::array* items = n->as_array();
      bool ok = items != nullptr;
      for (std::size_t i = 0; ok && i < items->size(); ++i) ok = (*items)[i].is_string();
      if (!ok) {
        Find(*n, fmt::format("\"{}\" must be an array of strings, not {}", key_path(key),
                             items ? "an array containing other values" : TomlTypeName(*n)));
        return;
      }
      for (const toml::node& item : *items) out.push_back(item.as_string()->get());
    };
    auto read_map = [&](std::string_view key, std::map<std::string, std::string>& out) {
      const toml::node* n = table.get(key);
      if (n == nullptr) return;
      const toml::table* entries = n->as_table();
      bool ok = entries != nullptr;
      if (ok)
        for (const auto& [k, v] : *entries) ok = ok && v.is_string();
      if (!ok) {
        Find(*n, fmt::format("\"{}\" must be a table of strings ({} = {{ NAME = \"value\" }}), "
                             "not {}",
                             key_path(key), key,
                             entries ? "a table with other values" : TomlTypeName(*n)));
        return;
      }
      for (const auto& [k, v] : *entries) out[std::string(k.str())] = v.as_string()->get();
    };

    for (const auto& [key, value] : table) {
      if (std::ranges::find(kMcpServerKeys, key.str()) != kMcpServerKeys.end()) continue;
      std::string suggestion;
      for (std::string_view known : kMcpServerKeys) {
        std::size_t common = 0;
        while (common < known.size() && common < key.str().size() &&
               known[common] == key.str()[common])
          ++common;
        if (common >= 3) suggestion = known;
      }
      Find(value, suggestion.empty()
                      ? fmt::format("unknown key \"{}\" in [[mcp.servers]]", key_path(key.str()))
                      : fmt::format("unknown key \"{}\" in [[mcp.servers]] (did you mean \"{}\"?)",
                                    key_path(key.str()), suggestion));
    }

    auto read_bool = [&](std::string_view key, bool& out) {
      const toml::node* n = table.get(key);
      if (n == nullptr) return;
      if (n->is_boolean())
        out = n->as_boolean()->get();
      else
        Find(*n, fmt::format("\"{}\" must be a boolean, not {}", key_path(key), TomlTypeName(*n)));
    };
    read_bool("enabled", server.enabled);
    read_bool("index_resources", server.index_resources);
    // ${NAME} references (config/env_expand.h), in the entry of an enabled server only: a
    // disabled one may name variables this shell does not set.
    auto expand = [&](std::string_view key, std::string& value, std::string_view entry = "") {
      if (!server.enabled) return;
      Result<std::string> expanded = ExpandEnvReferences(value, options_.env);
      if (expanded.ok()) {
        value = std::move(expanded.value());
        return;
      }
      Find(*table.get(key), fmt::format("\"{}{}{}\" of MCP server \"{}\": {}", key_path(key),
                                        entry.empty() ? "" : ".", entry, server.name,
                                        expanded.message()));
    };
    read_string("name", server.name);
    read_string("transport", server.transport);
    read_string("command", server.command);
    expand("command", server.command);
    read_list("args", server.args);
    for (std::string& arg : server.args) expand("args", arg);
    read_map("env", server.env);
    for (auto& [name, value] : server.env) expand("env", value, name);
    std::string cwd;
    read_string("cwd", cwd);
    expand("cwd", cwd);
    if (!cwd.empty()) server.cwd = ExpandPath(cwd, base_, HomeDir(options_));
    read_string("url", server.url);
    expand("url", server.url);
    read_map("headers", server.headers);
    for (auto& [name, value] : server.headers) expand("headers", value, name);
    read_string("approval", server.approval);
    read_list("allow", server.allow);
    read_list("deny", server.deny);
    if (const toml::node* n = table.get("timeout")) {
      KeySpec timeout_spec;
      timeout_spec.path = "mcp.servers.timeout";
      timeout_spec.type = KeyType::kDuration;
      if (std::optional<Value> v = ReadDuration(timeout_spec, *n)) {
        auto ms = std::get<std::chrono::milliseconds>(*v);
        if (ms < std::chrono::milliseconds(100) || ms > std::chrono::hours(1))
          Find(*n, fmt::format("\"mcp.servers.timeout\" must be between 100ms and 1h (got {})",
                               FormatValue(*v)));
        else
          server.timeout = ms;
      }
    }
    if (findings_.size() != before) return std::nullopt;

    // Checks across keys, reported at the entry's first line.
    const toml::node& at = table;
    if (server.name.empty()) {
      Find(at, "a [[mcp.servers]] entry needs a \"name\"");
      return std::nullopt;
    }
    bool name_ok = true;
    for (char c : server.name)
      name_ok = name_ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
    if (!name_ok) {
      Find(*table.get("name"),
           fmt::format("\"mcp.servers.name\" must contain only letters, digits, \"_\" and \"-\" "
                       "(got \"{}\")",
                       server.name));
      return std::nullopt;
    }
    if (server.transport.empty()) server.transport = server.url.empty() ? "stdio" : "http";
    if (server.transport != "stdio" && server.transport != "http") {
      Find(*table.get("transport"),
           fmt::format("\"mcp.servers.transport\" must be one of \"stdio\", \"http\" (got \"{}\")",
                       server.transport));
      return std::nullopt;
    }
    if (server.approval != "ask" && server.approval != "read" && server.approval != "deny") {
      Find(*table.get("approval"),
           fmt::format("\"mcp.servers.approval\" must be one of \"ask\", \"read\", \"deny\" "
                       "(got \"{}\")",
                       server.approval));
      return std::nullopt;
    }
    if (server.transport == "stdio" && server.command.empty()) {
      Find(at, fmt::format("MCP server \"{}\" uses the stdio transport and needs a \"command\"",
                           server.name));
      return std::nullopt;
    }
    if (server.transport == "http" &&
        !server.url.starts_with("http://") && !server.url.starts_with("https://")) {
      Find(server.url.empty() ? at : *table.get("url"),
           server.url.empty()
               ? fmt::format("MCP server \"{}\" uses the http transport and needs a \"url\"",
                             server.name)
               : fmt::format("\"mcp.servers.url\" must be an http:// or https:// URL (got \"{}\")",
                             server.url));
      return std::nullopt;
    }
    return server;
  }

  void ReadValue(const KeySpec& spec, const toml::node& node) {
    auto wrong = [&](std::string detail) {
      Find(node,
           fmt::format("\"{}\" must be {}, {}", spec.path, ExpectedPhrase(spec.type), detail));
    };
    auto not_type = [&] { wrong("not " + TomlTypeName(node)); };
    std::optional<Value> value;
    switch (spec.type) {
      case KeyType::kString:
      case KeyType::kPath:
      case KeyType::kUrl:
        if (node.is_string())
          value = node.as_string()->get();
        else
          not_type();
        break;
      case KeyType::kInt:
        if (node.is_integer())
          value = node.as_integer()->get();
        else
          not_type();
        break;
      case KeyType::kDouble:
        if (node.is_number()) {
          double d = node.value<double>().value_or(0);
          if (std::isfinite(d))
            value = d;
          else
            wrong(fmt::format("not {}", d));
        } else {
          not_type();
        }
        break;
      case KeyType::kBool:
        if (node.is_boolean())
          value = node.as_boolean()->get();
        else
          not_type();
        break;
      case KeyType::kStringList:
        if (const toml::array* array = node.as_array()) {
          std::vector<std::string> items;
          for (const toml::node& item : *array) {
            if (!item.is_string()) {
              wrong("not an array containing " + TomlTypeName(item));
              return;
            }
            items.push_back(item.as_string()->get());
          }
          value = std::move(items);
        } else {
          not_type();
        }
        break;
      case KeyType::kDuration:
        value = ReadDuration(spec, node);
        if (!value) return;
        break;
    }
    if (!value) return;
    if (auto problem = CheckValue(spec, *value)) {
      Find(node, fmt::format("\"{}\" {}", spec.path, *problem));
      return;
    }
    pending_.push_back({&spec, Resolve(spec, std::move(*value), base_), node.source().begin.line});
  }

  std::optional<Value> ReadDuration(const KeySpec& spec, const toml::node& node) {
    std::optional<std::chrono::milliseconds> ms;
    std::string got;
    if (node.is_string()) {
      got = FormatValue(Value(node.as_string()->get()));
      ms = ParseDuration(node.as_string()->get());
    } else if (node.is_number()) {
      double seconds = node.value<double>().value_or(-1);
      got = node.is_integer() ? fmt::format("{}", node.as_integer()->get())
                              : fmt::format("{}", seconds);
      if (std::isfinite(seconds) && seconds >= 0 && seconds < 1e15) {
        ms = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
      }
    } else {
      Find(node, fmt::format("\"{}\" must be {}, not {}", spec.path, ExpectedPhrase(spec.type),
                             TomlTypeName(node)));
      return std::nullopt;
    }
    if (!ms) {
      Find(node,
           fmt::format("\"{}\" must be {} (got {})", spec.path, ExpectedPhrase(spec.type), got));
      return std::nullopt;
    }
    return Value(*ms);
  }

  const LoadOptions& options_;
  Config config_;
  std::string file_;
  fs::path base_;
  std::vector<Finding> findings_;
  std::vector<Pending> pending_;
  std::vector<McpServerConfig> pending_servers_;
};

}  // namespace

std::string_view Config::OriginOf(std::string_view key) const {
  auto it = origins.find(key);
  return it == origins.end() ? std::string_view("default") : std::string_view(it->second);
}

LoadOptions LoadOptions::FromProcess(std::vector<std::string> flag_overrides) {
  LoadOptions options;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    options.env.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  std::error_code ec;
  options.cwd = fs::current_path(ec);
  if (ec) throw Error("reading the working directory: " + ec.message());
  if (Lookup(options, "HOME").empty()) {
    // No HOME (a service account, a bare cron job): ask the password database.
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found &&
        found->pw_dir) {
      options.home = found->pw_dir;
    }
  }
  options.flag_overrides = std::move(flag_overrides);
  return options;
}

std::vector<LayerFile> LayerFiles(const LoadOptions& options) {
  std::vector<LayerFile> layers;
  if (!options.system_dir.empty()) layers.push_back({"system", options.system_dir / "config.toml"});
  fs::path xdg = options.xdg_config_home;
  if (xdg.empty()) {
    fs::path from_env(Lookup(options, "XDG_CONFIG_HOME"));
    if (from_env.is_absolute()) {
      xdg = from_env;
    } else if (fs::path home = HomeDir(options); !home.empty()) {
      xdg = home / ".config";
    }
  }
  if (!xdg.empty()) layers.push_back({"user", xdg / "intern" / "config.toml"});
  layers.push_back({"project", options.cwd / "intern.toml"});
  return layers;
}

Config Load(const LoadOptions& options) {
  Merger merger(options);
  for (const LayerFile& layer : LayerFiles(options)) merger.ApplyFile(layer.path);
  merger.ApplyEnv();
  merger.ApplyFlags();
  return std::move(merger).Finish();
}

fs::path StorePath(const Config& config) { return config.home / "intern.db"; }
fs::path ReposCachePath(const Config& config) { return config.home / "repos"; }
fs::path DocsIndexPath(const Config& config) { return config.home / "docs.db"; }

}  // namespace intern::config
