#include "tools/repo/repo_inspect_tool.h"

#include <catch2/catch.hpp>
#include <mutex>

#include "tests/tools/repo_test_support.h"

namespace intern::tools {
namespace {

using testing::BuildDemoHistory;
using testing::OriginRepo;
using testing::TempDir;

// A ledger that keeps records in memory, numbers them ev-1, ev-2, ... and can be told to fail.
// (Private to this file; tests/support/memory_ledger.h is the shared one.)
class FakeLedger final : public EvidenceLedger {
 public:
  Result<std::string> Record(const EvidenceDraft& draft) override {
    std::lock_guard lock(mu_);
    if (fail_) return Fail(ErrorCode::kIo, "disk full");
    EvidenceRecord record;
    record.id = "ev-" + std::to_string(records_.size() + 1);
    record.draft = draft;
    records_.push_back(record);
    return record.id;
  }
  std::optional<EvidenceRecord> Get(const std::string& id) const override {
    std::lock_guard lock(mu_);
    for (const EvidenceRecord& r : records_) {
      if (r.id == id) return r;
    }
    return std::nullopt;
  }
  std::vector<EvidenceRecord> records() const {
    std::lock_guard lock(mu_);
    return records_;
  }
  void set_fail(bool fail) { fail_ = fail; }

 private:
  mutable std::mutex mu_;
  std::vector<EvidenceRecord> records_;
  bool fail_ = false;
};

struct Fixture {
  TempDir dir;
  FakeLedger ledger;
  FakeClock clock{TimePoint(std::chrono::seconds(testing::k20260304T1200))};
  ToolContext ctx{ledger, clock, "s-1"};
  RepoInspectTool tool{RepoInspectOptions{dir.path() / "cache", {}, {}}};

