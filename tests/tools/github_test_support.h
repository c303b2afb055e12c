#pragma once
// Shared by the GitHub client and tool tests: the recorded fixtures served on a loopback fake,
// and a real BeastHttpClient whose only credential is a GitHub token for that fake.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/fake_http_server.h"
#include "tools/github/github_client.h"
#include "tools/http/beast_http_client.h"

namespace intern::testing {

inline constexpr const char* kTestGithubToken = "ghp_test_token_123";

inline std::vector<RecordedExchange> GithubFixture(const std::string& name) {
  return LoadExchanges(std::string(INTERN_TEST_FIXTURES) + "/github/" + name);
}

// The path of `target` and its query parameters sorted, so two targets that differ only in the
// order of their parameters compare equal.
inline std::pair<std::string, std::vector<std::string>> TargetKey(const std::string& target) {
  std::size_t q = target.find('?');
  std::vector<std::string> params;
  if (q != std::string::npos) {
    std::string rest = target.substr(q + 1);
    for (std::size_t at = 0; at <= rest.size();) {
      std::size_t amp = rest.find('&', at);
      if (amp == std::string::npos) amp = rest.size();
      params.push_back(rest.substr(at, amp - at));
      at = amp + 1;
    }
  }
  std::sort(params.begin(), params.end());
  return {target.substr(0, q), params};
}

// Like FakeHttpServer::Replay, but a request matches a recorded one whose query has the same
// parameters in any order (the client orders its parameters differently from PyGithub).
inline void ReplayAnyParameterOrder(FakeHttpServer& server,
                                    const std::vector<RecordedExchange>& exchanges) {
  for (const RecordedExchange& e : exchanges) {
    auto key = TargetKey(e.path);
    server.OnMatch(
        [key, method = e.method](const RecordedRequest& r) {
          return r.method == method && TargetKey(r.target) == key;
        },
        std::vector<FakeResponse>{ReplayResponse(e, server.url())});
  }
}

// A client that sends the test token to `server` only (its host and port).
inline tools::HttpClientOptions GithubHttpOptions(const FakeHttpServer& server) {
  tools::HttpClientOptions options;
  options.use_system_cas = false;
  options.credentials.Add(*tools::GithubCredential(server.url(), kTestGithubToken));
  options.default_timeouts = {std::chrono::seconds(2), std::chrono::seconds(2),
                              std::chrono::seconds(2), std::chrono::seconds(5)};
  return options;
}

inline std::string RecordedRepoBody() { return GithubFixture("repo.json").at(0).body; }
inline std::string RecordedRepoEtag() {
  return *FindHeader(GithubFixture("repo.json").at(0).headers, "etag");
}

}  // namespace intern::testing
