#pragma once
// Validates tool arguments against the subset of JSON Schema that tool schemas use, producing
// messages a model can act on ("argument \"k\" must be an integer, got the string \"5\"").
//
// Supported keywords: type (a name or a list of names: object, string, integer, number, boolean,
// array, null), properties, required, additionalProperties (bool; an object schema without it is
// treated as `false`: unknown fields are errors), enum, minimum, maximum, minLength, maxLength,
// pattern (ECMAScript regex), items, minItems, maxItems, default (filled in by ApplyDefaults).
// Other keywords (description, title, examples, $comment) are ignored.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace intern::tools {

// Every violation of `schema` by `value`, in document order; empty when valid. Paths are written
// like `filters[2].name`; the top-level object's fields are called "argument \"name\"".
std::vector<std::string> ValidateAgainstSchema(const nlohmann::json& value,
                                               const nlohmann::json& schema);

// Adds top-level properties that are absent from `value` but have a `default` in `schema`.
void ApplyDefaults(nlohmann::json& value, const nlohmann::json& schema);

}  // namespace intern::tools
