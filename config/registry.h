#pragma once
// The registry: one table of every config key. It drives loading (types, ranges, environment
// variables), `intern config show` (values, origins, secret masking), `intern config init` and
// config/default.toml (documentation and defaults). Adding a key = a field in config.h plus one
// row in registry.cpp; then regenerate config/default.toml (see tests/config/default_toml_test).
//
// Thread safety: the table is built once, immutable afterwards; every function here is pure.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.h"
#include "config/result.h"

namespace intern::config {

enum class KeyType {
  kString,
  kPath,  // a string; "~/" is the home directory, relative paths are relative to the file
  kUrl,   // a string that must be an http:// or https:// URL
  kInt,
  kDouble,  // accepts integers too
  kBool,
  kStringList,
  kDuration,  // "30s", "5m", "7d" or a number of seconds
};

// A value of any key type. Integers are std::int64_t, durations std::chrono::milliseconds,
// lists std::vector<std::string>; strings, paths and URLs std::string.
using Value = std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>,
                           std::chrono::milliseconds>;

struct KeySpec {
  std::string path;  // dotted: "agent.max_iterations"
  KeyType type = KeyType::kString;
  Value default_value;  // read from a default-constructed Config (config.h holds the defaults)
  std::string doc;      // one line, for default.toml and `config init`
  // Environment variables that set this key, lowest precedence first. The last one is always
  // the generic INTERN_<PATH> name (dots become underscores, upper case).
  std::vector<std::string> env;
  bool secret = false;  // never printed: `config show` masks it, errors never quote it
  // Inclusive range for kInt, kDouble and kDuration (milliseconds).
  std::optional<double> min;
  std::optional<double> max;
  std::vector<std::string> allowed;  // for string keys: the only accepted values
  // Extra check; returns the end of a sentence ("must be ...") on failure.
  std::optional<std::string> (*check)(const Value&) = nullptr;
  std::function<Value(const Config&)> get;
  std::function<void(Config&, const Value&)> set;
};

// A table header in default.toml, with its one-line documentation. "" is the top level.
struct SectionSpec {
  std::string name;
  std::string doc;
};

// Every key, in the order default.toml lists them (grouped by section, sections in
// Sections() order).
const std::vector<KeySpec>& Keys();
const std::vector<SectionSpec>& Sections();

// nullptr when `path` names no key.
const KeySpec* FindKey(std::string_view path);
// True when some key lies under `path` ("providers", "providers.openai").
bool IsSection(std::string_view path);

// INTERN_AGENT_MAX_ITERATIONS for "agent.max_iterations".
std::string GenericEnvName(std::string_view path);

// The closest known key (or section, when `want_section`) to a misspelt path, or "" when none
// is close: `unknown key "agent.max_iteration" (did you mean "agent.max_iterations"?)`.
std::string SuggestKey(std::string_view path, bool want_section = false);

// The value in TOML spelling: "text" (escaped), 300, 0.8, true, ["a", "b"], "30s".
std::string FormatValue(const Value& value);

// A phrase naming what the type expects, for error sentences: "an integer", "a boolean".
std::string ExpectedPhrase(KeyType type);

// Range, allowed-value and extra checks of `spec` on a value of the right type. Returns the end
// of a sentence, e.g. `must be between 1 and 10000 (got 0)`; nullopt when the value is fine.
std::optional<std::string> CheckValue(const KeySpec& spec, const Value& value);

// Parses text from the environment or a `-c` flag into the key's type: integers and numbers in
// decimal; booleans as true/false/yes/no/on/off/1/0; lists as a TOML array (["a", "b"]) or
// comma-separated; durations as for ParseDuration. A failure's message is the end of a
// sentence: `must be an integer (got "abc")`. The range is not checked here (CheckValue).
Result<Value> ParseText(const KeySpec& spec, std::string_view text);

// The configuration file documenting every key with its default (config/default.toml).
// `commented_out`: every assignment is commented out, for `intern config init`, so the file
// changes nothing until the operator edits it.
std::string RenderConfigFile(bool commented_out);

}  // namespace intern::config
