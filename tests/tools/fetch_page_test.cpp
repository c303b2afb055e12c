#include <catch2/catch.hpp>
#include <mutex>

#include "tests/support/fake_http_server.h"
#include "tests/support/lookup_test_ledger.h"
#include "tools/http/beast_http_client.h"
#include "tools/registry.h"
#include "tools/web/fetch_page_tool.h"

namespace intern::tools {
namespace {

using intern::testing::FakeHttpServer;
using intern::testing::FakeResponse;

// Records what it was asked to index; can be told to fail.
class FakeIndexer final : public PageIndexer {
 public:
  Status Index(const FetchedPage& page) override {
    std::lock_guard lock(mu_);
    pages_.push_back(page);
    if (fail_) return Fail(ErrorCode::kIo, "the document index is read-only");
    return Status::Ok();
  }
  std::vector<FetchedPage> pages() const {
    std::lock_guard lock(mu_);
    return pages_;
  }
  void set_fail(bool fail) { fail_ = fail; }

 private:
  mutable std::mutex mu_;
  std::vector<FetchedPage> pages_;
  bool fail_ = false;
};

HttpClientOptions PlainOptions() {
  HttpClientOptions options;
  options.use_system_cas = false;
  options.default_timeouts = {std::chrono::seconds(2), std::chrono::seconds(2),
                              std::chrono::seconds(2), std::chrono::seconds(5)};
  return options;
}

// Stands in for the document index's HTML extractor: the title is the text between the first
// <title> tags, the text is the whole body upper-cased, so the test sees it was used.
PageText FakeHtmlToText(std::string_view html) {
  PageText out;
  auto open = html.find("<title>");
  auto close = html.find("</title>");
  if (open != std::string_view::npos && close != std::string_view::npos) {
    out.title = std::string(html.substr(open + 7, close - open - 7));
  }
  auto body = html.find("<body>");
  auto end = html.find("</body>");
  if (body != std::string_view::npos && end != std::string_view::npos) {
    for (char c : html.substr(body + 6, end - body - 6)) {
      out.text += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

struct Fixture {
  FakeHttpServer server;
  BeastHttpClient http{PlainOptions()};
  FakeClock clock;
  intern::testing::LookupTestLedger ledger;
  ToolContext ctx{ledger, clock, "s-1"};
  FakeIndexer indexer;
  ToolRegistry registry;

  explicit Fixture(FetchPageOptions options = {}) {
    registry.Register(std::make_unique<FetchPageTool>(http, FakeHtmlToText, &indexer, options));
  }
  ToolResult Invoke(const std::string& args) { return registry.Invoke("fetch_page", args, ctx); }
  ToolResult Fetch(const std::string& path) {
    return Invoke(R"({"url": ")" + server.url() + path + R"(", "subject": "Demo"})");
  }
};

TEST_CASE("fetch_page stores an HTML page's text as evidence and indexes it") {
  Fixture f;
  const std::string html =
      "<!doctype html><html><head><title>Demo docs</title></head><body>hello world</body></html>";
  f.server.On(
      "GET", "/docs",
      {FakeResponse::Status(200, html).WithHeader("Content-Type", "text/html; charset=utf-8")});
  ToolResult r = f.Fetch("/docs");
  INFO(r.content);
  REQUIRE_FALSE(r.is_error);
  const std::string url = f.server.url() + "/docs";
  CHECK(r.content ==
        "Demo docs (" + url + "): 11 bytes of text [ev-1]; indexed for doc_search\n\nHELLO WORLD");
  CHECK(r.evidence_ids == std::vector<std::string>{"ev-1"});
  EvidenceDraft d = f.ledger.records().at(0).draft;
  CHECK(d.kind == "page");
  CHECK(d.value == "Demo docs");
  CHECK(d.title == "Demo docs");
  CHECK(d.source_url == url);
  CHECK(d.body == "HELLO WORLD");
  CHECK(d.subject == "Demo");
  CHECK(d.tool == "fetch_page");
  auto pages = f.indexer.pages();
  REQUIRE(pages.size() == 1);
  CHECK(pages[0].url == url);
  CHECK(pages[0].raw == html);
  CHECK(pages[0].is_html);
  CHECK(pages[0].subject == "Demo");
  CHECK(f.server.requests().at(0).Header("Accept")->rfind("text/html", 0) == 0);
}

TEST_CASE("fetch_page keeps plain text as it is and shows only its head") {
  FetchPageOptions options;
  options.head_chars = 20;
  Fixture f(options);
  f.server.On("GET", "/notes.txt",
              {FakeResponse::Text(200, "line one\nline two is longer\nline three\n")});
  ToolResult r = f.Fetch("/notes.txt");
  REQUIRE_FALSE(r.is_error);
  const std::string url = f.server.url() + "/notes.txt";
  CHECK(r.content ==
        url + " (" + url +
            "): 38 bytes of text [ev-1]; indexed for doc_search\n\nline one\nline two is\n…");
  CHECK(f.ledger.records().at(0).draft.body == "line one\nline two is longer\nline three");
  CHECK_FALSE(f.indexer.pages().at(0).is_html);
}

TEST_CASE("fetch_page refuses what is not a web page, with the reason") {
  Fixture f;
  f.server.On(
      "GET", "/paper.pdf",
      {FakeResponse::Status(200, "%PDF-1.7").WithHeader("Content-Type", "application/pdf")});
  f.server.On("GET", "/blob",
              {FakeResponse::Status(200,
                                    "\x7f"
                                    "ELF")});
  f.server.On("GET", "/gone", {FakeResponse::Text(404, "not here")});
  f.server.On("GET", "/empty",
              {FakeResponse::Status(200, "<html><body></body></html>")
                   .WithHeader("Content-Type", "text/html")});
  const std::string base = f.server.url();
  CHECK(f.Fetch("/paper.pdf").content == "the page at " + base +
                                             "/paper.pdf is application/pdf, not HTML or text: "
                                             "fetch_page reads web pages only");
  CHECK(f.Fetch("/blob").content == "the page at " + base +
                                        "/blob is of no declared type, not HTML or text: "
                                        "fetch_page reads web pages only");
  CHECK(f.Fetch("/gone").content ==
        "the page at " + base + "/gone answered HTTP 404: check the address");
  CHECK(f.Fetch("/empty").content == "the page at " + base +
                                         "/empty has no readable text (it may be built by "
                                         "JavaScript): look for another source");
  CHECK(f.ledger.records().empty());
  CHECK(f.indexer.pages().empty());
}

TEST_CASE("fetch_page refuses a page over its size cap and stores nothing") {
  FetchPageOptions options;
  options.max_bytes = 1024;
  Fixture f(options);
  f.server.On("GET", "/big", {FakeResponse::Text(200, std::string(4000, 'x'))});
  ToolResult r = f.Fetch("/big");
  CHECK(r.is_error);
  CHECK(r.content == "the page at " + f.server.url() +
                         "/big is larger than 1 KiB, the most fetch_page reads: look for a "
                         "smaller page");
  CHECK(f.ledger.records().empty());
}

TEST_CASE("fetch_page still succeeds when indexing fails, and says so") {
  Fixture f;
  f.indexer.set_fail(true);
  f.server.On(
      "GET", "/a.md",
      {FakeResponse::Status(200, "# A\n\ntext").WithHeader("Content-Type", "text/markdown")});
  ToolResult r = f.Fetch("/a.md");
  REQUIRE_FALSE(r.is_error);
  CHECK(r.content.find("[ev-1]; not indexed: the document index is read-only\n\n# A") !=
        std::string::npos);
}

TEST_CASE("fetch_page without an index records the page and says it was not indexed") {
  FakeHttpServer server;
  server.On("GET", "/t", {FakeResponse::Text(200, "words")});
  BeastHttpClient http{PlainOptions()};
  FakeClock clock;
  intern::testing::LookupTestLedger ledger;
  ToolContext ctx{ledger, clock, "s-1"};
  config::Config cfg;
  auto tool = MakeFetchPageTool(cfg, http);
  ToolResult r = tool->Run({{"url", server.url() + "/t"}}, ctx);
  REQUIRE_FALSE(r.is_error);
  CHECK(r.content == server.url() + "/t (" + server.url() +
                         "/t): 5 bytes of text [ev-1]; not indexed (no document index)\n\nwords");
}

TEST_CASE("fetch_page is a read tool that needs a url") {
  Fixture f;
  Tool* tool = f.registry.Find("fetch_page");
  REQUIRE(tool != nullptr);
  CHECK(tool->approval_class() == ApprovalClass::kRead);
  CHECK(tool->schema()["required"] == nlohmann::json::array({"url"}));
  CHECK(tool->Describe({{"url", "https://x.org/a"}}) == "fetch https://x.org/a");
}

TEST_CASE("every bad argument of fetch_page gets its own sentence") {
  Fixture f;
  auto message = [&](const std::string& args) {
    ToolResult r = f.Invoke(args);
    CHECK(r.is_error);
    return r.content;
  };
  CHECK(message("{}") == "invalid arguments for fetch_page: missing required argument \"url\"");
  CHECK(message(R"({"url": 1})") ==
        "invalid arguments for fetch_page: argument \"url\" must be a string, got the integer 1");
  CHECK(message(R"({"url": ""})") ==
        "invalid arguments for fetch_page: argument \"url\" must not be empty");
  CHECK(message(R"({"url": "http://x", "depth": 2})") ==
        "invalid arguments for fetch_page: unknown argument \"depth\" (allowed: subject, url)");
  CHECK(message(R"({"url": "http://x", "subject": []})") ==
        "invalid arguments for fetch_page: argument \"subject\" must be a string, got an array");
  CHECK(message(R"({"url": "ftp://example.com/x"})") ==
        "fetch_page reads http:// and https:// pages only, got \"ftp://example.com/x\": pass a "
        "web address");
  CHECK(message(R"({"url": "file:///etc/passwd"})") ==
        "fetch_page reads http:// and https:// pages only, got \"file:///etc/passwd\": pass a "
        "web address");
  CHECK(message(R"({"url": "example.com/page"})") ==
        "fetch_page reads http:// and https:// pages only, got \"example.com/page\": pass a web "
        "address");
  CHECK(message(R"({"url": "https://user:pw@example.com/"})") ==
        "url must not carry a user name or password: pass the address without them");
  CHECK(message(R"({"url": "http://"})") ==
        "url is not a usable web address (invalid URL \"http://\": it has no host): pass an "
        "absolute http(s) URL");
  CHECK(message(R"({"url": "http://example.com:99999/"})") ==
        "url is not a usable web address (invalid URL \"http://example.com:99999/\": the port "
        "\"99999\" is not a number from 1 to 65535): pass an absolute http(s) URL");
  CHECK(f.server.request_count() == 0);
}

TEST_CASE("the fallback HTML to text keeps the title and paragraphs and drops scripts") {
  PageText t = StripTagsHtmlToText(
      "<!DOCTYPE html><html><head><title>A &amp; B</title><style>p{}</style></head>"
      "<body><nav>x</nav><script>var a = '<p>';</script><h1>Intro</h1>"
      "<p>Fast   and\n small &mdash; 5&nbsp;MB &#x2713; &#65;</p><!-- note --><ul><li>one</li>"
      "<li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table></body></html>");
  CHECK(t.title == "A & B");
  CHECK(t.text == "x\n\nIntro\n\nFast and small \u2014 5 MB \u2713 A\n\none\n\ntwo\n\na b");
}

}  // namespace
}  // namespace intern::tools
