// `intern config show|path|init`, and LoadConfig (the lazily loaded config of one run).
#include <fmt/format.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "agent/cli/cli.h"
#include "config/duration.h"
#include "config/error.h"
#include "config/registry.h"

namespace intern::agent {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kMasked = "****";

config::LoadOptions Options(const CliContext& ctx) {
  config::LoadOptions options =
      ctx.load_options ? *ctx.load_options : config::LoadOptions::FromProcess({});
  options.flag_overrides = ctx.config_overrides;
  return options;
}

bool IsSet(const config::Value& value) {
  auto* text = std::get_if<std::string>(&value);
  return !text || !text->empty();
}

// A secret is shown only as whether it is set; its value never reaches the output.
std::string ShownText(const config::KeySpec& spec, const config::Value& value) {
  if (spec.secret) return config::FormatValue(std::string(IsSet(value) ? kMasked : ""));
  return config::FormatValue(value);
}

nlohmann::ordered_json ShownJson(const config::KeySpec& spec, const config::Value& value) {
  if (spec.secret) return IsSet(value) ? std::string(kMasked) : std::string();
  struct Visitor {
    nlohmann::ordered_json operator()(bool b) const { return b; }
    nlohmann::ordered_json operator()(std::int64_t i) const { return i; }
    nlohmann::ordered_json operator()(double d) const { return d; }
    nlohmann::ordered_json operator()(const std::string& s) const { return s; }
    nlohmann::ordered_json operator()(const std::vector<std::string>& l) const { return l; }
    nlohmann::ordered_json operator()(std::chrono::milliseconds ms) const {
      return config::FormatDuration(ms);
    }
  };
  return std::visit(Visitor{}, value);
}

// True when `key` is `prefix` or lies under it ("agent" holds "agent.max_iterations").
bool Under(const std::string& key, const std::string& prefix) {
  return prefix.empty() || key == prefix ||
         (key.size() > prefix.size() && key.starts_with(prefix) && key[prefix.size()] == '.');
}

constexpr std::string_view kServers = "mcp.servers";

// True when `config show PREFIX` should show the [[mcp.servers]] entry at `path`
// ("mcp.servers.NAME"): the prefix holds it, or names one of its fields.
bool ServerSelected(const std::string& path, const std::string& prefix) {
  return Under(path, prefix) || Under(prefix, path);
}

// A map whose values may hold tokens (env, headers): the names stay, the values never print.
nlohmann::ordered_json MaskedMap(const std::map<std::string, std::string>& values) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, value] : values) out[name] = value.empty() ? "" : std::string(kMasked);
  return out;
}

// The fields of one [[mcp.servers]] entry as `config show` prints them: the ones its transport
// uses, then the policy.
nlohmann::ordered_json ServerFields(const config::McpServerConfig& server) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["name"] = server.name;
  out["transport"] = server.transport;
  if (server.transport == "http") {
    out["url"] = server.url;
    out["headers"] = MaskedMap(server.headers);
  } else {
    out["command"] = server.command;
    out["args"] = server.args;
    out["env"] = MaskedMap(server.env);
    out["cwd"] = server.cwd.string();
  }
  out["enabled"] = server.enabled;
  out["approval"] = server.approval;
  out["allow"] = server.allow;
  out["deny"] = server.deny;
  out["timeout"] = config::FormatDuration(server.timeout);
  out["index_resources"] = server.index_resources;
  return out;
}

// A field value as TOML-like text ("x", ["a", "b"], {K = "****"}).
std::string ServerFieldText(const nlohmann::ordered_json& value) {
  if (value.is_object()) {
    std::string out = "{";
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (out.size() > 1) out += ", ";
      out += it.key() + " = " + config::FormatValue(it->get<std::string>());
    }
    return out + "}";
  }
  if (value.is_array()) return config::FormatValue(value.get<std::vector<std::string>>());
  if (value.is_boolean()) return config::FormatValue(value.get<bool>());
  return config::FormatValue(value.get<std::string>());
}

