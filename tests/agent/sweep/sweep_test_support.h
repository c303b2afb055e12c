#pragma once
// What the sweep tests share: loopback fakes of GitHub search (two pages with `link`
// pagination) and of the hub's trending listing, serving tests/fixtures/sweep, and a config
// pointing at them with a temporary INTERN_HOME.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.h"
#include "tests/config/temp_dir.h"
#include "tests/support/fake_http_server.h"

namespace intern::agent::sweep_testing {

inline std::string Fixture(const std::string& name) {
  return testing::ReadFile(std::filesystem::path(INTERN_TEST_FIXTURES) / "sweep" / name);
}

// "%3A" -> ":", "+" -> " ".
inline std::string Unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// GitHub search answering page 1 (with a next link) and page 2 (prev/first links only).
inline void ServeSearch(testing::FakeHttpServer& github) {
  const std::string page1 = Fixture("github_search_page1.json");
  const std::string page2 = Fixture("github_search_page2.json");
  testing::FakeHttpServer* server = &github;
  github.On("GET", "/search/repositories", [server, page1, page2](const testing::RecordedRequest& r) {
    std::string query = r.target.substr(r.target.find('?') + 1);
    const bool second = query.find("&page=2") != std::string::npos;
    if (second) query = query.substr(0, query.find("&page=2"));
    const std::string base = server->url() + "/search/repositories?" + query;
    testing::FakeResponse response = testing::FakeResponse::Json(200, second ? page2 : page1);
    response.WithHeader("x-ratelimit-limit", "30")
        .WithHeader("x-ratelimit-remaining", second ? "28" : "29")
        .WithHeader("x-ratelimit-resource", "search");
    if (second) {
      response.WithHeader("link", "<" + base + "&page=1>; rel=\"prev\", <" + base +
                                      "&page=1>; rel=\"first\"");
    } else {
      response.WithHeader("link", "<" + base + "&page=2>; rel=\"next\", <" + base +
                                      "&page=2>; rel=\"last\"");
    }
    return response;
  });
}

inline void ServeTrending(testing::FakeHttpServer& hub) {
  hub.On("GET", "/api/models", {testing::FakeResponse::Json(200, Fixture("hub_trending.json"))});
}

inline config::Config MakeConfig(const std::filesystem::path& home,
                                 std::vector<std::string> overrides) {
  config::LoadOptions options;
  options.env = {{"INTERN_HOME", home.string()}};
  options.cwd = home;
  options.system_dir = home / "etc";
  options.home = home;
  options.flag_overrides = std::move(overrides);
  return config::Load(options);
}

inline std::vector<testing::RecordedRequest> SearchRequests(const testing::FakeHttpServer& github) {
  std::vector<testing::RecordedRequest> out;
  for (const auto& r : github.requests()) {
    if (r.path == "/search/repositories") out.push_back(r);
  }
  return out;
}

}  // namespace intern::agent::sweep_testing
