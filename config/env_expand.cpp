#include "config/env_expand.h"

#include <fmt/format.h>

#include <cctype>

namespace intern::config {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

Result<std::string> ExpandEnvReferences(
    std::string_view text, const std::map<std::string, std::string, std::less<>>& env) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i++];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (text[i + 1] != '{') {
      out += text[i++];
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("\"{}\" has no closing \"}}\"", text.substr(i)));
    }
    const std::string_view inside = text.substr(i + 2, close - i - 2);
    const size_t dash = inside.find(":-");
    const std::string_view name = inside.substr(0, dash);
    bool valid = !name.empty() && IsNameStart(name[0]);
    for (char c : name) valid = valid && IsNameChar(c);
    if (!valid) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("\"${{{}}}\" is not a variable name (letters, digits and \"_\"; "
                              "write $$ for a literal \"$\")",
                              inside));
    }
    auto found = env.find(name);
    if (found != env.end() && !found->second.empty()) {
      out += found->second;
    } else if (dash != std::string_view::npos) {
      out += inside.substr(dash + 2);
    } else {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("${{{}}} is not set in the environment; export {} or write "
                              "${{{}:-DEFAULT}}",
                              name, name, name));
    }
    i = close + 1;
  }
  return out;
}

}  // namespace intern::config
