#include "agent/resolve_remote.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

#include "agent/toolbox.h"
#include "tools/github/github_client.h"
#include "tools/github/http_cache.h"
#include "tools/hub/hub_client.h"

namespace intern::agent {
namespace {

bool Unreachable(ErrorCode code) {
  return code == ErrorCode::kConnection || code == ErrorCode::kTimeout ||
         code == ErrorCode::kUnavailable;
}

// "2025-04-08T07:25:13.000Z" -> "2025-04-08"; "" when it does not start with a date.
std::string DatePart(const std::string& rfc3339) {
  if (rfc3339.size() < 10 || rfc3339[4] != '-' || rfc3339[7] != '-') return "";
  return rfc3339.substr(0, 10);
}

// The hub matches ids, not words: "Tiny VLM" is searched as "Tiny-VLM".
std::string HubQuery(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == ' ') c = '-';
  }
  return out;
}

class HubGithubResolver final : public RemoteResolver {
 public:
  HubGithubResolver(tools::HttpClient& http, Clock& clock, RemoteResolverOptions options)
      : clock_(clock),
        per_source_(options.per_source),
        hub_(http, HubOptions(options)),
        github_(http, cache_, clock, GithubOptions(options)) {}

  Result<std::vector<RemoteMatch>> Search(std::string_view name) override {
    const std::time_t now = std::chrono::system_clock::to_time_t(clock_.Now());
    const std::string today = fmt::format("{:%Y-%m-%d}", fmt::gmtime(now));
    std::vector<RemoteMatch> out;
    Result<std::vector<tools::HubModel>> models = hub_.Search(HubQuery(name), per_source_);
    if (models) {
      for (const tools::HubModel& m : *models) out.push_back(FromHub(m, today));
    }
    // Repositories with the name in their name, GitHub's best match first.
    auto repos = github_.SearchRepositories(std::string(name) + " in:name", per_source_, "");
    if (repos) {
      for (const tools::GithubRepository& r : repos->value.items) {
        if (static_cast<int>(out.size()) >= 2 * per_source_) break;
        out.push_back(FromGithub(r, today));
      }
    }
    if (models || repos) return out;
    if (Unreachable(models.code()) && Unreachable(repos.code())) {
      return Fail(ErrorCode::kConnection,
                  fmt::format("neither the Hugging Face Hub nor GitHub could be reached ({}; {})",
                              models.message(), repos.message()));
    }
    return !Unreachable(models.code()) ? models.failure() : repos.failure();
  }

 private:
  static tools::HubClientOptions HubOptions(const RemoteResolverOptions& o) {
    tools::HubClientOptions h;
    h.url = o.hub_url;
    return h;
  }
  static tools::GithubClientOptions GithubOptions(const RemoteResolverOptions& o) {
    tools::GithubClientOptions g;
    g.api_url = o.github_api_url;
    g.max_pages = 1;
    return g;
  }

  RemoteMatch FromHub(const tools::HubModel& m, const std::string& today) const {
    RemoteMatch r;
    r.source = "hub";
    r.id = m.id;
    r.kind = "model";
    r.url = hub_.ModelPage(m.id);
    r.licence = m.license;
    r.pipeline_tag = m.pipeline_tag;
    r.popularity = ShortCount(m.downloads) + " downloads";
    auto fact = [&](const char* field, std::string value) {
      if (!value.empty()) r.facts.push_back({field, std::move(value), r.url, today});
    };
    fact("downloads", std::to_string(m.downloads));
    fact("likes", std::to_string(m.likes));
    fact("last_modified", DatePart(m.last_modified));
    if (m.parameters) fact("parameters", std::to_string(*m.parameters));
    return r;
  }

  static RemoteMatch FromGithub(const tools::GithubRepository& repo, const std::string& today) {
    RemoteMatch r;
    r.source = "github";
    r.id = repo.full_name;
    r.url = repo.html_url.empty() ? "https://github.com/" + repo.full_name : repo.html_url;
    r.description = repo.description;
    if (repo.license_spdx != "NOASSERTION") r.licence = repo.license_spdx;
    r.homepage = repo.homepage;
    for (const std::string& topic : repo.topics) {
      if (topic == "agent" || topic == "agents" || topic == "ai-agent" || topic == "ai-agents") {
        r.kind = "agent";
      }
    }
    r.popularity = ShortCount(repo.stars) + " stars";
    auto fact = [&](const char* field, std::string value) {
      if (!value.empty()) r.facts.push_back({field, std::move(value), r.url, today});
    };
    fact("stars", std::to_string(repo.stars));
    fact("forks", std::to_string(repo.forks));
    fact("language", repo.language);
    fact("pushed_at", DatePart(repo.pushed_at));
    return r;
  }

  Clock& clock_;
  int per_source_;
  tools::MemoryHttpCache cache_;  // one look-up per name: nothing to revalidate
  tools::HubClient hub_;
  tools::GithubClient github_;
};

// Makes the HTTP client and the resolver when first asked.
class LazyConfiguredResolver final : public RemoteResolver {
 public:
  LazyConfiguredResolver(const config::Config& cfg, Clock& clock) : cfg_(cfg), clock_(clock) {}
  Result<std::vector<RemoteMatch>> Search(std::string_view name) override {
    if (!inner_) {
      http_ = std::make_unique<tools::BeastHttpClient>(HttpOptionsFromConfig(cfg_));
      inner_ = MakeHubGithubResolver(*http_, clock_, RemoteResolverOptionsFrom(cfg_));
    }
    return inner_->Search(name);
  }

 private:
  config::Config cfg_;
  Clock& clock_;
  std::unique_ptr<tools::HttpClient> http_;  // declared before inner_, which borrows it
  std::unique_ptr<RemoteResolver> inner_;
};

}  // namespace

RemoteResolverOptions RemoteResolverOptionsFrom(const config::Config& cfg) {
  RemoteResolverOptions o;
  o.hub_url = cfg.hub.url;
  o.github_api_url = cfg.github.api_url;
  return o;
}

std::string ShortCount(std::int64_t n) {
  if (n < 1000) return std::to_string(n);
  if (n < 1'000'000) return fmt::format("{:.1f}k", static_cast<double>(n) / 1e3);
  if (n < 1'000'000'000) return fmt::format("{:.1f}M", static_cast<double>(n) / 1e6);
  return fmt::format("{:.1f}B", static_cast<double>(n) / 1e9);
}

std::unique_ptr<RemoteResolver> MakeHubGithubResolver(tools::HttpClient& http, Clock& clock,
                                                      RemoteResolverOptions options) {
  return std::make_unique<HubGithubResolver>(http, clock, std::move(options));
}

}  // namespace intern::agent

namespace intern::agent {

std::unique_ptr<RemoteResolver> MakeConfiguredRemoteResolver(const config::Config& cfg,
                                                             Clock& clock) {
  return std::make_unique<LazyConfiguredResolver>(cfg, clock);
}

}  // namespace intern::agent
