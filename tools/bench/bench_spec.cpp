#include "tools/bench/bench_spec.h"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "sandbox/sha256.h"

namespace intern::tools {
namespace {

class SpecError {
 public:
  explicit SpecError(std::string source) : source_(std::move(source)) {}
  Failure operator()(const std::string& what) const {
    return Fail(ErrorCode::kInvalidArgument, "bench spec " + source_ + ": " + what);
  }

 private:
  std::string source_;
};

Status CheckKeys(const toml::table& t, const std::set<std::string>& known, const std::string& where,
                 const SpecError& error) {
  for (const auto& [key, value] : t) {
    if (known.count(std::string(key.str())) == 0) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      return error("unknown key `" + where + std::string(key.str()) + "` (known: " + list + ")");
    }
  }
  return Status::Ok();
}

// A command: a string (run with /bin/sh -c) or a non-empty array of strings.
Result<std::vector<std::string>> ReadCommand(const toml::node& node, const std::string& key,
                                             const SpecError& error) {
  if (auto s = node.value<std::string>()) {
    if (s->empty()) return error("`" + key + "` is empty");
    return std::vector<std::string>{"/bin/sh", "-c", *s};
  }
  if (const toml::array* a = node.as_array()) {
    std::vector<std::string> argv;
    for (const toml::node& item : *a) {
      auto s = item.value<std::string>();
      if (!s) return error("`" + key + "` must hold only strings");
      argv.push_back(*s);
    }
    if (argv.empty() || argv.front().empty()) return error("`" + key + "` is empty");
    return argv;
  }
  return error("`" + key + "` must be a string or an array of strings");
}

template <typename T>
Result<T> ReadNumber(const toml::table& t, const std::string& key, T fallback, T min, T max,
                     const SpecError& error) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return fallback;
  double v;
  if (auto i = node->value_exact<std::int64_t>()) {
    v = static_cast<double>(*i);
  } else if (auto d = node->value_exact<double>()) {
    v = *d;
  } else {
    return error("`" + key + "` must be a number");
  }
  if (v < static_cast<double>(min) || v > static_cast<double>(max)) {
    std::ostringstream s;
    s << "`" << key << "` must be between " << min << " and " << max;
    return error(s.str());
  }
  return static_cast<T>(v);
}

Status ReadLimits(const toml::table& t, BenchSpec& spec, const BenchDefaults& d,
                  const SpecError& error) {
  if (Status s = CheckKeys(t, {"cpu_seconds", "memory_mb", "processes", "output_bytes",
                               "file_size_mb", "tmpfs_mb", "open_files"}, "limits.", error);
      !s) {
    return s;
  }
  sandbox::Limits& l = spec.limits;
  auto cpu = ReadNumber<double>(t, "cpu_seconds", 0, 0, d.max_timeout_seconds, error);
  if (!cpu) return cpu.failure();
  auto memory = ReadNumber<std::uint64_t>(t, "memory_mb", d.memory_mb, 1, 1 << 20, error);
  if (!memory) return memory.failure();
  auto procs = ReadNumber<int>(t, "processes", d.processes, 1, 1 << 16, error);
  if (!procs) return procs.failure();
  auto output = ReadNumber<std::uint64_t>(t, "output_bytes", d.output_bytes, 1, 1ull << 32, error);
  if (!output) return output.failure();
  auto fsize = ReadNumber<std::uint64_t>(t, "file_size_mb", d.file_size_mb, 1, 1 << 20, error);
  if (!fsize) return fsize.failure();
  auto tmpfs = ReadNumber<std::uint64_t>(t, "tmpfs_mb", d.tmpfs_mb, 1, 1 << 20, error);
  if (!tmpfs) return tmpfs.failure();
  auto nofile = ReadNumber<int>(t, "open_files", d.open_files, 16, 1 << 20, error);
  if (!nofile) return nofile.failure();
  l.cpu_seconds = *cpu;
  l.memory_bytes = *memory << 20;
  l.max_processes = *procs;
  l.output_bytes = *output;
  l.file_size_bytes = *fsize << 20;
  l.tmpfs_bytes = *tmpfs << 20;
  l.open_files = *nofile;
  return Status::Ok();
}