  ToolResult Run(const nlohmann::json& args) { return tool.Run(args, ctx); }
};

TEST_CASE("repo_inspect is a read tool whose schema takes repo and an optional subject") {
  RepoInspectTool tool({"/tmp/unused", {}, {}});
  CHECK(tool.name() == "repo_inspect");
  CHECK(tool.approval_class() == ApprovalClass::kRead);
  const nlohmann::json& schema = tool.schema();
  CHECK(schema["type"] == "object");
  CHECK(schema["required"] == nlohmann::json::array({"repo"}));
  CHECK(schema["additionalProperties"] == false);
  CHECK(schema["properties"]["repo"]["type"] == "string");
  CHECK(schema["properties"]["subject"]["type"] == "string");
  CHECK(schema["properties"].size() == 2);
  CHECK(tool.Describe({{"repo", "o/n"}}) ==
        "clone or fetch o/n into the repository cache and inspect it");
  CHECK(RepoCacheDir("/home/u/.intern") == std::filesystem::path("/home/u/.intern/cache/repos"));
}

TEST_CASE("repo_inspect summarises the demo repository and names each fact's evidence id") {
  Fixture f;
  OriginRepo origin(f.dir.path() / "origin.git");
  testing::DemoIds ids = BuildDemoHistory(origin);

  ToolResult result = f.Run({{"repo", origin.file_url()}, {"subject", "Demo"}});
  INFO(result.content);
  REQUIRE_FALSE(result.is_error);
  CHECK(result.evidence_ids ==
        std::vector<std::string>{"ev-1", "ev-2", "ev-3", "ev-4", "ev-5", "ev-6", "ev-7"});
  std::string weeks = "2";
  for (int i = 1; i < 52; ++i) weeks += i == 25 ? " 1" : i == 51 ? " 2" : " 0";
  CHECK(result.content ==
        origin.file_url() + " — branch main, HEAD " + ids.c7.substr(0, 12) +
            " (cloned into the cache)\n"
            "last commit 2026-03-04T11:00:00Z, first 2024-06-03T12:00:00Z, 7 commits [ev-1]\n"
            "last 52 weeks (from 2025-03-10): 5 commits; weekly, oldest first: " +
            weeks +
            " [ev-2]\n"
            "contributors: 3 (2 in the last 52 weeks); top: A. Lovelace <ada@example.org> 5, "
            "Bob Builder <bob@example.org> 1, Carol Coder <carol@example.org> 1 [ev-3]\n"
            "tags: 3: v0.1 2024-06-03, v0.2 2025-04-01, v1.0 2026-03-03; 2 in the last 52 "
            "weeks; median 319.0 days between tags [ev-4]\n"
            "licence: LICENSE, SPDX guess MIT [ev-5]\n"
            "build files: CMakeLists.txt, Dockerfile, pyproject.toml [ev-6]\n"
            "README: README.md, head recorded; read it with read_evidence [ev-7]");
}

TEST_CASE("repo_inspect records one repo evidence row per fact, sourced to the repository") {
  Fixture f;
  OriginRepo origin(f.dir.path() / "origin.git");
  testing::DemoIds ids = BuildDemoHistory(origin);
  REQUIRE_FALSE(f.Run({{"repo", origin.path().string()}, {"subject", "Demo"}}).is_error);

  std::vector<EvidenceRecord> rows = f.ledger.records();
  REQUIRE(rows.size() == 7);
  std::vector<std::string> fields;
  for (const EvidenceRecord& r : rows) {
    fields.push_back(r.draft.field);
    CHECK(r.draft.kind == "repo");
    CHECK(r.draft.subject == "Demo");
    CHECK(r.draft.tool == "repo_inspect");
    CHECK(r.draft.source_url == origin.file_url());
    CHECK(r.draft.title == origin.file_url() + " (main @ " + ids.c7.substr(0, 12) + ")");
  }
  CHECK(fields == std::vector<std::string>{"last_commit", "commits_last_year", "contributors",
                                           "tags", "license", "build_files", "readme"});
  CHECK(rows[0].draft.value == "2026-03-04T11:00:00Z");
  CHECK(rows[0].draft.quote == "HEAD " + ids.c7 +
                                   " of main committed 2026-03-04T11:00:00Z; first commit "
                                   "2024-06-03T12:00:00Z; 7 commits");
  CHECK(rows[1].draft.value == "5");
  CHECK(rows[1].draft.body.substr(0, 26) == "2025-03-10 2\n2025-03-17 0\n");
  CHECK(rows[2].draft.value == "3");
  CHECK(rows[2].draft.body ==
        "A. Lovelace <ada@example.org>: 5 commits\nBob Builder <bob@example.org>: 1 commit\n"
        "Carol Coder <carol@example.org>: 1 commit\n");
  CHECK(rows[3].draft.value == "3");
  CHECK(rows[3].draft.quote ==
        "newest v1.0 on 2026-03-03; median 319.0 days between tags; 2 in the last 52 weeks");
  CHECK(rows[3].draft.body == "v0.1 2024-06-03T12:00:00Z lightweight " + ids.c1 + "\n" +
                                  "v0.2 2025-04-01T12:00:00Z annotated " + ids.c4 + "\n" +
                                  "v1.0 2026-03-03T12:00:00Z annotated " + ids.c6 + "\n");
  CHECK(rows[4].draft.value == "MIT");
  CHECK(rows[4].draft.quote == "LICENSE (SPDX guessed from its wording)");
  CHECK(rows[4].draft.body.rfind("MIT License\n\nCopyright (c) 2024 Demo Authors", 0) == 0);
  CHECK(rows[5].draft.value == "CMakeLists.txt, Dockerfile, pyproject.toml");
  CHECK(rows[6].draft.value == "README.md");
  CHECK(rows[6].draft.body == "# Demo\n\nA demo project for tests.\n\n## Build\n\ncmake -B build");
}

TEST_CASE("repo_inspect says so when a repository has no licence, README or build files") {
  Fixture f;
  OriginRepo origin(f.dir.path() / "bare.git");
  origin.SetFile("main.c", "int main(void) { return 0; }\n");
  origin.Commit(testing::kAda, testing::k20260304T1100, "one");

  ToolResult result = f.Run({{"repo", origin.file_url()}});
  REQUIRE_FALSE(result.is_error);
  std::vector<EvidenceRecord> rows = f.ledger.records();
  REQUIRE(rows.size() == 7);
  CHECK(rows[0].draft.subject == "");
  CHECK(rows[3].draft.value == "0");
  CHECK(rows[3].draft.quote == "no tags; too few tags for a cadence; 0 in the last 52 weeks");
  CHECK(rows[4].draft.value == "none");
  CHECK(rows[4].draft.quote == "no LICENSE, LICENCE or COPYING file at the top of main");
  CHECK(rows[5].draft.value == "none");
  CHECK(rows[6].draft.value == "none");
  CHECK(rows[6].draft.quote == "no README at the top of main");
  CHECK(result.content.find("licence: no licence file [ev-5]\n") != std::string::npos);
  CHECK(result.content.find("README: none [ev-7]") != std::string::npos);
}

TEST_CASE("a second repo_inspect fetches the origin's new commits into the cache") {
  Fixture f;
  OriginRepo origin(f.dir.path() / "origin.git");
  BuildDemoHistory(origin);
  REQUIRE_FALSE(f.Run({{"repo", origin.file_url()}}).is_error);
  origin.SetFile("go.mod", "module demo\n");
  std::string c8 = origin.Commit(testing::kCarol, testing::k20260304T1100 + 60, "go");

  ToolResult result = f.Run({{"repo", origin.file_url()}});
  REQUIRE_FALSE(result.is_error);
  CHECK(result.content.find("HEAD " + c8.substr(0, 12) + " (cache updated)") != std::string::npos);
  CHECK(result.content.find(", 8 commits [") != std::string::npos);
  CHECK(result.content.find("build files: CMakeLists.txt, Dockerfile, go.mod, pyproject.toml") !=
        std::string::npos);
}

TEST_CASE("every bad repo_inspect argument is a tool error with the sentence naming the fix") {
  Fixture f;
  const std::string fix = "pass a clone URL, an absolute repository path, or owner/name.";
  struct Case {
    nlohmann::json args;
    std::string message;
  };
  std::vector<Case> cases = {
      {nlohmann::json::array({"o/n"}),
       "repo_inspect takes a JSON object such as {\"repo\": \"owner/name\"}: pass its arguments "
       "as an object."},
      {{{"repo", "o/n"}, {"depth", 1}},
       "unknown argument \"depth\": repo_inspect takes only repo and subject."},
      {nlohmann::json::object(), "repo is missing: " + fix},
      {{{"repo", 42}}, "repo must be a string: " + fix},
      {{{"repo", "o/n"}, {"subject", 7}},
       "subject must be a string naming the catalog tool, or be left out."},
      {{{"repo", ""}},
       "repo is empty: pass a clone URL (https://host/owner/name), an absolute repository path, "
       "or owner/name."},
      {{{"repo", "../../etc"}},
       "repo \"../../etc\" contains a \"..\" path component: pass an absolute path without "
       "\"..\", a clone URL, or owner/name."},
      {{{"repo", "/srv/../etc/passwd"}},
       "repo \"/srv/../etc/passwd\" contains a \"..\" path component: pass an absolute path "
       "without \"..\", a clone URL, or owner/name."},
      {{{"repo", "src/lib/x"}},
       "repo \"src/lib/x\" is not a clone URL, an absolute path or owner/name: pass one of those "
       "(e.g. https://github.com/owner/name)."},
      {{{"repo", "git@github.com:o/n.git"}},
       "repo \"git@github.com:o/n.git\" is an ssh address, which needs keys intern does not "
       "have: pass the https:// clone URL instead."},
      {{{"repo", "ssh://git@github.com/o/n"}},
       "repo \"ssh://git@github.com/o/n\" is an ssh address, which needs keys intern does not "
       "have: pass the https:// clone URL instead."},
      {{{"repo", "https://[::1/o/n"}},
       "repo \"https://[::1/o/n\" has an unclosed '[' in its host: pass a URL such as "
       "https://[::1]:8080/owner/name."},
      {{{"repo", "ftp://example.org/r"}},
       "repo \"ftp://example.org/r\" uses the unsupported scheme \"ftp\": pass an https://, "
       "http:// or file:// URL, an absolute path, or owner/name."},
      {{{"repo", "https://u:p@github.com/o/n"}},
       "repo URL carries credentials (user:password@host): pass the URL without them."},
      {{{"repo", "https://github.com"}},
       "repo \"https://github.com\" names a host but no repository: pass a URL such as "
       "https://github.com/owner/name."},
      {{{"repo", "https://github.com:0/o/n"}},
       "repo \"https://github.com:0/o/n\" has an invalid port: pass a port between 1 and 65535 "
       "or none."},
      {{{"repo", "https:///o/n"}},
       "repo \"https:///o/n\" has no host: pass a URL such as https://github.com/owner/name."},
      {{{"repo", "a\nb"}},
       "repo contains whitespace or control characters: pass one clone URL, absolute path or "
       "owner/name."},
      {{{"repo", std::string(3000, 'x')}},
       "repo is longer than 2048 characters: pass one clone URL, absolute path or owner/name."},
      {{{"repo", "file://host/r"}},
       "repo \"file://host/r\" names a host or a relative path; file URLs must look like "
       "file:///absolute/path."},
      {{{"repo", (f.dir.path() / "nope").string()}},
       "repo \"" + (f.dir.path() / "nope").string() +
           "\" does not exist: pass the path of an existing git repository or a clone URL."},
      {{{"repo", f.dir.path().string()}},
       "repo \"" + f.dir.path().string() +
           "\" is not a git repository: pass the path of a repository (the folder holding .git) "
           "or a clone URL."},
  };
  for (const Case& c : cases) {
    INFO(c.args.dump());
    ToolResult result = f.Run(c.args);
    CHECK(result.is_error);
    CHECK(result.content == c.message);
    CHECK(result.evidence_ids.empty());
  }
  CHECK(f.ledger.records().empty());
}

TEST_CASE("repo_inspect refuses local paths when the configuration forbids them") {
  TempDir dir;
  FakeLedger ledger;
  FakeClock clock;
  ToolContext ctx{ledger, clock, "s-1"};
  RepoInspectOptions options{dir.path() / "cache", {}, {}};
  options.cache.source.allow_local = false;
  RepoInspectTool tool(options);
  ToolResult result = tool.Run({{"repo", "/srv/git/demo.git"}}, ctx);
  CHECK(result.is_error);
  CHECK(result.content ==
        "repo \"/srv/git/demo.git\" is a local path, which this configuration does not allow: "
        "pass an https:// clone URL or owner/name.");
}

TEST_CASE("repo_inspect of an unreachable host fails at once with a sentence naming the fix") {
  Fixture f;
  auto started = std::chrono::steady_clock::now();
  ToolResult result = f.Run({{"repo", "https://127.0.0.1:1/x.git"}});
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  CHECK(result.is_error);
  CHECK(result.content ==
        "cloning https://127.0.0.1:1/x.git failed: cannot connect to 127.0.0.1:1 (Connection "
        "refused); check the URL, or the network if the host should be reachable.");
}

TEST_CASE("repo_inspect of a repository without commits says there is nothing to inspect") {
  Fixture f;
  OriginRepo origin(f.dir.path() / "empty.git");
  ToolResult result = f.Run({{"repo", origin.file_url()}});
  CHECK(result.is_error);
  CHECK(result.content == origin.file_url() +
                              " has no commits yet, so there is nothing to inspect: try again "
                              "once something has been pushed.");
}

TEST_CASE("repo_inspect reports a ledger failure as a tool error naming the fact") {
  Fixture f;
  OriginRepo origin(f.dir.path() / "origin.git");
  BuildDemoHistory(origin);
  f.ledger.set_fail(true);
  ToolResult result = f.Run({{"repo", origin.file_url()}});
  CHECK(result.is_error);
  CHECK(result.content == "recording last_commit of " + origin.file_url() +
                              " in the evidence ledger failed: disk full");
}

TEST_CASE("repo_inspect stops when the operator has already asked to stop") {
  Fixture f;
  OriginRepo origin(f.dir.path() / "origin.git");
  BuildDemoHistory(origin);
  std::atomic<bool> cancel{true};
  f.ctx.cancel = &cancel;
  ToolResult result = f.Run({{"repo", origin.file_url()}});
  CHECK(result.is_error);
  CHECK(result.content == "cloning " + origin.file_url() + " was cancelled.");
}

}  // namespace
}  // namespace intern::tools
