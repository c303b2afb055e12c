#pragma once
// HubClient — the Hugging Face Hub model API (DESIGN §5 hub_lookup) over the project's
// HttpClient, against cfg.hub.url.
//
//   GET /api/models/{id}                                 model info
//   GET /api/models?search=Q&sort=downloads&direction=-1&limit=N   search by name
//   GET /api/models?sort=trendingScore&direction=-1&limit=N        trending models (sweeps)
//   GET /{id}/resolve/main/README.md                     the model card
//
// The token is NOT added here: HubCredential below goes into the HttpClient's per-host
// CredentialStore, so HF_TOKEN reaches the hub host only (a README redirected to a CDN host
// goes there without it).
//
// Failures (Result), one sentence each: 404, or the Hub's 401 with X-Error-Code RepoNotFound
// (what it answers for unknown and private models) → kNotFound "the Hugging Face Hub has no
// model ID (HTTP 404): check the id as written on huggingface.co"; a gated model's 401/403 →
// kForbidden naming the model page and HF_TOKEN; other 401 → kUnauthorized naming HF_TOKEN;
// 429 → kRateLimited; 5xx → kServer; transport failures keep their code ("the Hugging Face Hub
// at HOST is unreachable (…)"); malformed JSON → kProtocol.
//
// Thread safety: calls may run concurrently when `http` allows it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/result.h"
#include "tools/http/credentials.h"
#include "tools/http/http_client.h"

namespace intern::tools {

struct HubClientOptions {
  std::string url = "https://huggingface.co";
  HttpTimeouts timeouts{std::chrono::seconds(10), std::chrono::seconds(30),
                        std::chrono::seconds(30), std::chrono::seconds(60)};
  std::uint64_t max_body_bytes = 8ull << 20;
  std::uint64_t max_card_bytes = 512ull << 10;
};

struct HubModel {
  std::string id;
  std::string author;
  std::int64_t downloads = 0;  // the Hub's count over the last 30 days
  std::int64_t likes = 0;
  std::string pipeline_tag;
  std::string library_name;
  std::string license;  // cardData.license, else the "license:" tag; "" when neither
  std::optional<std::int64_t> parameters;                                 // safetensors.total
  std::vector<std::pair<std::string, std::int64_t>> parameters_by_dtype;  // safetensors.parameters
  std::string gated;  // "" when not gated, else the Hub's mode: "auto" or "manual"
  bool is_private = false;
  std::string last_modified;  // RFC 3339 as the Hub wrote it
  std::string created_at;
  std::vector<std::string> tags;

  bool operator==(const HubModel&) const = default;
};

// The credential to add to the HttpClient's CredentialStore for `token` at `hub_url` (Bearer,
// hint HF_TOKEN; plain http only for loopback test fakes). nullopt for an empty token or bad URL.
std::optional<Credential> HubCredential(const std::string& hub_url, const std::string& token);

class HubClient {
 public:
  // `http` is borrowed and must outlive the client.
  HubClient(HttpClient& http, HubClientOptions options);

  // `id` is "owner/name" or a legacy single name ("gpt2"), validated by the caller.
  Result<HubModel> Model(const std::string& id);
  // Models whose id contains `query`, most downloaded first; at most `limit`.
  Result<std::vector<HubModel>> Search(const std::string& query, int limit);
  // The hub's listing of models by `sort` ("trendingScore": what is trending now; also
  // "likes", "downloads", "createdAt"), highest first; at most `limit`.
  //   GET /api/models?sort=SORT&direction=-1&limit=N
  Result<std::vector<HubModel>> Listing(const std::string& sort, int limit);
  // The model card (README.md, front matter included), capped at options.max_card_bytes.
  Result<std::string> ModelCard(const std::string& id);

  // The model's page: "{url}/{id}".
  std::string ModelPage(const std::string& id) const;

 private:
  Result<HttpResponse> Get(const std::string& url, const std::string& id, std::uint64_t cap);

  HttpClient& http_;
  HubClientOptions options_;
  std::string host_;  // for messages
};

}  // namespace intern::tools
