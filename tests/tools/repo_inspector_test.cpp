#include "tools/repo/repo_inspector.h"

#include <catch2/catch.hpp>

#include "tests/tools/repo_test_support.h"
#include "tools/repo/licence_guess.h"

namespace intern::tools {
namespace {

using testing::BuildDemoHistory;
using testing::OriginRepo;
using testing::TempDir;

TimePoint At(long long epoch_seconds) { return TimePoint(std::chrono::seconds(epoch_seconds)); }

TEST_CASE("WeekStartUtc gives Monday 00:00 UTC of the week, Monday itself included") {
  using namespace testing;
  CHECK(WeekStartUtc(At(k20260304T1200)) == At(k20260302T0000));
  CHECK(WeekStartUtc(At(k20260302T0000)) == At(k20260302T0000));
  CHECK(WeekStartUtc(At(k20260302T0000 - 1)) == At(k20260302T0000 - 7 * 86400));
  CHECK(WeekStartUtc(At(0)) == At(-3 * 86400));  // 1970-01-01 was a Thursday
}

TEST_CASE("inspecting the demo history reports exactly its commits, weeks and contributors") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  testing::DemoIds ids = BuildDemoHistory(origin);

  Result<RepoReport> report = InspectRepo(origin.path(), At(testing::k20260304T1200), "demo");
  REQUIRE(report.ok());
  const RepoReport& r = *report;
  CHECK(r.default_branch == "main");
  CHECK(r.head_commit == ids.c7);
  CHECK(r.last_commit_at == At(testing::k20260304T1100));
  CHECK(r.first_commit_at == At(testing::k20240603T1200));
  CHECK(r.commits_total == 7);
  CHECK_FALSE(r.commits_capped);

  CHECK(r.window_start == At(testing::k20250310T0000));
  // c3 (the window's first second) and c4 in week 0; c5 by its commit date in week 25; c6 (at
  // 02:00 local, 00:00 UTC on Monday) and c7 in week 51. c1 and c2 are older.
  std::array<int, 52> expected{};
  expected[0] = 2;
  expected[25] = 1;
  expected[51] = 2;
  CHECK(r.weekly == expected);
  CHECK(r.commits_last_year == 5);

  CHECK(r.contributors_total == 3);
  CHECK(r.contributors_last_year == 2);  // Ada and Carol (Bob's one commit is a second early)
  std::vector<Contributor> top = {{"A. Lovelace", "ada@example.org", 5},
                                  {"Bob Builder", "bob@example.org", 1},
                                  {"Carol Coder", "carol@example.org", 1}};
  CHECK(r.top_contributors == top);
}

TEST_CASE("inspecting the demo history lists release tags by date with their cadence") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  testing::DemoIds ids = BuildDemoHistory(origin);

  Result<RepoReport> report = InspectRepo(origin.path(), At(testing::k20260304T1200), "demo");
  REQUIRE(report.ok());
  std::vector<TagInfo> tags = {
      {"v0.1", At(testing::k20240603T1200), ids.c1, false},
      {"v0.2", At(testing::k20250401T1200), ids.c4, true},
      {"v1.0", At(testing::k20260303T1200), ids.c6, true},
  };
  CHECK(report->tags == tags);  // "blob-tag" points at a blob: not a release
  CHECK(report->tags_last_year == 2);
  REQUIRE(report->median_days_between_tags.has_value());
  CHECK(*report->median_days_between_tags == 319.0);  // gaps of 302 and 336 days
}

TEST_CASE("inspecting the demo history finds the licence, build files and README head") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  BuildDemoHistory(origin);

  Result<RepoReport> report = InspectRepo(origin.path(), At(testing::k20260304T1200), "demo");
  REQUIRE(report.ok());
  CHECK(report->licence_file == "LICENSE");
  CHECK(report->licence_spdx == "MIT");
  CHECK(report->build_files ==
        std::vector<std::string>{"CMakeLists.txt", "Dockerfile", "pyproject.toml"});
  CHECK(report->readme_file == "README.md");
  CHECK(report->readme_head == "# Demo\n\nA demo project for tests.\n\n## Build\n\ncmake -B build");
  CHECK_FALSE(report->readme_truncated);
}

TEST_CASE("the README head stops at the line cap and says it was cut") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  BuildDemoHistory(origin);
  InspectOptions options;
  options.readme_max_lines = 3;

  Result<RepoReport> report =
      InspectRepo(origin.path(), At(testing::k20260304T1200), "demo", options);
  REQUIRE(report.ok());
  CHECK(report->readme_head == "# Demo\n\nA demo project for tests.");
  CHECK(report->readme_truncated);
}

TEST_CASE("the README head stops at the byte cap without splitting a UTF-8 character") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  origin.SetFile("readme",
                 "ab\xC3\xA9"
                 "cd\n");  // "abécd": é is two bytes at offsets 2-3
  origin.Commit(testing::kAda, testing::k20250312T1000, "one");
  InspectOptions options;
  options.readme_max_bytes = 3;

  Result<RepoReport> report =
      InspectRepo(origin.path(), At(testing::k20260304T1200), "demo", options);
  REQUIRE(report.ok());
  CHECK(report->readme_file == "readme");
  CHECK(report->readme_head == "ab");
  CHECK(report->readme_truncated);
  CHECK(report->licence_file.empty());
  CHECK(report->licence_spdx.empty());
  CHECK(report->build_files.empty());
  CHECK(report->tags.empty());
  CHECK_FALSE(report->median_days_between_tags.has_value());
}