Status ReadMetrics(const toml::array& metrics, BenchSpec& spec, const SpecError& error) {
  for (const toml::node& node : metrics) {
    const toml::table* m = node.as_table();
    if (m == nullptr) return error("each `[[metrics]]` entry must be a table");
    if (Status s = CheckKeys(*m, {"name", "regex", "unit", "stream"}, "metrics.", error); !s) return s;
    BenchMetric metric;
    metric.name = m->get("name") ? m->get("name")->value_or(std::string()) : "";
    metric.regex = m->get("regex") ? m->get("regex")->value_or(std::string()) : "";
    metric.unit = m->get("unit") ? m->get("unit")->value_or(std::string()) : "";
    std::string stream = m->get("stream") ? m->get("stream")->value_or(std::string()) : "stdout";
    if (metric.name.empty()) return error("a metric needs a `name`");
    if (metric.regex.empty()) return error("metric `" + metric.name + "` needs a `regex`");
    if (stream != "stdout" && stream != "stderr") {
      return error("metric `" + metric.name + "`: `stream` must be \"stdout\" or \"stderr\"");
    }
    metric.from_stderr = stream == "stderr";
    try {
      std::regex re(metric.regex);
      if (re.mark_count() < 1) {
        return error("metric `" + metric.name + "`: the regex needs a capture group for the number");
      }
    } catch (const std::regex_error& e) {
      return error("metric `" + metric.name + "`: invalid regex: " + e.what());
    }
    for (const char* reserved : {"wall", "cpu", "peak_memory"}) {
      if (metric.name == reserved) return error("metric name `" + metric.name + "` is reserved");
    }
    spec.metrics.push_back(std::move(metric));
  }
  return Status::Ok();
}

}  // namespace

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`;&|<>()*?[]{}!#~") == std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

Result<BenchSpec> ParseBenchSpec(std::string_view text, const std::string& source,
                                 const std::string& base_dir, const BenchDefaults& defaults) {
  SpecError error(source);
  toml::table t;
  try {
    t = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return error("line " + std::to_string(e.source().begin.line) + ": " +
                 std::string(e.description()));
  }
  if (Status s = CheckKeys(t, {"name", "setup", "command", "env", "files", "warmups",
                               "repetitions", "timeout", "network", "limits", "metrics", "versions"},
                           "", error);
      !s) {
    return s.failure();
  }
  BenchSpec spec;
  spec.source = source;
  spec.base_dir = base_dir;
  spec.text_sha256 = sandbox::Sha256Hex(text);
  if (t.contains("name") && !t["name"].is_string()) return error("`name` must be a string");
  spec.name = t["name"].value_or(std::string());
  if (spec.name.empty()) return error("`name` is required");

  const toml::node* command = t.get("command");
  if (command == nullptr) return error("`command` is required");
  auto argv = ReadCommand(*command, "command", error);
  if (!argv) return argv.failure();
  spec.command = std::move(*argv);

  if (const toml::node* setup = t.get("setup")) {
    const toml::array* steps = setup->as_array();
    if (steps == nullptr) return error("`setup` must be an array of commands");
    for (const toml::node& step : *steps) {
      auto cmd = ReadCommand(step, "setup", error);
      if (!cmd) return cmd.failure();
      spec.setup.push_back(std::move(*cmd));
    }
  }
  if (const toml::node* env = t.get("env")) {
    const toml::table* vars = env->as_table();
    if (vars == nullptr) return error("`env` must be a table of strings");
    for (const auto& [key, value] : *vars) {
      auto v = value.value<std::string>();
      if (!v) return error("`env." + std::string(key.str()) + "` must be a string");
      if (key.str().empty() || key.str().find('=') != std::string_view::npos) {
        return error("`env` has an invalid variable name");
      }
      spec.env.push_back(std::string(key.str()) + "=" + *v);
    }
  }
  if (const toml::node* files = t.get("files")) {
    const toml::array* list = files->as_array();
    if (list == nullptr) return error("`files` must be an array of paths");
    for (const toml::node& f : *list) {
      auto path = f.value<std::string>();
      if (!path || path->empty()) return error("`files` must hold only non-empty paths");
      spec.files.push_back(*path);
    }
  }
  auto warmups = ReadNumber<int>(t, "warmups", 0, 0, 20, error);
  if (!warmups) return warmups.failure();
  auto reps = ReadNumber<int>(t, "repetitions", defaults.repetitions, 1, defaults.max_repetitions, error);
  if (!reps) return reps.failure();
  auto timeout = ReadNumber<double>(t, "timeout", defaults.timeout_seconds, 0.01,
                                    defaults.max_timeout_seconds, error);
  if (!timeout) return timeout.failure();
  spec.warmups = *warmups;
  spec.repetitions = *reps;

  toml::table limits;
  if (const toml::node* l = t.get("limits")) {
    if (l->as_table() == nullptr) return error("`limits` must be a table");
    limits = *l->as_table();
  }
  if (Status s = ReadLimits(limits, spec, defaults, error); !s) return s.failure();
  spec.limits.wall_seconds = *timeout;

  std::string network = t["network"].value_or(std::string("none"));
  if (network == "loopback") {
    spec.network = sandbox::Network::kLoopback;
  } else if (network != "none") {
    return error("`network` must be \"none\" or \"loopback\"");
  }
  if (const toml::node* metrics = t.get("metrics")) {
    if (metrics->as_array() == nullptr) return error("`metrics` must be an array of tables");
    if (Status s = ReadMetrics(*metrics->as_array(), spec, error); !s) return s.failure();
  }
  if (const toml::node* versions = t.get("versions")) {
    const toml::table* table = versions->as_table();
    if (table == nullptr) return error("`versions` must be a table of commands");
    for (const auto& [key, value] : *table) {
      auto cmd = ReadCommand(value, "versions." + std::string(key.str()), error);
      if (!cmd) return cmd.failure();
      spec.versions.emplace_back(std::string(key.str()), std::move(*cmd));
    }
  }
  return spec;
}

Result<BenchSpec> LoadBenchSpec(const std::string& path, const BenchDefaults& defaults) {
  std::ifstream in(path);
  if (!in) return Fail(ErrorCode::kNotFound, "bench spec " + path + " cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  std::filesystem::path p(path);
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(p, ec);
  return ParseBenchSpec(text.str(), path, (ec ? p : absolute).parent_path().string(), defaults);
}

}  // namespace intern::tools
