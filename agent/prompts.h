#pragma once
// The agent's prompts by name (DESIGN §1): prompts/<name>.md compiled into the binary, each
// overridable at run time by a file of the same name in the configured `prompts_dir`.
//
// Thread safety: pure apart from reading the override file.

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace intern::agent {

// Every prompt the agent uses, in alphabetical order ("compare_task", "final_turn", "guard",
// "persona_builder", ..., "system").
const std::vector<std::string>& PromptNames();

// The text of prompt `name`: `<cfg.prompts_dir>/<name>.md` when prompts_dir is set and that file
// exists, else the embedded text. Throws intern::Error for a name with no embedded prompt
// ("there is no prompt \"x\"; known prompts: compare_task, ...") or an override file that cannot
// be read ("reading prompt override PATH: ...").
std::string Prompt(std::string_view name, const config::Config& cfg);

// `text` with every "{key}" replaced by its value, in order.
std::string FillPrompt(std::string text,
                       const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace intern::agent