TEST_CASE("a walk that reaches max_commits stops there and says it was capped") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  BuildDemoHistory(origin);
  InspectOptions options;
  options.max_commits = 3;

  Result<RepoReport> report =
      InspectRepo(origin.path(), At(testing::k20260304T1200), "demo", options);
  REQUIRE(report.ok());
  CHECK(report->commits_total == 3);  // c7, c6, c5
  CHECK(report->commits_capped);
  CHECK(report->commits_last_year == 3);
  CHECK(report->first_commit_at == At(testing::k20250902T0800));
}

TEST_CASE("a cancelled inspection stops its history walk") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  BuildDemoHistory(origin);
  std::atomic<bool> cancel{true};
  InspectOptions options;
  options.cancel = &cancel;

  Result<RepoReport> report =
      InspectRepo(origin.path(), At(testing::k20260304T1200), "demo", options);
  REQUIRE_FALSE(report.ok());
  CHECK(report.code() == ErrorCode::kCancelled);
  CHECK(report.message() == "inspecting demo was cancelled.");
}

TEST_CASE("commits dated after now count in the total but in no week") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  origin.SetFile("a", "1");
  origin.Commit(testing::kAda, testing::k20260304T1100, "before now");
  origin.SetFile("a", "2");
  origin.Commit(testing::kAda, testing::k20260304T1200 + 3600, "an hour after now");

  Result<RepoReport> report = InspectRepo(origin.path(), At(testing::k20260304T1200), "demo");
  REQUIRE(report.ok());
  CHECK(report->commits_total == 2);
  CHECK(report->commits_last_year == 1);
  CHECK(report->weekly[51] == 1);
  CHECK(report->last_commit_at == At(testing::k20260304T1200 + 3600));
}

TEST_CASE("a .mailmap merges an author's two addresses into one contributor") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  origin.SetFile(".mailmap", "Ada Lovelace <ada@example.org> <ada@old.example>\n");
  origin.Commit({"Ada L", "ada@old.example"}, testing::k20250312T1000, "old address");
  origin.Commit(testing::kAda, testing::k20260304T1100, "new address");

  Result<RepoReport> report = InspectRepo(origin.path(), At(testing::k20260304T1200), "demo");
  REQUIRE(report.ok());
  CHECK(report->contributors_total == 1);
  REQUIRE(report->top_contributors.size() == 1);
  CHECK(report->top_contributors[0] == Contributor{"Ada Lovelace", "ada@example.org", 2});
}

TEST_CASE("a repository without commits is reported as having nothing to inspect") {
  TempDir dir;
  OriginRepo origin(dir.path() / "empty.git");

  Result<RepoReport> report = InspectRepo(origin.path(), At(testing::k20260304T1200), "x/empty");
  REQUIRE_FALSE(report.ok());
  CHECK(report.code() == ErrorCode::kNotFound);
  CHECK(report.message() ==
        "x/empty has no commits yet, so there is nothing to inspect: try again once something "
        "has been pushed.");
}

TEST_CASE("inspecting a folder that is not a repository fails with a sentence naming the fix") {
  TempDir dir;
  Result<RepoReport> report = InspectRepo(dir.path(), At(testing::k20260304T1200), "/some/dir");
  REQUIRE_FALSE(report.ok());
  CHECK(report.code() == ErrorCode::kNotFound);
  CHECK(report.message() ==
        "/some/dir is not a git repository: pass a clone URL or the path of a repository.");
}

TEST_CASE("GuessSpdx names common licences by their distinctive wording") {
  CHECK(GuessSpdx(testing::kMitText) == "MIT");
  CHECK(GuessSpdx("Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/") ==
        "Apache-2.0");
  CHECK(GuessSpdx("GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007") == "GPL-3.0");
  CHECK(GuessSpdx("GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991") == "GPL-2.0");
  CHECK(GuessSpdx("GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n"
                  "... the GNU General Public License ...") == "LGPL-3.0");
  CHECK(GuessSpdx("GNU LESSER GENERAL PUBLIC LICENSE\nVersion 2.1, February 1999") == "LGPL-2.1");
  CHECK(GuessSpdx("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007") == "AGPL-3.0");
  CHECK(GuessSpdx("Mozilla Public License Version 2.0\n==================") == "MPL-2.0");
  CHECK(GuessSpdx("This is free and unencumbered software released into the public domain.") ==
        "Unlicense");
  CHECK(GuessSpdx("Permission to use, copy, modify, and/or distribute this software for any "
                  "purpose with or without fee is hereby granted") == "ISC");
  const char* bsd2 =
      "Redistribution and use in source and binary forms, with or without\nmodification, are "
      "permitted provided that the following conditions are met:";
  CHECK(GuessSpdx(bsd2) == "BSD-2-Clause");
  CHECK(GuessSpdx(std::string(bsd2) + "\n3. Neither the name of the copyright holder nor the "
                                      "names of its contributors may be used to endorse") ==
        "BSD-3-Clause");
  CHECK(GuessSpdx("Boost Software License - Version 1.0 - August 17th, 2003") == "BSL-1.0");
  CHECK(GuessSpdx("Creative Commons Legal Code\n\nCC0 1.0 Universal") == "CC0-1.0");
  CHECK(GuessSpdx("Creative Commons Attribution 4.0 International Public License") == "CC-BY-4.0");
  CHECK(GuessSpdx("Creative Commons Attribution-ShareAlike 4.0 International Public License") ==
        "CC-BY-SA-4.0");
  CHECK(GuessSpdx("All rights reserved. Ask us first.") == "NOASSERTION");
  CHECK(GuessSpdx("") == "NOASSERTION");
}

}  // namespace
}  // namespace intern::tools
