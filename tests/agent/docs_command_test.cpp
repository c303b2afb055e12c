#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "agent/cli/cli.h"
#include "tests/support/fake_http_server.h"
#include "config/error.h"

namespace intern::agent {
namespace {
namespace fs = std::filesystem;

const std::string kCorpus = std::string(INTERN_TEST_FIXTURES) + "/docs/corpus";

// Sets (or unsets, with nullopt) an environment variable for the scope of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A fresh INTERN_HOME per test.
class TempHome {
 public:
  TempHome() {
    std::string templ = (fs::temp_directory_path() / "intern-home-XXXXXX").string();
    path_ = mkdtemp(templ.data());
    env_.emplace("INTERN_HOME", path_.string());
  }
  ~TempHome() {
    env_.reset();
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  std::optional<ScopedEnv> env_;
};

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run Cli(std::vector<const char*> args) {
  args.insert(args.begin(), "intern");
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(args.size()), args.data(), out, err);
  return {code, out.str(), err.str()};
}

TEST_CASE("docs add indexes a folder into INTERN_HOME and prints one summary line") {
  TempHome home;
  Run r = Cli({"docs", "add", kCorpus.c_str(), "--subject", "quill"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Matches("indexed 5 files \\([0-9.]+ kB, 13 chunks\\) in [0-9.]+ s: 5 "
                                   "added, 0 replaced, 0 unchanged; skipped 0\n"));
  CHECK(fs::exists(home.path() / "docs.db"));

  r = Cli({"docs", "add", kCorpus.c_str(), "--json"});
  REQUIRE(r.code == kExitOk);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["unchanged"] == 5);
  CHECK(j["chunks"] == 0);
  CHECK(j["skipped"] == nlohmann::json::array());
}

TEST_CASE("docs search prints the best passage first with its section and source") {
  TempHome home;
  REQUIRE(Cli({"docs", "add", kCorpus.c_str()}).code == kExitOk);
  Run r = Cli({"docs", "search", "how do I rotate the signing key", "-k", "2"});
  REQUIRE(r.code == kExitOk);
  CHECK_THAT(r.out, Catch::StartsWith("1. Key management › Key management > Rotating the signing "
                                      "key  ["));
  CHECK(r.out.find("\n   file://" + kCorpus + "/guide/keys.md\n") != std::string::npos);
  CHECK(r.out.find("\n2. ") != std::string::npos);
  CHECK(r.out.find("\n3. ") == std::string::npos);

  r = Cli({"docs", "search", "S3 credentials", "--json"});
  REQUIRE(r.code == kExitOk);
  nlohmann::json j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["heading_path"] == "Frequently asked questions > Can I store snapshots on S3?");

  r = Cli({"docs", "search", "kubernetes", "--subject", "quill"});
  CHECK(r.code == kExitOk);
  CHECK(r.out == "no indexed document matches \"kubernetes\" for subject quill\n");
}

TEST_CASE("docs list and docs rm show and remove sources") {
  TempHome home;
  Run r = Cli({"docs", "list"});
  CHECK(r.out == "the document index at " + (home.path() / "docs.db").string() +
                     " is empty; add documents with `intern docs add PATH`\n");
  REQUIRE(Cli({"docs", "add", (kCorpus + "/guide").c_str()}).code == kExitOk);
  r = Cli({"docs", "list", "--json"});
  nlohmann::json j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 3);
  CHECK(j[0]["uri"] == "file://" + kCorpus + "/guide/faq.html");
  CHECK(j[0]["title"] == "Quillstore FAQ");
  CHECK(j[0]["kind"] == "html");

  std::string id = std::to_string(j[0]["id"].get<int64_t>());
  r = Cli({"docs", "rm", id.c_str()});
  CHECK(r.code == kExitOk);
  CHECK(r.out == "removed " + id + " file://" + kCorpus + "/guide/faq.html (2 chunks)\n");
  r = Cli({"docs", "list"});
  CHECK_THAT(r.out, Catch::StartsWith("    ID  KIND      CHUNKS       SIZE  SUBJECT       URI\n"));
  CHECK(r.out.find("faq.html") == std::string::npos);
}