// The keys `config show PREFIX` prints; a prefix matching nothing is a usage error (but
// "mcp.servers" is always a section, even with no server configured).
std::vector<const config::KeySpec*> Selected(const std::string& prefix, const config::Config* cfg) {
  std::vector<const config::KeySpec*> keys;
  for (const config::KeySpec& spec : config::Keys()) {
    if (Under(spec.path, prefix)) keys.push_back(&spec);
  }
  bool servers = prefix == kServers;
  if (cfg != nullptr && !servers) {
    for (const config::McpServerConfig& server : cfg->mcp.servers) {
      servers = servers || ServerSelected(fmt::format("{}.{}", kServers, server.name), prefix);
    }
  }
  if (keys.empty() && !servers) {
    std::string suggestion = config::SuggestKey(prefix, true);
    if (suggestion.empty()) suggestion = config::SuggestKey(prefix, false);
    throw UsageError(suggestion.empty()
                         ? fmt::format("no config key is named \"{}\" or lies under it", prefix)
                         : fmt::format("no config key is named \"{}\" or lies under it (did you "
                                       "mean \"{}\"?)",
                                       prefix, suggestion));
  }
  return keys;
}

void Show(CliContext& ctx, const std::string& prefix, bool json) {
  // Checked before loading, so a misspelt key is a usage error even with a broken config file;
  // a prefix under mcp.servers is checked again once the servers are known.
  bool about_servers = Under(prefix, std::string(kServers)) && !prefix.empty();
  if (!about_servers) Selected(prefix, nullptr);
  const config::Config& cfg = LoadConfig(ctx);
  std::vector<const config::KeySpec*> keys = Selected(prefix, &cfg);
  std::vector<const config::McpServerConfig*> servers;
  for (const config::McpServerConfig& server : cfg.mcp.servers) {
    if (ServerSelected(fmt::format("{}.{}", kServers, server.name), prefix)) {
      servers.push_back(&server);
    }
  }
  if (json) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::object();
    for (const config::KeySpec* key : keys) {
      const config::KeySpec& spec = *key;
      config::Value value = spec.get(cfg);
      nlohmann::ordered_json entry = {{"value", ShownJson(spec, value)},
                                      {"origin", std::string(cfg.OriginOf(spec.path))}};
      if (spec.secret) entry["secret"] = true;
      doc[spec.path] = std::move(entry);
    }
    for (const config::McpServerConfig* server : servers) {
      doc[fmt::format("{}.{}", kServers, server->name)] = {{"value", ServerFields(*server)},
                                                           {"origin", server->origin}};
    }
    // Replace, not throw, on invalid UTF-8 in a value read from a file or the environment.
    ctx.out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  std::vector<std::pair<std::string, std::string_view>> lines;
  std::size_t width = 0;
  for (const config::KeySpec* spec : keys) {
    std::string line = spec->path + " = " + ShownText(*spec, spec->get(cfg));
    width = std::max(width, std::min<std::size_t>(line.size(), 60));
    lines.emplace_back(std::move(line), cfg.OriginOf(spec->path));
  }
  // One line per field of each server, all with the entry's origin (its first line).
  for (const config::McpServerConfig* server : servers) {
    const std::string base = fmt::format("{}.{}", kServers, server->name);
    nlohmann::ordered_json fields = ServerFields(*server);
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      const std::string key = base + "." + it.key();
      if (!Under(key, prefix) && !Under(prefix, key) && !Under(base, prefix)) continue;
      std::string line = key + " = " + ServerFieldText(*it);
      width = std::max(width, std::min<std::size_t>(line.size(), 60));
      lines.emplace_back(std::move(line), server->origin);
    }
  }
  for (const auto& [line, origin] : lines) {
    ctx.out << fmt::format("{:<{}}   # {}\n", line, width, origin);
  }
}

