#pragma once
// fetch_page(url, subject?) — fetch one web page, turn it into text, store the text as evidence
// and hand it to the document index (DESIGN §5).
//
// Accepts http:// and https:// URLs only. Reads at most options.max_bytes of body (the HTTP
// client's cap: a larger page fails with a sentence, nothing is stored). HTML
// (text/html, application/xhtml+xml) goes through the HtmlToText function; text/plain and
// text/markdown are kept as they are; any other content type is refused by name. The text is
// recorded as one evidence row (kind "page", value and title the page title, source_url the URL
// that answered after redirects, body the whole text, tool "fetch_page") and, when an indexer is
// wired, indexed for doc_search (an indexing failure is reported but does not fail the call).
// The result shows the head of the text (options.head_chars) with the evidence id.
//
// Thread safety: Run may be called concurrently when the HttpClient, the HtmlToText function and
// the indexer allow it.

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/result.h"
#include "tools/http/http_client.h"
#include "tools/tool.h"

namespace intern::tools {

// What the HTML-to-text step returns.
struct PageText {
  std::string title;  // "" when the page has none
  std::string text;   // headings and paragraphs in reading order, separated by blank lines
};

// Pure, thread-safe HTML to text. The lead wires the document index's extractor here
// (tools/docs/html_text.h ExtractHtmlText); StripTagsHtmlToText is the self-contained fallback.
using HtmlToText = std::function<PageText(std::string_view html)>;

// A rough HTML to text: the <title>, then the text outside tags with script, style, noscript,
// template and svg dropped, a few common entities decoded, blank lines between blocks.
PageText StripTagsHtmlToText(std::string_view html);

// A page as handed to the document index.
struct FetchedPage {
  std::string url;  // the URL that answered (after redirects)
  std::string title;
  std::string text;  // the extracted text
  std::string raw;   // the body as received (HTML for HTML pages)
  bool is_html = false;
  std::string subject;  // catalog name it is about, or ""
};

// Where fetched pages are indexed for doc_search. The lead wires an adapter over DocIndex
// (e.g. AddText(page.url, page.is_html ? page.raw : page.text, kind, page.subject, page.title)).
class PageIndexer {
 public:
  virtual ~PageIndexer() = default;
  // Indexes (or re-indexes) the page under page.url. Failure: a message saying why.
  virtual Status Index(const FetchedPage& page) = 0;
};

struct FetchPageOptions {
  std::uint64_t max_bytes = 4ull << 20;  // body cap
  std::size_t head_chars = 2000;         // how much text the result shows
  HttpTimeouts timeouts{std::chrono::seconds(10), std::chrono::seconds(30),
                        std::chrono::seconds(30), std::chrono::seconds(60)};
};

class FetchPageTool final : public Tool {
 public:
  // `http` and `indexer` (may be null: no indexing) are borrowed and must outlive the tool.
  FetchPageTool(HttpClient& http, HtmlToText html_to_text, PageIndexer* indexer,
                FetchPageOptions options = {});

  std::string name() const override { return "fetch_page"; }
  std::string description() const override;
  const nlohmann::json& schema() const override { return schema_; }
  ApprovalClass approval_class() const override { return ApprovalClass::kRead; }
  std::string Describe(const nlohmann::json& args) const override;
  ToolResult Run(const nlohmann::json& args, ToolContext& ctx) override;

 private:
  HttpClient& http_;
  HtmlToText html_to_text_;
  PageIndexer* indexer_;
  FetchPageOptions options_;
  nlohmann::json schema_;
};

// The tool with the fallback HTML-to-text and no indexer unless given; the head size follows
// cfg.tools.max_result_chars (at most).
std::unique_ptr<Tool> MakeFetchPageTool(const config::Config& cfg, HttpClient& http,
                                        HtmlToText html_to_text = StripTagsHtmlToText,
                                        PageIndexer* indexer = nullptr);

}  // namespace intern::tools
