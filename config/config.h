#pragma once
// Config — the typed configuration of intern, merged from layers (DESIGN §2), lowest first:
//
//   built-in defaults                       origin "default"
//   /etc/intern/config.toml                 origin "/etc/intern/config.toml:LINE"
//   $XDG_CONFIG_HOME/intern/config.toml     (XDG_CONFIG_HOME defaults to ~/.config)
//   ./intern.toml                           (in the working directory)
//   environment                             origin "env NAME": INTERN_<SECTION>_<KEY> for every
//                                           key, plus conventional names (OPENAI_API_KEY, ...)
//   flags                                   origin "flag -c": `-c KEY=VALUE`
//
// Every key's type, allowed range, documentation and environment variables live in one table
// (config/registry.h); config/default.toml is rendered from that table and a test fails when
// the two drift. Defaults are the in-place initialisers below and nowhere else: the registry
// reads them from a default-constructed Config. Field names follow the dotted keys except where
// a key is a C++ keyword (providers.default -> default_provider, publish.auto -> auto_publish).
//
// Load() never changes process state and reads the environment only from LoadOptions::env, so
// tests pass their own. Config is a plain value: copy it freely, share it read-only between
// threads.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace intern::config {

struct OpenAiConfig {
  std::string base_url = "https://api.openai.com/v1";
  std::string model = "gpt-5.6-terra";
  std::string api_key;  // secret: never print, log or store it
  std::string organization;
  bool stream = true;
  int max_output_tokens = 0;  // 0: the server's default
};

struct AnthropicConfig {
  std::string base_url = "https://api.anthropic.com";
  std::string model = "claude-sonnet-5-5";
  std::string api_key;  // secret: never print, log or store it
  bool stream = true;
  bool prompt_cache = true;
  int max_tokens = 8192;
};

struct ProvidersConfig {
  std::string default_provider;       // key providers.default; "" = the offline researcher
  std::vector<std::string> fallback;  // "provider:model" pairs, tried in order
  OpenAiConfig openai;
  AnthropicConfig anthropic;
};

struct AgentConfig {
  int max_iterations = 300;
  std::int64_t budget_tokens = 2'000'000;  // 0: no limit
  double budget_usd = 2.0;                 // 0: no limit
  int parallel_tools = 4;
  int stall_iterations = 8;  // iterations without new evidence or draft progress = stuck
};

struct CompactionConfig {
  double trigger_ratio = 0.8;
  int keep_turns = 6;
  std::string model;  // "" = the session's model
};

struct ToolsConfig {
  int max_result_chars = 20'000;
};

struct HttpConfig {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds first_byte_timeout{60'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds total_timeout{600'000};
  int max_retries = 4;
  int max_redirects = 5;
  std::filesystem::path ca_file;  // empty: the system's CA store
};

struct GithubConfig {
  std::string api_url = "https://api.github.com";
  std::string token;  // secret
};

struct HubConfig {
  std::string url = "https://huggingface.co";
  std::string token;  // secret
};

