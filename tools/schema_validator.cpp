#include "tools/schema_validator.h"

#include <fmt/format.h>

#include <optional>
#include <regex>

namespace intern::tools {
namespace {

using nlohmann::json;

std::string Describe(const json& v) {
  constexpr size_t kMaxShown = 40;
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "…";
  switch (v.type()) {
    case json::value_t::string: return "the string " + text;
    case json::value_t::boolean: return "the boolean " + text;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "the integer " + text;
    case json::value_t::number_float: return "the number " + text;
    case json::value_t::null: return "null";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return text;
  }
}

bool HasType(const json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "string") return v.is_string();
  if (type == "integer") {
    if (v.is_number_integer()) return true;
    // 5.0 is an integer in JSON Schema.
    return v.is_number_float() && v.get<double>() == static_cast<double>(v.get<long long>());
  }
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  if (type == "array") return v.is_array();
  if (type == "null") return v.is_null();
  return false;
}

// A non-negative integer keyword value (minLength: 2), whether the JSON stores it signed or not.
std::optional<size_t> Count(const json& schema, const char* keyword) {
  auto it = schema.find(keyword);
  if (it == schema.end() || !it->is_number_integer() || it->get<long long>() < 0) return std::nullopt;
  return it->get<size_t>();
}

std::string Article(const std::string& type) {
  return (type == "object" || type == "array" || type == "integer") ? "an " + type : "a " + type;
}

std::string Subject(const std::string& path) {
  return path.empty() ? "the arguments" : fmt::format("argument \"{}\"", path);
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void Validate(const json& v, const json& schema, const std::string& path,
              std::vector<std::string>& errors) {
  if (!schema.is_object()) return;

  if (auto it = schema.find("type"); it != schema.end()) {
    std::vector<std::string> types;
    if (it->is_string()) types.push_back(it->get<std::string>());
    if (it->is_array())
      for (const json& t : *it)
        if (t.is_string()) types.push_back(t.get<std::string>());
    bool ok = types.empty();
    for (const std::string& t : types) ok = ok || HasType(v, t);
    if (!ok) {
      std::string wanted = types.size() == 1 ? Article(types[0]) : "one of " + Join(types);
      errors.push_back(fmt::format("{} must be {}, got {}", Subject(path), wanted, Describe(v)));
      return;  // further checks would only repeat the type error
    }
  }

  if (auto it = schema.find("enum"); it != schema.end() && it->is_array()) {
    bool found = false;
    for (const json& allowed : *it) found = found || allowed == v;
    if (!found) {
      std::vector<std::string> shown;
      for (const json& allowed : *it) shown.push_back(allowed.dump());
      errors.push_back(
          fmt::format("{} must be one of {}, got {}", Subject(path), Join(shown), Describe(v)));
    }
  }

  if (v.is_number()) {
    double x = v.get<double>();
    if (auto it = schema.find("minimum"); it != schema.end() && it->is_number() &&
                                          x < it->get<double>())
      errors.push_back(
          fmt::format("{} must be at least {}, got {}", Subject(path), it->dump(), v.dump()));
    if (auto it = schema.find("maximum"); it != schema.end() && it->is_number() &&
                                          x > it->get<double>())
      errors.push_back(
          fmt::format("{} must be at most {}, got {}", Subject(path), it->dump(), v.dump()));
  }

  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    // Length in code points, as JSON Schema counts it.
    size_t length = 0;
    for (unsigned char c : s) length += (c & 0xC0) != 0x80;
    if (auto n = Count(schema, "minLength"); n && length < *n)
      errors.push_back(*n == 1
                           ? fmt::format("{} must not be empty", Subject(path))
                           : fmt::format("{} must be at least {} characters long",
                                         Subject(path), *n));
    if (auto n = Count(schema, "maxLength"); n && length > *n)
      errors.push_back(fmt::format("{} must be at most {} characters long (got {})",
                                   Subject(path), *n, length));
    if (auto it = schema.find("pattern"); it != schema.end() && it->is_string()) {
      try {
        if (!std::regex_search(s, std::regex(it->get<std::string>(), std::regex::ECMAScript)))
          errors.push_back(fmt::format("{} must match the pattern {}, got {}", Subject(path),
                                       it->dump(), Describe(v)));
      } catch (const std::regex_error&) {
        // A bad pattern is the tool author's bug, not the model's: do not blame the argument.
      }
    }
  }

  if (v.is_array()) {
    if (auto n = Count(schema, "minItems"); n && v.size() < *n)
      errors.push_back(fmt::format("{} must have at least {} items, got {}", Subject(path),
                                   *n, v.size()));
    if (auto n = Count(schema, "maxItems"); n && v.size() > *n)
      errors.push_back(fmt::format("{} must have at most {} items, got {}", Subject(path),
                                   *n, v.size()));
    if (auto it = schema.find("items"); it != schema.end() && it->is_object())
      for (size_t i = 0; i < v.size(); ++i)
        Validate(v[i], *it, fmt::format("{}[{}]", path, i), errors);
  }

  if (v.is_object()) {
    const json empty = json::object();
    const json& props = schema.contains("properties") && schema["properties"].is_object()
                            ? schema["properties"]
                            : empty;
    if (auto it = schema.find("required"); it != schema.end() && it->is_array())
      for (const json& name : *it)
        if (name.is_string() && !v.contains(name.get<std::string>())) {
          std::string field = path.empty() ? name.get<std::string>()
                                           : path + "." + name.get<std::string>();
          errors.push_back(fmt::format("missing required argument \"{}\"", field));
        }
    bool allow_extra = schema.value("additionalProperties", false) == true;
    for (const auto& [key, child] : v.items()) {
      std::string field = path.empty() ? key : path + "." + key;
      if (auto p = props.find(key); p != props.end()) {
        Validate(child, *p, field, errors);
      } else if (!allow_extra) {
        std::vector<std::string> names;
        for (const auto& [name, _] : props.items()) names.push_back(name);
        errors.push_back(names.empty()
                             ? fmt::format("unknown argument \"{}\" (this tool takes none)", field)
                             : fmt::format("unknown argument \"{}\" (allowed: {})", field,
                                           Join(names)));
      }
    }
  }
}

}  // namespace

std::vector<std::string> ValidateAgainstSchema(const json& value, const json& schema) {
  std::vector<std::string> errors;
  Validate(value, schema, "", errors);
  return errors;
}

void ApplyDefaults(json& value, const json& schema) {
  if (!value.is_object() || !schema.contains("properties")) return;
  for (const auto& [key, prop] : schema["properties"].items())
    if (!value.contains(key) && prop.is_object() && prop.contains("default"))
      value[key] = prop["default"];
}

}  // namespace intern::tools
