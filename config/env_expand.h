#pragma once
// ${NAME} references in configuration values, replaced from the environment — so a token an MCP
// server needs ("Authorization = \"Bearer ${GITHUB_TOKEN}\"") stays out of config files.
//
// Syntax (the subset of the shell's that `.mcp.json` files use too):
//   ${NAME}           the variable's value; an unset or empty variable is an error
//   ${NAME:-DEFAULT}  the variable's value, or DEFAULT (taken literally) when unset or empty
//   $$                one literal '$'
// NAME is letters, digits and '_', not starting with a digit. Any other '$' is kept as it is.
// Pure function; no I/O.

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "config/result.h"

namespace intern::config {

// `text` with every reference replaced. Failures (kInvalidArgument) say what is wrong with the
// reference: "${TOKEN} is not set in the environment", "\"${TOKEN\" has no closing \"}\"",
// "\"${1X}\" is not a variable name". Callers prefix where the text came from.
Result<std::string> ExpandEnvReferences(std::string_view text,
                                        const std::map<std::string, std::string, std::less<>>& env);

}  // namespace intern::config
