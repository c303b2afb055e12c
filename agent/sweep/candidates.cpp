#include "agent/sweep/candidates.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <set>

namespace intern::agent {
namespace {

std::string AfterSlash(const std::string& id) {
  std::size_t slash = id.find('/');
  return slash == std::string::npos ? id : id.substr(slash + 1);
}

std::string BeforeSlash(const std::string& id) {
  std::size_t slash = id.find('/');
  return slash == std::string::npos ? "" : id.substr(0, slash);
}

SweepCandidate FromRepository(const tools::GithubRepository& repo) {
  SweepCandidate c;
  c.source = "github";
  c.id = repo.full_name;
  c.name = AfterSlash(repo.full_name);
  c.organisation = BeforeSlash(repo.full_name);
  c.url = repo.html_url.empty() ? "https://github.com/" + repo.full_name : repo.html_url;
  c.description = repo.description;
  c.stars = repo.stars;
  c.licence = repo.license_spdx == "NOASSERTION" ? "" : repo.license_spdx;
  c.created_at = repo.created_at;
  c.topics = repo.topics;
  c.language = repo.language;
  return c;
}

SweepCandidate FromModel(const tools::HubModel& model, const std::string& page) {
  SweepCandidate c;
  c.source = "hub";
  c.id = model.id;
  c.name = AfterSlash(model.id);
  c.organisation = model.author.empty() ? BeforeSlash(model.id) : model.author;
  c.url = page;
  c.downloads = model.downloads;
  c.likes = model.likes;
  c.licence = model.license;
  c.created_at = model.created_at;
  c.pipeline_tag = model.pipeline_tag;
  c.language = model.library_name;
  return c;
}

void SearchGithub(tools::GithubClient& github, const DiscoveryOptions& options, Discovery& out) {
  std::vector<std::string> topics = options.topics;
  if (topics.empty()) topics.push_back("");
  std::set<std::string> seen;
  const std::string created = UtcDate(options.created_since);
  for (std::size_t i = 0; i < topics.size(); ++i) {
    const std::string& topic = topics[i];
    std::string query = fmt::format("created:>={} stars:>={}", created, options.min_stars);
    if (!topic.empty()) query = fmt::format("topic:{} {}", topic, query);
    auto found = github.SearchRepositories(query, options.limit, "stars", "desc", options.cancel);
    if (!found) {
      out.notes.push_back(fmt::format("GitHub search stopped after {} of {} topic searches: {}",
                                      i, topics.size(), found.message()));
      out.github_failed = true;
      break;
    }
    for (const tools::GithubRepository& repo : found->value.items) {
      if (repo.fork || repo.archived || repo.stars < options.min_stars) continue;
      std::string key = repo.full_name;
      std::transform(key.begin(), key.end(), key.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (seen.insert(key).second) out.github.push_back(FromRepository(repo));
    }
  }
  std::stable_sort(out.github.begin(), out.github.end(),
                   [](const SweepCandidate& a, const SweepCandidate& b) { return a.stars > b.stars; });
  if (static_cast<int>(out.github.size()) > options.limit) out.github.resize(options.limit);
}

void ListHub(tools::HubClient& hub, const DiscoveryOptions& options, Discovery& out) {
  auto listed = hub.Listing("trendingScore", options.limit);
  if (!listed) {
    out.notes.push_back(fmt::format("Hub trending models were not read: {}", listed.message()));
    out.hub_failed = true;
    return;
  }
  for (const tools::HubModel& model : *listed) {
    if (model.id.empty() || model.is_private) continue;
    if (!model.created_at.empty()) {
      auto created = ParseRfc3339(model.created_at);
      if (created && *created < options.created_since) continue;
    }
    out.hub.push_back(FromModel(model, hub.ModelPage(model.id)));
  }
}

}  // namespace

std::string UtcDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::optional<std::chrono::system_clock::time_point> ParseRfc3339(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s,
                  &consumed) != 6) {
    return std::nullopt;
  }
  std::size_t i = static_cast<std::size_t>(consumed);
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  }
  long offset = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(text.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset = (text[i] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
  } else if (i >= text.size() || (text[i] != 'Z' && text[i] != 'z')) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::time_t t = timegm(&tm);
  return std::chrono::system_clock::from_time_t(t - offset);
}

Discovery DiscoverCandidates(tools::GithubClient& github, tools::HubClient& hub,
                             const DiscoveryOptions& options) {
  Discovery out;
  if (options.github) SearchGithub(github, options, out);
  if (options.hub) ListHub(hub, options, out);
  return out;
}

}  // namespace intern::agent