void Path(CliContext& ctx, bool json) {
  config::LoadOptions options = Options(ctx);
  std::vector<config::LayerFile> layers = config::LayerFiles(options);
  std::error_code ec;
  if (json) {
    nlohmann::ordered_json doc;
    doc["layers"] = nlohmann::ordered_json::array();
    for (const config::LayerFile& layer : layers) {
      doc["layers"].push_back({{"name", layer.name},
                               {"path", layer.path.string()},
                               {"exists", fs::exists(layer.path, ec)}});
    }
    doc["home"] = LoadConfig(ctx).home.string();
    ctx.out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  for (const config::LayerFile& layer : layers) {
    ctx.out << fmt::format("{:<8} {}   ({})\n", layer.name, layer.path.string(),
                           fs::exists(layer.path, ec) ? "exists" : "missing");
  }
  // After the layers, so a broken file still leaves its path on screen above the error.
  ctx.out << fmt::format("{:<8} {}\n", "home", LoadConfig(ctx).home.string());
}

void Init(CliContext& ctx, const std::string& path_option, bool force) {
  fs::path path = path_option;
  if (path.empty()) {
    for (const config::LayerFile& layer : config::LayerFiles(Options(ctx))) {
      if (layer.name == "user") path = layer.path;
    }
    if (path.empty()) {
      throw Error(
          "cannot find the user config directory: set XDG_CONFIG_HOME or HOME, or pass --path");
    }
  }
  std::error_code ec;
  if (fs::exists(path, ec) && !force) {
    throw Error(fmt::format("{} already exists; pass --force to overwrite it", path.string()));
  }
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      throw Error(fmt::format("creating {}: {}", path.parent_path().string(), ec.message()));
    }
  }
  // Written beside the target and renamed over it, so a failed write never leaves half a file;
  // owner-only, because the operator may add keys to it.
  fs::path temp = path;
  temp += ".tmp";
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    file << config::RenderConfigFile(/*commented_out=*/true);
    file.close();
    if (!file) {
      fs::remove(temp, ec);
      throw Error(fmt::format("writing {}: {}", temp.string(), std::strerror(errno)));
    }
  }
  ::chmod(temp.c_str(), 0600);
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw Error(fmt::format("writing {}: {}", path.string(), ec.message()));
  }
  ctx.out << fmt::format("wrote {}\n", path.string());
}

}  // namespace

const config::Config& LoadConfig(CliContext& ctx) {
  if (!ctx.loaded_config) {
    ctx.loaded_config = std::make_shared<const config::Config>(config::Load(Options(ctx)));
  }
  return *ctx.loaded_config;
}

void AttachConfigCommand(CLI::App& cmd, CliContext& ctx) {
  cmd.require_subcommand(1);

  auto show_json = std::make_shared<bool>(false);
  auto show_prefix = std::make_shared<std::string>();
  CLI::App* show = cmd.add_subcommand(
      "show", "Print every key's merged value and where it came from (secrets masked)");
  show->add_option("KEY", *show_prefix, "Only this key, or the keys of this section (\"agent\")");
  show->add_flag("--json", *show_json, "Print a JSON object {key: {value, origin}}");
  show->callback([&ctx, show_json, show_prefix] { Show(ctx, *show_prefix, *show_json); });

  auto path_json = std::make_shared<bool>(false);
  CLI::App* path = cmd.add_subcommand(
      "path",
      "Print the config files read (lowest layer first), whether each exists, and the state home");
  path->add_flag("--json", *path_json, "Print JSON");
  path->callback([&ctx, path_json] { Path(ctx, *path_json); });

  auto init_path = std::make_shared<std::string>();
  auto init_force = std::make_shared<bool>(false);
  CLI::App* init =
      cmd.add_subcommand("init", "Write a commented user config listing every key and its default");
  init->add_option("--path", *init_path,
                   "Write here instead of $XDG_CONFIG_HOME/intern/config.toml");
  init->add_flag("--force", *init_force, "Overwrite an existing file");
  init->callback([&ctx, init_path, init_force] { Init(ctx, *init_path, *init_force); });
}

}  // namespace intern::agent
