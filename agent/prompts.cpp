#include "agent/prompts.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "config/error.h"
#include "prompts/embedded.h"

namespace intern::agent {

const std::vector<std::string>& PromptNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& p : prompts::EmbeddedPrompts()) names.emplace_back(p.name);
    std::sort(names.begin(), names.end());
    return names;
  }();
  return kNames;
}

std::string Prompt(std::string_view name, const config::Config& cfg) {
  const prompts::EmbeddedPrompt* embedded = nullptr;
  for (const auto& p : prompts::EmbeddedPrompts()) {
    if (p.name == name) embedded = &p;
  }
  if (embedded == nullptr) {
    throw Error(fmt::format("there is no prompt \"{}\"; known prompts: {}", name,
                            fmt::join(PromptNames(), ", ")));
  }
  if (!cfg.prompts_dir.empty()) {
    std::filesystem::path path = cfg.prompts_dir / (std::string(name) + ".md");
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      if (!in && !in.eof()) {
        throw Error(fmt::format("reading prompt override {}: cannot read the file", path.string()));
      }
      return text.str();
    }
  }
  return std::string(embedded->text);
}

std::string FillPrompt(std::string text,
                       const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [key, value] : values) {
    const std::string token = "{" + key + "}";
    std::size_t pos = 0;
    while ((pos = text.find(token, pos)) != std::string::npos) {
      text.replace(pos, token.size(), value);
      pos += value.size();
    }
  }
  return text;
}

}  // namespace intern::agent
