#include "tools/hub/hub_client.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tools/http/retry.h"
#include "tools/http/url.h"
#include "tools/web/query_string.h"

namespace intern::tools {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::int64_t Int(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

std::string ServerError(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  return doc.is_object() ? Str(doc, "error") : "";
}

HubModel ParseModel(const json& j) {
  HubModel m;
  m.id = Str(j, "id");
  if (m.id.empty()) m.id = Str(j, "modelId");
  m.author = Str(j, "author");
  m.downloads = Int(j, "downloads");
  m.likes = Int(j, "likes");
  m.pipeline_tag = Str(j, "pipeline_tag");
  m.library_name = Str(j, "library_name");
  if (auto it = j.find("tags"); it != j.end() && it->is_array()) {
    for (const json& t : *it) {
      if (t.is_string()) m.tags.push_back(t.get<std::string>());
    }
  }
  if (auto card = j.find("cardData"); card != j.end() && card->is_object()) {
    if (auto lic = card->find("license"); lic != card->end()) {
      if (lic->is_string()) m.license = lic->get<std::string>();
      // Some cards list several licences.
      if (lic->is_array() && !lic->empty() && lic->front().is_string()) {
        for (const json& l : *lic) {
          if (l.is_string()) m.license += (m.license.empty() ? "" : ", ") + l.get<std::string>();
        }
      }
    }
  }
  if (m.license.empty()) {
    for (const std::string& t : m.tags) {
      if (t.rfind("license:", 0) == 0) {
        m.license = t.substr(8);
        break;
      }
    }
  }
  if (auto st = j.find("safetensors"); st != j.end() && st->is_object()) {
    if (auto total = st->find("total"); total != st->end() && total->is_number_integer()) {
      m.parameters = total->get<std::int64_t>();
    }
    if (auto params = st->find("parameters"); params != st->end() && params->is_object()) {
      for (const auto& [dtype, n] : params->items()) {
        if (n.is_number_integer()) m.parameters_by_dtype.emplace_back(dtype, n.get<std::int64_t>());
      }
    }
  }
  if (auto g = j.find("gated"); g != j.end() && g->is_string()) m.gated = g->get<std::string>();
  if (auto p = j.find("private"); p != j.end() && p->is_boolean()) m.is_private = p->get<bool>();
  m.last_modified = Str(j, "lastModified");
  m.created_at = Str(j, "createdAt");
  return m;
}

}  // namespace

std::optional<Credential> HubCredential(const std::string& hub_url, const std::string& token) {
  if (token.empty()) return std::nullopt;
  auto url = ParseUrl(hub_url);
  if (!url) return std::nullopt;
  Credential c;
  c.host = url->host;
  c.port = url->port;
  c.headers = {{"Authorization", "Bearer " + token}};
  c.hint = "HF_TOKEN";
  c.allow_plain_http = IsLoopback(url->host);
  return c;
}

HubClient::HubClient(HttpClient& http, HubClientOptions options)
    : http_(http), options_(std::move(options)) {
  while (!options_.url.empty() && options_.url.back() == '/') options_.url.pop_back();
  auto url = ParseUrl(options_.url);
  host_ = url ? url->HostPort() : options_.url;
}

std::string HubClient::ModelPage(const std::string& id) const { return options_.url + "/" + id; }

Result<HttpResponse> HubClient::Get(const std::string& url, const std::string& id,
                                    std::uint64_t cap) {
  HttpRequest request;
  request.url = url;
  request.headers = {{"Accept", "application/json"}};
  request.timeouts = options_.timeouts;
  request.max_body_bytes = cap;
  Result<HttpResponse> sent = http_.Send(request);
  if (!sent) {
    if (sent.code() == ErrorCode::kTooLarge) {
      return Fail(ErrorCode::kTooLarge,
                  fmt::format("the Hugging Face Hub sent more than {} KiB for {}", cap >> 10,
                              id.empty() ? "a search" : id));
    }
    return Fail(sent.code(), fmt::format("the Hugging Face Hub at {} is unreachable ({}): check "
                                         "the network, or hub.url",
                                         host_, sent.message()));
  }
  const HttpResponse& r = *sent;
  if (r.status >= 200 && r.status < 300) return sent;
  const std::string code = r.Header("x-error-code").value_or("");
  const std::string detail = ServerError(r.body);
  if (r.status == 404 || code == "RepoNotFound" || code == "EntryNotFound") {
    return Fail(ErrorCode::kNotFound,
                fmt::format("the Hugging Face Hub has no model {} (HTTP {}): check the id as "
                            "written on huggingface.co (owner/name)",
                            id, r.status));
  }
  if ((r.status == 401 || r.status == 403) && code == "GatedRepo") {
    return Fail(ErrorCode::kForbidden,
                fmt::format("{} is a gated model (HTTP {}): accept its terms at {} and set "
                            "HF_TOKEN to a token of that account",
                            id, r.status, ModelPage(id)));
  }
  if (r.status == 401) {
    return Fail(ErrorCode::kUnauthorized,
                "the Hugging Face Hub refused the token (HTTP 401): check HF_TOKEN");
  }
  if (r.status == 403) {
    return Fail(ErrorCode::kForbidden,
                fmt::format("the Hugging Face Hub refused access to {} (HTTP 403{}): check that "
                            "HF_TOKEN may read it",
                            id, detail.empty() ? "" : ": " + detail));
  }
  if (r.status == 429) {
    auto wait = ServerRetryAfter(r.headers, std::chrono::system_clock::now());
    return Fail(
        ErrorCode::kRateLimited,
        fmt::format(
            "the Hugging Face Hub is rate limiting requests (HTTP 429){}: set "
            "HF_TOKEN for a higher limit, or try again later",
            wait ? fmt::format(" for {} s", std::chrono::ceil<std::chrono::seconds>(*wait).count())
                 : ""));
  }
  return Fail(ErrorCodeForStatus(r.status),
              fmt::format("the Hugging Face Hub answered HTTP {} for {}{}: {}", r.status,
                          id.empty() ? "a search" : id, detail.empty() ? "" : " (" + detail + ")",
                          r.status >= 500 ? "try again later" : "check the arguments"));
}

Result<HubModel> HubClient::Model(const std::string& id) {
  auto r = Get(options_.url + "/api/models/" + id, id, options_.max_body_bytes);
  if (!r) return r.failure();
  json doc = json::parse(r->body, nullptr, false);
  if (!doc.is_object()) {
    return Fail(ErrorCode::kProtocol,
                fmt::format("the Hugging Face Hub's answer for {} is not a JSON object; check "
                            "hub.url",
                            id));
  }
  HubModel m = ParseModel(doc);
  if (m.id.empty()) m.id = id;
  return m;
}

Result<std::vector<HubModel>> HubClient::Search(const std::string& query, int limit) {
  const std::string url = options_.url + "/api/models?" +
                          QueryString({{"search", query},
                                       {"sort", "downloads"},
                                       {"direction", "-1"},
                                       {"limit", std::to_string(limit)}});
  auto r = Get(url, "", options_.max_body_bytes);
  if (!r) return r.failure();
  json doc = json::parse(r->body, nullptr, false);
  if (!doc.is_array()) {
    return Fail(ErrorCode::kProtocol,
                "the Hugging Face Hub's search answer is not a JSON list; check hub.url");
  }
  std::vector<HubModel> out;
  for (const json& item : doc) {
    if (item.is_object() && static_cast<int>(out.size()) < limit) out.push_back(ParseModel(item));
  }
  return out;
}

Result<std::vector<HubModel>> HubClient::Listing(const std::string& sort, int limit) {
  const std::string url = options_.url + "/api/models?" +
                          QueryString({{"sort", sort},
                                       {"direction", "-1"},
                                       {"limit", std::to_string(limit)}});
  auto r = Get(url, "", options_.max_body_bytes);
  if (!r) return r.failure();
  json doc = json::parse(r->body, nullptr, false);
  if (!doc.is_array()) {
    return Fail(ErrorCode::kProtocol,
                "the Hugging Face Hub's model listing is not a JSON list; check hub.url");
  }
  std::vector<HubModel> out;
  for (const json& item : doc) {
    if (item.is_object() && static_cast<int>(out.size()) < limit) out.push_back(ParseModel(item));
  }
  return out;
}

Result<std::string> HubClient::ModelCard(const std::string& id) {
  auto r = Get(options_.url + "/" + id + "/resolve/main/README.md", id, options_.max_card_bytes);
  if (!r) {
    if (r.code() == ErrorCode::kNotFound) {
      return Fail(ErrorCode::kNotFound, fmt::format("{} has no model card (README.md)", id));
    }
    return r.failure();
  }
  return r->body;
}

}  // namespace intern::tools
