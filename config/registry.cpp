// The table of every config key. Defaults are not repeated here: they are read from a
// default-constructed Config, so the in-place defaults of config.h are the only ones.
#include "config/registry.h"

#include <algorithm>
#include <cctype>
#include <type_traits>
#include <utility>

namespace intern::config {
namespace {

constexpr double kMs = 1;
constexpr double kSecond = 1000 * kMs;
constexpr double kMinute = 60 * kSecond;
constexpr double kHour = 60 * kMinute;
constexpr double kDay = 24 * kHour;

// obj.*m1.*m2... (a fold over .* crashes GCC 12).
template <typename Obj>
auto& Member(Obj& obj) {
  return obj;
}
template <typename Obj, typename M, typename... Rest>
auto& Member(Obj& obj, M member, Rest... rest) {
  return Member(obj.*member, rest...);
}

template <typename T>
Value ToValue(const T& field) {
  if constexpr (std::is_same_v<T, bool>) {
    return field;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<std::int64_t>(field);
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    return field.string();
  } else {
    return field;
  }
}

// The loader hands over values already of the key's type (checked and range-limited).
template <typename T>
void FromValue(const Value& value, T& field) {
  if constexpr (std::is_same_v<T, bool>) {
    field = std::get<bool>(value);
  } else if constexpr (std::is_integral_v<T>) {
    field = static_cast<T>(std::get<std::int64_t>(value));
  } else if constexpr (std::is_same_v<T, double>) {
    field = std::holds_alternative<double>(value)
                ? std::get<double>(value)
                : static_cast<double>(std::get<std::int64_t>(value));
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    field = std::get<std::string>(value);
  } else {
    field = std::get<T>(value);
  }
}

std::optional<std::string> CheckFallback(const Value& value) {
  for (const std::string& item : std::get<std::vector<std::string>>(value)) {
    auto colon = item.find(':');
    std::string provider = item.substr(0, colon);
    if (colon == std::string::npos || colon + 1 == item.size() ||
        (provider != "openai" && provider != "anthropic")) {
      return "must list \"provider:model\" pairs with provider openai or anthropic (got " +
             FormatValue(Value(item)) + ")";
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckCron(const Value& value) {
  const std::string& text = std::get<std::string>(value);
  int fields = 0;
  bool in_field = false;
  bool ok = true;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      in_field = false;
      continue;
    }
    if (!in_field) ++fields;
    in_field = true;
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '*' && c != ',' && c != '-' &&
        c != '/')
      ok = false;
  }
  if (ok && fields == 5) return std::nullopt;
  return "must be a cron schedule of 5 fields like \"0 6 * * *\" (got " + FormatValue(value) + ")";
}

class Table {
 public:
  template <typename... Members>
  Table& Key(std::string path, KeyType type, std::string doc, Members... members) {
    KeySpec spec;
    spec.path = std::move(path);
    spec.type = type;
    spec.doc = std::move(doc);
    spec.get = [=](const Config& c) { return ToValue(Member(c, members...)); };
    spec.set = [=](Config& c, const Value& v) { FromValue(v, Member(c, members...)); };
    spec.default_value = spec.get(defaults_);
    keys_.push_back(std::move(spec));
    return *this;
  }
  Table& Range(double min, double max) {
    keys_.back().min = min;
    keys_.back().max = max;
    return *this;
  }
  Table& Allowed(std::vector<std::string> values) {
    keys_.back().allowed = std::move(values);
    return *this;
  }
  Table& Env(std::string name) {
    keys_.back().env.push_back(std::move(name));
    return *this;
  }
  Table& Secret() {
    keys_.back().secret = true;
    return *this;
  }
  Table& Check(std::optional<std::string> (*check)(const Value&)) {
    keys_.back().check = check;
    return *this;
  }
  std::vector<KeySpec> Finish() && {
    for (KeySpec& spec : keys_) {
      std::string generic = GenericEnvName(spec.path);
      std::erase(spec.env, generic);
      spec.env.push_back(std::move(generic));
    }
    return std::move(keys_);
  }

