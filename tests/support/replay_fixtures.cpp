// Reading recorded exchanges (tests/fixtures/github/*.json) and turning them into responses a
// loopback server can send.

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config/error.h"
#include "tests/support/fake_http_server.h"

namespace intern::testing {
namespace {

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

bool NameIs(const std::string& name, std::string_view want) {
  return FindHeader({{name, ""}}, want).has_value();
}

}  // namespace

std::vector<RecordedExchange> LoadExchanges(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("reading exchanges from " + path + ": cannot open the file");
  std::stringstream text;
  text << in.rdbuf();
  std::vector<RecordedExchange> out;
  try {
    const nlohmann::json doc = nlohmann::json::parse(text.str());
    for (const auto& item : doc.at("exchanges")) {
      const auto& request = item.at("request");
      const auto& response = item.at("response");
      RecordedExchange exchange;
      exchange.method = request.at("method").get<std::string>();
      exchange.host = request.value("host", "");
      exchange.path = request.at("path").get<std::string>();
      if (request.contains("body") && request["body"].is_string()) {
        exchange.request_body = request["body"].get<std::string>();
      }
      exchange.status = response.at("status").get<int>();
      for (const auto& header : response.at("headers")) {
        exchange.headers.emplace_back(header.at(0).get<std::string>(),
                                      header.at(1).get<std::string>());
      }
      if (response.contains("body") && response["body"].is_string()) {
        exchange.body = response["body"].get<std::string>();
      }
      out.push_back(std::move(exchange));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error("reading exchanges from " + path + ": " + e.what());
  }
  return out;
}

FakeResponse ReplayResponse(const RecordedExchange& exchange, std::string_view base_url) {
  FakeResponse response = FakeResponse::Status(exchange.status, exchange.body);
  for (const auto& [name, value] : exchange.headers) {
    // The recorded body is already decoded and unframed; the fake frames it itself.
    if (NameIs(name, "content-encoding") || NameIs(name, "transfer-encoding") ||
        NameIs(name, "content-length") || NameIs(name, "connection")) {
      continue;
    }
    if (NameIs(name, "link")) {
      response.headers.emplace_back(name,
                                    ReplaceAll(value, "https://api.github.com", base_url));
    } else {
      response.headers.emplace_back(name, value);
    }
  }
  return response;
}

}  // namespace intern::testing