struct BenchConfig {
  std::string approval = "ask";  // "ask" | "auto" | "deny"
  std::vector<std::string> allow;
  std::chrono::milliseconds wall_limit{600'000};
  std::chrono::milliseconds cpu_limit{600'000};
  int memory_limit_mb = 2048;
  int pids_limit = 256;
  int tmpfs_mb = 512;
  int output_limit_kb = 1024;
  int warmups = 1;
  int repetitions = 5;
};

struct SandboxConfig {
  bool unsafe_no_sandbox = false;
  std::string backend = "auto";  // "auto" | "native" | "bwrap"
  std::string cgroup = "auto";   // "auto" | "v2" | "v1" | "none"
};

struct PublishConfig {
  std::filesystem::path repo;  // after Load: never empty (default <home>/site)
  std::string remote;
  std::string branch = "main";
  bool auto_publish = false;  // key publish.auto
  // The commit author's email (the author is the approving reviewer). Empty: derived by
  // agent/publish (the reviewer's git user.email, else <reviewer>@users.noreply.intern).
  std::string author_email;
};

struct SweepConfig {
  std::string schedule = "0 6 * * *";
  std::chrono::milliseconds since{7 * 86'400'000LL};
  int limit = 20;
  std::vector<std::string> topics = {"llm", "ai-agents", "machine-learning", "generative-ai"};
  int min_stars = 100;
  int parallel = 2;
  int refresh_days = 30;
  int max_attempts = 3;
  double budget_usd = 10.0;  // 0: no limit
};

// One `[[mcp.servers]]` entry: an MCP server whose tools the agent may call (DESIGN §5). Read by
// its own code in loader.cpp (an array of tables does not fit the one-key-one-value registry).
// A later layer's entry with the same name replaces an earlier one whole.
struct McpServerConfig {
  std::string name;                // [A-Za-z0-9_-]+, unique; tools are named "<name>.<tool>"
  std::string transport;           // "stdio" | "http"; empty in the file: stdio with a command,
                                   // http with a url
  std::string command;             // stdio: the program (searched in PATH when it has no '/')
  std::vector<std::string> args;   // stdio: its arguments
  std::map<std::string, std::string> env;  // stdio: added to (or replacing in) intern's environment
  std::filesystem::path cwd;       // stdio: working directory; empty: intern's
  std::string url;                 // http: the MCP endpoint (http:// or https://)
  std::map<std::string, std::string> headers;  // http: sent with every request (secrets allowed)
  bool enabled = true;
  // Approval class of the server's tools: "ask" (the operator is asked before each call),
  // "read" (runs freely: only when the operator vouches for the server), "deny" (only the tools
  // in `allow` are offered).
  std::string approval = "ask";
  std::vector<std::string> allow;  // tool names that run without asking
  std::vector<std::string> deny;   // tool names never offered to the model
  std::chrono::milliseconds timeout{60'000};  // per tools/call and resources/read
  bool index_resources = false;  // put its text resources into the document index (doc_search)
  std::string origin;              // "FILE:LINE" of the entry, for messages
};

struct McpConfig {
  int max_message_kb = 4096;  // a larger JSON-RPC message fails its call
  int max_restarts = 3;       // per server and session; then the server is disabled
  std::chrono::milliseconds startup_timeout{30'000};  // spawn/connect + initialize + tools/list
  std::vector<McpServerConfig> servers;  // from [[mcp.servers]], in file order
};

struct Config {
  std::filesystem::path home;         // after Load: absolute, never empty
  std::filesystem::path prompts_dir;  // empty: the prompts embedded in the binary
  ProvidersConfig providers;
  AgentConfig agent;
  CompactionConfig compaction;
  ToolsConfig tools;
  HttpConfig http;
  GithubConfig github;
  HubConfig hub;
  BenchConfig bench;
  SandboxConfig sandbox;
  PublishConfig publish;
  SweepConfig sweep;
  McpConfig mcp;

  // Where each key's value came from: "default", "/etc/intern/config.toml:12",
  // "env OPENAI_BASE_URL", "flag -c". Keys are dotted registry paths ("agent.max_iterations").
  std::map<std::string, std::string, std::less<>> origins;

  // The origin of `key`, or "default" for a key no layer set.
  std::string_view OriginOf(std::string_view key) const;
};

struct LoadOptions {
  // The environment (NAME -> value). Empty values count as unset.
  std::map<std::string, std::string, std::less<>> env;
  // Where ./intern.toml is looked for and what relative paths in env and flags are relative to.
  std::filesystem::path cwd;
  // `-c KEY=VALUE` arguments, in command-line order (later ones win).
  std::vector<std::string> flag_overrides;
  // Holds config.toml of the system layer.
  std::filesystem::path system_dir = "/etc/intern";
  // Empty: env XDG_CONFIG_HOME if absolute, else <home>/.config.
  std::filesystem::path xdg_config_home;
  // The user's home directory (for ~ and the XDG defaults). Empty: env HOME.
  std::filesystem::path home;

  // The options of this process: environ, the working directory, HOME (or the password
  // database), XDG_CONFIG_HOME. Throws intern::Error when the working directory is unreadable.
  static LoadOptions FromProcess(std::vector<std::string> flag_overrides);
};

// One config file layer, lowest first.
struct LayerFile {
  std::string name;  // "system", "user", "project"
  std::filesystem::path path;
};

// The files Load reads, in order (a missing file is skipped; the user layer is left out when
// neither xdg_config_home, XDG_CONFIG_HOME nor a home directory is known).
std::vector<LayerFile> LayerFiles(const LoadOptions& options);

// Merges every layer. Throws intern::Error with one sentence naming file, line and key (or the
// environment variable) for unknown keys, wrong types, out-of-range values and TOML syntax
// errors (file, line and column); a bad `-c` flag throws intern::UsageError.
Config Load(const LoadOptions& options);

// Paths under the state home.
std::filesystem::path StorePath(const Config& config);       // <home>/intern.db
std::filesystem::path ReposCachePath(const Config& config);  // <home>/repos (clone cache)
std::filesystem::path DocsIndexPath(const Config& config);   // <home>/docs.db (document index)

}  // namespace intern::config