 private:
  const Config defaults_{};  // {}: clang requires an initialiser for a const member of this type
  std::vector<KeySpec> keys_;
};

std::vector<KeySpec> BuildKeys() {
  using T = KeyType;
  using C = Config;
  Table t;
  t.Key("home", T::kPath,
        "State directory: the store (intern.db), caches, the site repo. "
        "Empty: $XDG_DATA_HOME/intern, else ~/.local/share/intern",
        &C::home);
  t.Key("prompts_dir", T::kPath,
        "Folder of prompt files overriding the embedded ones by name. Empty: embedded only",
        &C::prompts_dir);

  t.Key("providers.default", T::kString,
        "Provider of new sessions: \"openai\", \"anthropic\", or \"\" / \"offline\" for the "
        "built-in offline researcher (no model)",
        &C::providers, &ProvidersConfig::default_provider)
      .Allowed({"", "offline", "openai", "anthropic"});
  t.Key("providers.fallback", T::kStringList,
        "\"provider:model\" pairs tried in order when the default provider fails", &C::providers,
        &ProvidersConfig::fallback)
      .Check(CheckFallback);

  using O = OpenAiConfig;
  t.Key("providers.openai.base_url", T::kUrl,
        "Chat Completions endpoint: OpenAI or any compatible server (OpenRouter, Ollama, vLLM, "
        "llama.cpp, LM Studio)",
        &C::providers, &ProvidersConfig::openai, &O::base_url)
      .Env("OPENAI_BASE_URL");
  t.Key("providers.openai.model", T::kString, "Model name sent to the endpoint", &C::providers,
        &ProvidersConfig::openai, &O::model);
  t.Key("providers.openai.api_key", T::kString,
        "API key (secret; prefer the environment variable OPENAI_API_KEY)", &C::providers,
        &ProvidersConfig::openai, &O::api_key)
      .Env("OPENAI_API_KEY")
      .Secret();
  t.Key("providers.openai.organization", T::kString,
        "OpenAI organisation id sent as OpenAI-Organization. Empty: none", &C::providers,
        &ProvidersConfig::openai, &O::organization)
      .Env("OPENAI_ORG_ID");
  t.Key("providers.openai.stream", T::kBool, "Stream responses (server-sent events)", &C::providers,
        &ProvidersConfig::openai, &O::stream);
  t.Key("providers.openai.max_output_tokens", T::kInt,
        "Cap on tokens per response. 0: the server's default", &C::providers,
        &ProvidersConfig::openai, &O::max_output_tokens)
      .Range(0, 1'000'000);

  using A = AnthropicConfig;
  t.Key("providers.anthropic.base_url", T::kUrl, "Messages API endpoint", &C::providers,
        &ProvidersConfig::anthropic, &A::base_url)
      .Env("ANTHROPIC_BASE_URL");
  t.Key("providers.anthropic.model", T::kString, "Model name", &C::providers,
        &ProvidersConfig::anthropic, &A::model);
  t.Key("providers.anthropic.api_key", T::kString,
        "API key (secret; prefer the environment variable ANTHROPIC_API_KEY)", &C::providers,
        &ProvidersConfig::anthropic, &A::api_key)
      .Env("ANTHROPIC_API_KEY")
      .Secret();
  t.Key("providers.anthropic.stream", T::kBool, "Stream responses (server-sent events)",
        &C::providers, &ProvidersConfig::anthropic, &A::stream);
  t.Key("providers.anthropic.prompt_cache", T::kBool,
        "Mark the system prompt, tools and the rolling tail for prompt caching", &C::providers,
        &ProvidersConfig::anthropic, &A::prompt_cache);
  t.Key("providers.anthropic.max_tokens", T::kInt, "max_tokens sent with every request",
        &C::providers, &ProvidersConfig::anthropic, &A::max_tokens)
      .Range(1, 1'000'000);

  t.Key("agent.max_iterations", T::kInt,
        "Hard cap on iterations (model call + its tool calls) per session, across resumes and "
        "revisions",
        &C::agent, &AgentConfig::max_iterations)
      .Range(1, 10'000);
  t.Key("agent.budget_tokens", T::kInt, "Token budget per session. 0: no limit", &C::agent,
        &AgentConfig::budget_tokens)
      .Range(0, 1e12);
  t.Key("agent.budget_usd", T::kDouble, "Cost budget per session in US dollars. 0: no limit",
        &C::agent, &AgentConfig::budget_usd)
      .Range(0, 100'000);
  t.Key("agent.parallel_tools", T::kInt,
        "Read-only tool calls of one turn run at most this many at a time", &C::agent,
        &AgentConfig::parallel_tools)
      .Range(1, 64);
  t.Key("agent.stall_iterations", T::kInt,
        "Iterations in a row without new evidence or draft progress that count as stuck", &C::agent,
        &AgentConfig::stall_iterations)
      .Range(2, 100);

  t.Key("compaction.trigger_ratio", T::kDouble,
        "Compact the context above this share of the model's context window", &C::compaction,
        &CompactionConfig::trigger_ratio)
      .Range(0.1, 1.0);
  t.Key("compaction.keep_turns", T::kInt, "Most recent turns kept verbatim when compacting",
        &C::compaction, &CompactionConfig::keep_turns)
      .Range(1, 100);
  t.Key("compaction.model", T::kString,
        "Model that writes the summary (a cheaper one may do). Empty: the session's model",
        &C::compaction, &CompactionConfig::model);

  t.Key("tools.max_result_chars", T::kInt,
        "Tool results longer than this are stored whole; the model gets the head and a handle",
        &C::tools, &ToolsConfig::max_result_chars)
      .Range(1'000, 10'000'000);

  t.Key("http.connect_timeout", T::kDuration, "Deadline for DNS, TCP connect and TLS handshake",
        &C::http, &HttpConfig::connect_timeout)
      .Range(100 * kMs, 10 * kMinute);
  t.Key("http.first_byte_timeout", T::kDuration,
        "Deadline from sending a request to the first byte of the answer", &C::http,
        &HttpConfig::first_byte_timeout)
      .Range(100 * kMs, kHour);
  t.Key("http.idle_timeout", T::kDuration,
        "Longest silence allowed between bytes or streamed events", &C::http,
        &HttpConfig::idle_timeout)
      .Range(100 * kMs, kHour);
  t.Key("http.total_timeout", T::kDuration, "Deadline for one whole request, retries excluded",
        &C::http, &HttpConfig::total_timeout)
      .Range(kSecond, kDay);
  t.Key("http.max_retries", T::kInt,
        "Retries (exponential back-off, full jitter) on 408/409/429/5xx and connection errors",
        &C::http, &HttpConfig::max_retries)
      .Range(0, 20);
  t.Key("http.max_redirects", T::kInt, "Redirects followed per request", &C::http,
        &HttpConfig::max_redirects)
      .Range(0, 20);
  t.Key("http.ca_file", T::kPath, "PEM file of trusted CAs. Empty: the system's CA store", &C::http,
        &HttpConfig::ca_file);

  t.Key("github.api_url", T::kUrl, "GitHub REST API endpoint", &C::github, &GithubConfig::api_url);
  t.Key("github.token", T::kString,
        "Token for GitHub (secret; optional, raises rate limits; prefer GITHUB_TOKEN)", &C::github,
        &GithubConfig::token)
      .Env("GITHUB_TOKEN")
      .Secret();

  t.Key("hub.url", T::kUrl, "Hugging Face Hub endpoint", &C::hub, &HubConfig::url);
  t.Key("hub.token", T::kString, "Token for the Hub (secret; optional; prefer HF_TOKEN)", &C::hub,
        &HubConfig::token)
      .Env("HF_TOKEN")
      .Secret();

  t.Key("bench.approval", T::kString,
        "Benchmarks the agent asks to run: \"ask\" the operator, run \"auto\", or \"deny\"",
        &C::bench, &BenchConfig::approval)
      .Allowed({"ask", "auto", "deny"});
  t.Key("bench.allow", T::kStringList,
        "Benchmark specs that run without asking: a spec file path, or sha256:<hex> of its text",
        &C::bench, &BenchConfig::allow);
  t.Key("bench.wall_limit", T::kDuration, "Wall-clock limit of one benchmark run", &C::bench,
        &BenchConfig::wall_limit)
      .Range(kSecond, kDay);
  t.Key("bench.cpu_limit", T::kDuration, "CPU-time limit of one benchmark run (RLIMIT_CPU)",
        &C::bench, &BenchConfig::cpu_limit)
      .Range(kSecond, kDay);
  t.Key("bench.memory_limit_mb", T::kInt, "Memory limit of the whole process tree, in MiB",
        &C::bench, &BenchConfig::memory_limit_mb)
      .Range(16, 1'048'576);
  t.Key("bench.pids_limit", T::kInt, "Most processes and threads the benchmark may have", &C::bench,
        &BenchConfig::pids_limit)
      .Range(1, 100'000);
  t.Key("bench.tmpfs_mb", T::kInt, "Size of the sandbox's /tmp, in MiB", &C::bench,
        &BenchConfig::tmpfs_mb)
      .Range(1, 65'536);
  t.Key("bench.output_limit_kb", T::kInt, "Output kept per stream, in KiB (the rest is drained)",
        &C::bench, &BenchConfig::output_limit_kb)
      .Range(1, 1'048'576);
  t.Key("bench.warmups", T::kInt, "Unmeasured runs before the measured ones", &C::bench,
        &BenchConfig::warmups)
      .Range(0, 100);
  t.Key("bench.repetitions", T::kInt, "Measured runs; results report median, min and max",
        &C::bench, &BenchConfig::repetitions)
      .Range(1, 1'000);

  t.Key("sandbox.unsafe_no_sandbox", T::kBool,
        "Run benchmarks without isolation where none is possible (dangerous)", &C::sandbox,
        &SandboxConfig::unsafe_no_sandbox);
  t.Key("sandbox.backend", T::kString,
        "\"native\" namespaces, the system's \"bwrap\", or \"auto\" (native, else bwrap)",
        &C::sandbox, &SandboxConfig::backend)
      .Allowed({"auto", "native", "bwrap"});
  t.Key("sandbox.cgroup", T::kString,
        "cgroup backend for limits and measurement: \"auto\" (v2, then v1, then none), \"v2\", "
        "\"v1\", \"none\"",
        &C::sandbox, &SandboxConfig::cgroup)
      .Allowed({"auto", "v2", "v1", "none"});

  t.Key("publish.repo", T::kPath,
        "Site repository comparisons are published to. Empty: <home>/site", &C::publish,
        &PublishConfig::repo);
  t.Key("publish.remote", T::kString, "Git remote URL `intern publish --push` pushes to",
        &C::publish, &PublishConfig::remote);
  t.Key("publish.branch", T::kString, "Branch of the site repository", &C::publish,
        &PublishConfig::branch);
  t.Key("publish.auto", T::kBool, "Publish as soon as a draft is approved", &C::publish,
        &PublishConfig::auto_publish);
  t.Key("publish.author_email", T::kString,
        "Email of the publish commit's author (the approving reviewer). Empty: git's user.email "
        "when git's user.name is the reviewer, else <reviewer>@users.noreply.intern",
        &C::publish, &PublishConfig::author_email);

  t.Key("sweep.schedule", T::kString, "When `intern daemon` sweeps (cron, 5 fields, local time)",
        &C::sweep, &SweepConfig::schedule)
      .Check(CheckCron);
  t.Key("sweep.since", T::kDuration, "Look for repositories and models created this recently",
        &C::sweep, &SweepConfig::since)
      .Range(kHour, 365 * kDay);
  t.Key("sweep.limit", T::kInt, "Most new candidates taken per sweep", &C::sweep,
        &SweepConfig::limit)
      .Range(1, 1'000);
  t.Key("sweep.topics", T::kStringList, "GitHub topics a candidate must have one of", &C::sweep,
        &SweepConfig::topics);
  t.Key("sweep.min_stars", T::kInt, "Fewest GitHub stars a candidate needs", &C::sweep,
        &SweepConfig::min_stars)
      .Range(0, 10'000'000);
  t.Key("sweep.parallel", T::kInt, "Compare jobs run at a time", &C::sweep, &SweepConfig::parallel)
      .Range(1, 16);
  t.Key("sweep.refresh_days", T::kInt, "Skip pairs compared within this many days", &C::sweep,
        &SweepConfig::refresh_days)
      .Range(0, 3'650);
  t.Key("sweep.max_attempts", T::kInt, "Attempts per job before it is marked failed", &C::sweep,
        &SweepConfig::max_attempts)
      .Range(1, 20);
  t.Key("sweep.budget_usd", T::kDouble, "Cost budget of one whole sweep in US dollars. 0: no limit",
        &C::sweep, &SweepConfig::budget_usd)
      .Range(0, 100'000);

  t.Key("mcp.max_message_kb", T::kInt,
        "Largest JSON-RPC message accepted from an MCP server, in KiB; a larger one fails its call",
        &C::mcp, &McpConfig::max_message_kb)
      .Range(16, 1'048'576);
  t.Key("mcp.max_restarts", T::kInt,
        "Restarts of a failed MCP server per session before it is disabled", &C::mcp,
        &McpConfig::max_restarts)
      .Range(0, 100);
  t.Key("mcp.startup_timeout", T::kDuration,
        "Deadline for starting an MCP server, its handshake and its tool list", &C::mcp,
        &McpConfig::startup_timeout)
      .Range(100 * kMs, 10 * kMinute);
  return std::move(t).Finish();
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string_view LastSegment(std::string_view path) {
  auto dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

}  // namespace

const std::vector<KeySpec>& Keys() {
  static const std::vector<KeySpec> kKeys = BuildKeys();
  return kKeys;
}

const std::vector<SectionSpec>& Sections() {
  static const std::vector<SectionSpec> kSections = {
      {"", "Where intern keeps its state"},
      {"providers", "Language-model providers. Keys come from the environment or here"},
      {"providers.openai", "OpenAI Chat Completions and compatible servers"},
      {"providers.anthropic", "Anthropic Messages API"},
      {"agent", "The research loop: cap and budgets"},
      {"compaction", "Context compaction when the conversation nears the context window"},
      {"tools", "Tool results"},
      {"http", "The HTTP client of every remote call (durations: \"500ms\", \"30s\", \"5m\")"},
      {"github", "GitHub look-ups"},
      {"hub", "Hugging Face Hub look-ups"},
      {"bench", "Benchmarks run in the sandbox"},
      {"sandbox", "Process isolation of benchmarks"},
      {"publish", "Publishing approved comparisons"},
      {"sweep", "Scheduled sweeps for new tools (`intern sweep`, `intern daemon`)"},
      {"mcp", "Model Context Protocol servers whose tools the agent may call"},
  };
  return kSections;
}

const KeySpec* FindKey(std::string_view path) {
  for (const KeySpec& spec : Keys()) {
    if (spec.path == path) return &spec;
  }
  return nullptr;
}

bool IsSection(std::string_view path) {
  for (const KeySpec& spec : Keys()) {
    if (spec.path.size() > path.size() && spec.path.starts_with(path) &&
        spec.path[path.size()] == '.')
      return true;
  }
  return false;
}

std::string GenericEnvName(std::string_view path) {
  std::string name = "INTERN_";
  for (char c : path)
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::string SuggestKey(std::string_view path, bool want_section) {
  std::vector<std::string> candidates;
  if (want_section) {
    for (const SectionSpec& section : Sections()) {
      if (!section.name.empty()) candidates.push_back(section.name);
    }
  } else {
    for (const KeySpec& spec : Keys()) candidates.push_back(spec.path);
  }
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, path.size() / 4) + 1;
  for (const std::string& candidate : candidates) {
    std::size_t d = EditDistance(path, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  if (!best.empty() || want_section) return best;
  // A right key in the wrong section ("max_iterations" at the top level).
  for (const std::string& candidate : candidates) {
    if (LastSegment(candidate) == LastSegment(path)) return candidate;
  }
  return "";
}

}  // namespace intern::config
