// The published pages in a real headless browser (DESIGN §7): Debian's chromium, which
// scripts/setup installs, loads the generated site from disk and its rendered DOM is checked.
// These tests fail (never skip) when chromium is missing, so a machine without it cannot pass
// the suite by accident.

#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>

#include "agent/publish/publish.h"
#include "config/clock.h"
#include "tests/agent/publish/publish_fixture.h"
#include "tests/config/temp_dir.h"

namespace intern::agent::publish {
namespace {

using intern::testing::ReadFile;
using intern::testing::TempDir;

const char* const kChromiumCandidates[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser"};

std::string FindChromium() {
  for (const char* path : kChromiumCandidates)
    if (std::filesystem::exists(path)) return path;
  return "";
}

struct BrowserRun {
  int exit_code = -1;
  std::string out;
};

// Runs headless chromium with `args` under a 60-second deadline (coreutils `timeout` kills it),
// with a profile folder of its own and nothing that reaches the network; returns its stdout.
BrowserRun RunChromium(const std::string& chromium, const std::filesystem::path& profile,
                       const std::string& args) {
  std::string command = "timeout 60 " + chromium +
                        " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                        "--disable-background-networking --disable-component-update "
                        "--disable-sync --disable-extensions --user-data-dir=" +
                        profile.string() + " " + args + " 2>/dev/null";
  BrowserRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.out.append(buffer.data(), n);
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A published site with one comparison whose draft carries hostile text; returns the page path.
std::filesystem::path PublishHostileSample(const TempDir& dir) {
  config::Config cfg = testing::SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  Comparison c = agent::testing::SampleComparison();
  c.subjects[0].facts[0].value =
      "<script>document.body.setAttribute('data-pwned','yes')</script>Gemma terms";
  c.subjects[1].summary = "<img src=x onerror=\"document.title='pwned'\">A 2.2B model.";
  FakeClock clock;
  PublishOptions options;
  options.clock = &clock;
  Result<PublishOutcome> outcome =
      PublishDraft(store, cfg, testing::AddApprovedDraft(store, c), options);
  REQUIRE(outcome.ok());
  return cfg.publish.repo / "comparisons" / (outcome.value().slug + ".html");
}

TEST_CASE(
    "headless chromium renders the published page with its tables, bars and citations and "
    "runs no script",
    "[publish][chromium]") {
  std::string chromium = FindChromium();
  if (chromium.empty())
    FAIL(
        "chromium is not installed; run scripts/setup, which installs Debian's chromium package "
        "for the headless browser tests");
  TempDir dir;
  std::filesystem::path page = PublishHostileSample(dir);

  BrowserRun run = RunChromium(chromium, dir / "profile", "--dump-dom file://" + page.string());
  REQUIRE(run.exit_code == 0);
  const std::string& dom = run.out;
  REQUIRE(dom.find("<html lang=\"en\">") != std::string::npos);
  // The browser built the tables: decision, two fact tables, scorecard, benchmarks.
  CHECK(Count(dom, "<table>") == 5);
  CHECK(Count(dom, "<caption>") == 5);
  CHECK(dom.find("<th scope=\"row\">Panel verdict</th><td>Ship · 3 ship / 1 skip</td>") !=
        std::string::npos);
  // The scorecard's bars (eight takes and two verdict cards) as labelled SVG images.
  CHECK(Count(dom, "<svg class=\"bar\"") == 10);
  CHECK(dom.find("aria-label=\"Skeptic on SmolVLM2: 55 out of 100, skip\"") != std::string::npos);
  // Citations and the numbered evidence they point at.
  CHECK(dom.find("href=\"#evidence-1\"") != std::string::npos);
  CHECK(dom.find("<li id=\"evidence-1\"><a href=\"https://huggingface.co/google/gemma-3n-E2B\">") !=
        std::string::npos);
  // The hostile text is text: no script element, and nothing it would have done happened.
  CHECK(dom.find("<script") == std::string::npos);
  CHECK(dom.find("<img") == std::string::npos);
  CHECK(dom.find("data-pwned=\"yes\"") == std::string::npos);
  CHECK(dom.find("<title>Gemma 3n vs SmolVLM2 · intern</title>") != std::string::npos);
  CHECK(dom.find("&lt;script&gt;document.body.setAttribute('data-pwned','yes')&lt;/script&gt;"
                 "Gemma terms") != std::string::npos);
}

TEST_CASE("headless chromium takes a phone-width screenshot of the published page",
          "[publish][chromium]") {
  std::string chromium = FindChromium();
  if (chromium.empty())
    FAIL(
        "chromium is not installed; run scripts/setup, which installs Debian's chromium package "
        "for the headless browser tests");
  TempDir dir;
  std::filesystem::path page = PublishHostileSample(dir);
  // Kept after the run as the test's artifact, beside the build.
  std::filesystem::path artifacts =
      std::filesystem::path(INTERN_BINARY).parent_path() / "test-artifacts" / "publish";
  std::filesystem::create_directories(artifacts);
  std::filesystem::path png = artifacts / "comparison-phone.png";
  std::filesystem::remove(png);
  std::filesystem::copy_file(page, artifacts / "comparison.html",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(page.parent_path().parent_path() / "index.html",
                             artifacts / "index.html",
                             std::filesystem::copy_options::overwrite_existing);

  BrowserRun run =
      RunChromium(chromium, dir / "profile",
                  "--hide-scrollbars --window-size=390,2400 --screenshot=" + png.string() +
                      " file://" + page.string());
  REQUIRE(run.exit_code == 0);
  REQUIRE(std::filesystem::exists(png));
  std::string bytes = ReadFile(png);
  CHECK(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(bytes.size() > 10'000);
}

}  // namespace
}  // namespace intern::agent::publish
