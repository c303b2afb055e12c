#pragma once
// Helpers shared by the openai and anthropic converters and providers (internal to
// agent/providers/): lenient reads of foreign JSON, dumps that survive invalid UTF-8, the vendor
// error document both APIs use ({"error":{"type","message","code"}}), and the classification of
// an HTTP error answer into one Failure sentence.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "agent/message.h"
#include "config/result.h"
#include "tools/http/http_client.h"

namespace intern::agent::wire {

using Json = nlohmann::json;

// Receives each piece of answer text as it streams.
using TextSink = std::function<void(std::string_view)>;

// Compact JSON text; invalid UTF-8 in strings becomes U+FFFD instead of throwing.
std::string Dump(const Json& value);

// Parses `text`; nullopt-like: a discarded value (is_discarded()) when it is not JSON.
Json ParseLenient(std::string_view text);

// `object[key]` as a string / integer / object, or the default when absent or of another type
// (for GetInt also when the number does not fit an int64: a float is truncated when it does).
std::string GetString(const Json& object, std::string_view key, std::string fallback = "");
std::int64_t GetInt(const Json& object, std::string_view key, std::int64_t fallback = 0);
// GetInt for a count (tokens): a negative number is the default too, so a misbehaving server
// cannot make a usage figure, and so the budget, go backwards.
std::int64_t GetCount(const Json& object, std::string_view key, std::int64_t fallback = 0);
const Json& GetObject(const Json& object, std::string_view key);  // null Json when absent
const Json& GetArray(const Json& object, std::string_view key);   // empty array when absent

// A tool's JSON Schema text as an object; {"type":"object"} when empty or not an object, so one
// bad schema does not make the API refuse the whole request.
Json SchemaObject(const std::string& json_schema);

// The error document of a 4xx/5xx answer or a streamed error event. Every field "" when absent.
struct VendorError {
  std::string type;     // "invalid_request_error", "overloaded_error", ...
  std::string code;     // OpenAI's "context_length_exceeded", ...
  std::string message;  // the server's explanation, on one line, at most ~300 characters
};
VendorError ParseVendorError(std::string_view body);
VendorError VendorErrorFrom(const Json& error_object);

// The code of an error reported inside a 200 stream (Anthropic `error` event, OpenAI error chunk):
// overloaded/api/server errors kServer, rate limits kRateLimited, auth kUnauthorized, permission
// kForbidden, not found kNotFound, request_too_large kTooLarge, anything else kInvalidArgument.
ErrorCode CodeForVendorType(const VendorError& error);

// Replaces every occurrence of `secret` (when not empty) in `text` by "[redacted]".
std::string Redact(std::string text, std::string_view secret);

struct ErrorContext {
  std::string provider;  // "anthropic": the message starts "anthropic: "
  std::string key_hint;  // "ANTHROPIC_API_KEY", named in 401/403 sentences
  std::string model;     // named in 404 sentences
};

// One sentence for an HTTP answer of 400 or more (see the provider headers for the table).
// `context_length` says the protocol recognised a context-window error in the body.
Failure ClassifyHttpError(const ErrorContext& context, const tools::HttpResponse& response,
                          const VendorError& vendor, bool context_length);

// The host of `url` for messages ("the server" when it does not parse).
std::string HostForMessages(std::string_view url);

}  // namespace intern::agent::wire
