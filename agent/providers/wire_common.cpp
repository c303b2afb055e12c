#include "agent/providers/wire_common.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "tools/http/retry.h"
#include "tools/http/url.h"

namespace intern::agent::wire {
namespace {

// The server's explanation on one line, cut at a character boundary near 300 bytes.
std::string OneLine(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > 300) {
    std::size_t cut = 300;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "…";
  }
  return out;
}

}  // namespace

std::string Dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json ParseLenient(std::string_view text) {
  return Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

std::string GetString(const Json& object, std::string_view key, std::string fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

std::int64_t GetInt(const Json& object, std::string_view key, std::int64_t fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return fallback;
  if (it->is_number_float()) {
    // Only a float that fits: casting one outside int64's range (1e24 tokens) is undefined.
    const double value = it->get<double>();
    constexpr double kLimit = 9223372036854775807.0;  // 2^63, the first double past int64
    if (!std::isfinite(value) || value >= kLimit || value < -kLimit) return fallback;
    return static_cast<std::int64_t>(value);
  }
  if (it->is_number_unsigned() &&
      it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    return fallback;
  }
  return it->get<std::int64_t>();
}

std::int64_t GetCount(const Json& object, std::string_view key, std::int64_t fallback) {
  const std::int64_t value = GetInt(object, key, fallback);
  return value < 0 ? fallback : value;
}

const Json& GetObject(const Json& object, std::string_view key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  if (it == object.end() || !it->is_object()) return kNull;
  return *it;
}

const Json& GetArray(const Json& object, std::string_view key) {
  static const Json kEmpty = Json::array();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return kEmpty;
  return *it;
}

Json SchemaObject(const std::string& json_schema) {
  Json schema = ParseLenient(json_schema);
  if (schema.is_discarded() || !schema.is_object()) return Json{{"type", "object"}};
  return schema;
}

VendorError VendorErrorFrom(const Json& error_object) {
  VendorError out;
  out.type = GetString(error_object, "type");
  out.message = OneLine(GetString(error_object, "message"));
  if (error_object.is_object()) {
    auto it = error_object.find("code");
    if (it != error_object.end()) {
      if (it->is_string()) out.code = it->get<std::string>();
      if (it->is_number_integer()) out.code = std::to_string(it->get<std::int64_t>());
    }
  }
  return out;
}

VendorError ParseVendorError(std::string_view body) {
  Json doc = ParseLenient(body);
  if (doc.is_discarded()) return VendorError{"", "", OneLine(body)};
  const Json& error = GetObject(doc, "error");
  if (!error.is_null()) return VendorErrorFrom(error);
  // Some OpenAI-compatible servers answer {"error":"text"} or {"message":"text"}.
  if (doc.is_object() && doc.contains("error") && doc["error"].is_string()) {
    return VendorError{"", "", OneLine(doc["error"].get<std::string>())};
  }
  return VendorError{"", "", OneLine(GetString(doc, "message"))};
}

ErrorCode CodeForVendorType(const VendorError& error) {
  const std::string& t = error.type;
  if (t == "overloaded_error" || t == "api_error" || t == "server_error" ||
      error.code == "server_error") {
    return ErrorCode::kServer;
  }
  if (t == "rate_limit_error" || error.code == "rate_limit_exceeded" || t == "requests" ||
      t == "tokens") {
    return ErrorCode::kRateLimited;
  }
  if (t == "authentication_error" || error.code == "invalid_api_key") {
    return ErrorCode::kUnauthorized;
  }
  if (t == "permission_error") return ErrorCode::kForbidden;
  if (t == "not_found_error") return ErrorCode::kNotFound;
  if (t == "request_too_large") return ErrorCode::kTooLarge;
  return ErrorCode::kInvalidArgument;
}

std::string Redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (std::size_t pos = text.find(secret); pos != std::string::npos;
       pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "[redacted]");
    pos += 10;
  }
  return text;
}

std::string HostForMessages(std::string_view url) {
  Result<tools::Url> parsed = tools::ParseUrl(url);
  return parsed ? parsed->host : std::string("the server");
}

Failure ClassifyHttpError(const ErrorContext& context, const tools::HttpResponse& response,
                          const VendorError& vendor, bool context_length) {
  const int status = response.status;
  const std::string host = HostForMessages(response.final_url);
  // What the server said, for the sentences that quote it.
  std::string said;
  if (!vendor.type.empty() && !vendor.message.empty()) {
    said = fmt::format("{}: {}", vendor.type, vendor.message);
  } else {
    said = !vendor.message.empty() ? vendor.message : vendor.type;
  }
  auto with_said = [&](std::string sentence) {
    return said.empty() ? sentence : fmt::format("{} ({})", sentence, said);
  };
  const std::string& p = context.provider;
  if (context_length) {
    return Fail(ErrorCode::kContextLength,
                with_said(fmt::format("{}: the request is longer than the context window of {} "
                                      "(HTTP {})",
                                      p, context.model, status)));
  }
  switch (status) {
    case 401:
    case 403:
      // The body may echo the key (OpenAI quotes part of it): never quote it here.
      return Fail(tools::ErrorCodeForStatus(status),
                  fmt::format("{}: {}", p, tools::DescribeHttpError(response, context.key_hint)));
    case 404:
      return Fail(ErrorCode::kNotFound,
                  with_said(fmt::format("{}: {} has no model \"{}\" or no such endpoint (HTTP "
                                        "404): check the model name and base_url",
                                        p, host, context.model)));
    case 413:
      return Fail(
          ErrorCode::kTooLarge,
          with_said(fmt::format("{}: {} rejected the request as too large (HTTP 413)", p, host)));
    case 429:
      return Fail(ErrorCode::kRateLimited,
                  with_said(fmt::format("{}: {} kept rate-limiting the requests (HTTP 429): "
                                        "wait a while and try again",
                                        p, host)));
    default:
      break;
  }
  if (status == 529 || vendor.type == "overloaded_error") {
    return Fail(ErrorCode::kServer,
                with_said(fmt::format("{}: {} stayed overloaded (HTTP {}): try again later", p,
                                      host, status)));
  }
  if (status >= 500) {
    return Fail(
        ErrorCode::kServer,
        with_said(fmt::format("{}: {} failed with HTTP {}: try again later", p, host, status)));
  }
  ErrorCode code = tools::ErrorCodeForStatus(status);
  return Fail(code,
              with_said(fmt::format("{}: {} rejected the request (HTTP {})", p, host, status)));
}

}  // namespace intern::agent::wire
