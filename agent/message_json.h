#pragma once
// Storage form of the message model: JSON text, for the session store. Writing replaces invalid
// UTF-8 with U+FFFD (a model or a web page can hand us broken bytes; the store must still take
// them). Reading is lenient: a missing field takes its default and an unknown block type is
// skipped, so rows written by older or newer versions still load. Only text that is not JSON,
// or has the wrong shape where a value is required, is an error.
//
// Format of one message:
//   {"role":"assistant","content":[{"type":"text","text":"..."},
//     {"type":"tool_use","id":"t1","name":"web_search","input":"{\"q\":\"x\"}"},
//     {"type":"tool_result","tool_use_id":"t1","content":"...","is_error":false}]}
// `input` is stored as the model's JSON text (a string) so it round-trips byte for byte; a JSON
// object found there instead is accepted and re-serialised.

#include <string>
#include <string_view>
#include <vector>

#include "agent/message.h"
#include "config/result.h"

namespace intern::agent {

std::string MessageToJson(const Message& message);
std::string MessagesToJson(const std::vector<Message>& messages);  // a JSON array

// Failure (kInvalidArgument): not JSON, not an object/array, or an unknown role. The message
// names what was wrong ("message JSON: unknown role \"robot\"").
Result<Message> MessageFromJson(std::string_view text);
Result<std::vector<Message>> MessagesFromJson(std::string_view text);

std::string UsageToJson(const Usage& usage);
Result<Usage> UsageFromJson(std::string_view text);

}  // namespace intern::agent