TEST_CASE("docs bad arguments are refused with a sentence that names the fix") {
  TempHome home;
  struct Case {
    std::vector<const char*> args;
    int code;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"docs"}, kExitUsage, "intern: A subcommand is required (see `intern --help`)\n"},
      {{"docs", "add"}, kExitUsage, "intern: targets is required (see `intern --help`)\n"},
      {{"docs", "add", "/nonexistent/intern-doc"},
       kExitUsage,
       "intern: no such file or folder: /nonexistent/intern-doc\n"},
      {{"docs", "rm"}, kExitUsage, "intern: sources is required (see `intern --help`)\n"},
      {{"docs", "rm", "12345"},
       kExitError,
       "intern: no indexed source has the URI or id 12345; `intern docs list` shows what is "
       "indexed\n"},
      {{"docs", "search"}, kExitUsage, "intern: query is required (see `intern --help`)\n"},
      {{"docs", "search", "  "},
       kExitUsage,
       "intern: the search query is empty; give the words to look for, e.g. intern docs search "
       "\"rotate signing key\"\n"},
      {{"docs", "search", "--", "--"},
       kExitUsage,
       "intern: the query has no words to search for; use letters or digits\n"},
      {{"docs", "search", "x", "-k", "0"},
       kExitUsage,
       "intern: -k: Value 0 not in range 1 to 50 (see `intern --help`)\n"},
      {{"docs", "search", "x", "-k", "51"},
       kExitUsage,
       "intern: -k: Value 51 not in range 1 to 50 (see `intern --help`)\n"},
      {{"docs", "search", "x", "-k", "many"},
       kExitUsage,
       "intern: -k: Value many not in range 1 to 50 (see `intern --help`)\n"},
      {{"docs", "list", "extra"},
       kExitUsage,
       "intern: The following argument was not expected: extra (see `intern --help`)\n"},
  };
  for (const Case& c : cases) {
    std::string joined;
    for (const char* a : c.args) joined += std::string(a) + " ";
    INFO(joined);
    Run r = Cli(c.args);
    CHECK(r.code == c.code);
    CHECK(r.err == c.err);
    CHECK(r.out.empty());
  }
}

TEST_CASE("docs add with a URL it cannot fetch indexes none of the other targets") {
  TempHome home;
  Run r = Cli({"docs", "add", kCorpus.c_str(), "https://example.invalid/page"});
  CHECK(r.code == kExitError);
  CHECK(r.out.empty());
  r = Cli({"docs", "list", "--json"});
  CHECK(r.out == "[]\n");
}

TEST_CASE("the index lives under XDG_DATA_HOME when INTERN_HOME is not set") {
  std::string templ = (fs::temp_directory_path() / "intern-xdg-XXXXXX").string();
  fs::path dir = mkdtemp(templ.data());
  {
    ScopedEnv no_home("INTERN_HOME", std::nullopt);
    ScopedEnv xdg("XDG_DATA_HOME", dir.string());
    Run r = Cli({"docs", "list"});
    CHECK(r.code == kExitOk);
    CHECK(fs::exists(dir / "intern" / "docs.db"));
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace intern::agent

namespace intern::agent {
namespace {

TEST_CASE("docs add URL fetches the page over HTTP and indexes its text for search") {
  TempHome home;
  testing::FakeHttpServer server;
  server.On("GET", "/guide.html",
            {testing::FakeResponse::Status(200,
                                           "<html><head><title>Quantising guide</title></head><body>"
                                         "<nav>menu zebra</nav><h1>Quantise</h1><p>Use 4-bit "
                                         "weights for the marmalade model.</p></body></html>")
                 .WithHeader("Content-Type", "text/html; charset=utf-8")});
  server.On("GET", "/missing", {testing::FakeResponse::Status(404, "gone")});
  server.On("GET", "/image.png", {testing::FakeResponse::Status(200, "\x89PNG")
                                      .WithHeader("Content-Type", "image/png")});

  std::string page = server.url() + "/guide.html";
  Run added = Cli({"docs", "add", page.c_str()});
  REQUIRE(added.code == kExitOk);
  Run found = Cli({"docs", "search", "marmalade", "--json"});
  REQUIRE(found.code == kExitOk);
  nlohmann::json hits = nlohmann::json::parse(found.out);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].at("uri") == page);
  CHECK(Cli({"docs", "search", "zebra", "--json"}).out == "[]\n");

  std::string missing = server.url() + "/missing";
  Run gone = Cli({"docs", "add", missing.c_str()});
  CHECK(gone.code == kExitError);
  CHECK(gone.err == "intern: cannot add " + missing + ": the server answered HTTP 404\n");

  std::string image = server.url() + "/image.png";
  Run png = Cli({"docs", "add", image.c_str()});
  CHECK(png.code == kExitError);
  CHECK(png.err == "intern: cannot add " + image + ": it is image/png, not a web page or text\n");
}

TEST_CASE("docs add of an unreachable URL fails with one sentence and indexes nothing") {
  TempHome home;
  Run r = Cli({"docs", "add", "http://127.0.0.1:1/page"});
  CHECK(r.code == kExitError);
  CHECK(r.err.rfind("intern: cannot add http://127.0.0.1:1/page: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(Cli({"docs", "list", "--json"}).out == "[]\n");
}

}  // namespace
}  // namespace intern::agent
