#pragma once
// The prompts of prompts/*.md, compiled into the binary. Each entry's name is the file name
// without its extension ("system", "persona_builder", ...). Texts live for the whole program.

#include <string_view>
#include <vector>

namespace intern::prompts {

struct EmbeddedPrompt {
  std::string_view name;
  std::string_view text;
};

// Every embedded prompt, sorted by name.
const std::vector<EmbeddedPrompt>& EmbeddedPrompts();

}  // namespace intern::prompts
