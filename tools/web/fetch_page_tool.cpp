#include "tools/web/fetch_page_tool.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "tools/http/url.h"

namespace intern::tools {
namespace {

using nlohmann::json;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

// The head of `text`, cut at a paragraph or line break near `max` bytes, never inside a UTF-8
// sequence.
std::string Head(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = text.rfind('\n', max);
  if (cut == std::string::npos || cut < max / 2) {
    cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  return Trim(text.substr(0, cut)) + "\n…";
}

std::string FormatBytes(std::uint64_t n) {
  if (n >= (1ull << 20) && n % (1ull << 20) == 0) return fmt::format("{} MiB", n >> 20);
  if (n >= 1024 && n % 1024 == 0) return fmt::format("{} KiB", n >> 10);
  return fmt::format("{} bytes", n);
}

}  // namespace

FetchPageTool::FetchPageTool(HttpClient& http, HtmlToText html_to_text, PageIndexer* indexer,
                             FetchPageOptions options)
    : http_(http),
      html_to_text_(std::move(html_to_text)),
      indexer_(indexer),
      options_(std::move(options)) {
  schema_ = {{"type", "object"},
             {"properties",
              {{"url",
                {{"type", "string"},
                 {"minLength", 1u},
                 {"maxLength", 2048u},
                 {"description", "The http:// or https:// address of the page."}}},
               {"subject",
                {{"type", "string"},
                 {"description", "The catalog name of the tool the page is about."}}}}},
             {"required", {"url"}},
             {"additionalProperties", false}};
}

std::string FetchPageTool::description() const {
  return "Fetch one web page (HTML or plain text), store its text as evidence and index it for "
         "doc_search. Returns the head of the text with the evidence id.";
}

std::string FetchPageTool::Describe(const json& args) const {
  if (args.contains("url") && args["url"].is_string()) {
    return "fetch " + args["url"].get<std::string>();
  }
  return Tool::Describe(args);
}

ToolResult FetchPageTool::Run(const json& args, ToolContext& ctx) {
  const std::string text_url = args.at("url").get<std::string>();
  const std::string subject = args.value("subject", "");
  const std::string lower = Lower(text_url);
  if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) {
    return ToolResult::Error(fmt::format(
        "fetch_page reads http:// and https:// pages only, got \"{}\": pass a web address",
        text_url));
  }
  Result<Url> url = ParseUrl(text_url);
  if (!url) {
    return ToolResult::Error(
        fmt::format("url is not a usable web address ({}): pass an absolute "
                    "http(s) URL",
                    url.message()));
  }
  if (!url->userinfo.empty()) {
    return ToolResult::Error(
        "url must not carry a user name or password: pass the address "
        "without them");
  }
  if (ctx.cancelled()) return ToolResult::Error("fetch_page was cancelled");
  const std::string shown = url->ForMessages();

  HttpRequest request;
  request.url = url->ToString();
  request.headers = {{"Accept",
                      "text/html,application/xhtml+xml,text/plain;q=0.9,"
                      "text/markdown;q=0.9,*/*;q=0.1"}};
  request.timeouts = options_.timeouts;
  request.max_body_bytes = options_.max_bytes;
  Result<HttpResponse> sent = http_.Send(request);
  if (!sent) {
    if (sent.code() == ErrorCode::kTooLarge) {
      return ToolResult::Error(
          fmt::format("the page at {} is larger than {}, the most fetch_page "
                      "reads: look for a smaller page",
                      shown, FormatBytes(options_.max_bytes)));
    }
    return ToolResult::Error(fmt::format("could not fetch {}: {}", shown, sent.message()));
  }
  const HttpResponse& response = *sent;
  if (response.status >= 400) {
    return ToolResult::Error(
        fmt::format("the page at {} answered HTTP {}: check the address", shown, response.status));
  }
  if (response.status >= 300 || response.status < 200) {
    return ToolResult::Error(
        fmt::format("the page at {} answered HTTP {} without content: check "
                    "the address",
                    shown, response.status));
  }

  std::string type = Lower(response.Header("content-type").value_or(""));
  type = Trim(type.substr(0, type.find(';')));
  bool html = type == "text/html" || type == "application/xhtml+xml";
  const bool plain = type == "text/plain" || type == "text/markdown" || type == "text/x-markdown";
  if (type.empty()) {
    // No declared type: a body that starts like markup is HTML, anything else is refused below.
    std::string start = Lower(Trim(response.body.substr(0, 512)));
    html = start.rfind("<!doctype html", 0) == 0 || start.rfind("<html", 0) == 0;
  }
  if (!html && !plain) {
    return ToolResult::Error(
        fmt::format("the page at {} is {}, not HTML or text: fetch_page reads web pages only",
                    shown, type.empty() ? "of no declared type" : type));
  }

  FetchedPage page;
  page.url = response.final_url.empty() ? url->ToString() : response.final_url;
  page.raw = response.body;
  page.is_html = html;
  page.subject = subject;
  if (html) {
    PageText extracted = html_to_text_(response.body);
    page.title = Trim(extracted.title);
    page.text = Trim(extracted.text);
  } else {
    page.text = Trim(response.body);
  }
  if (page.title.empty()) page.title = page.url;
  if (page.text.empty()) {
    return ToolResult::Error(
        fmt::format("the page at {} has no readable text (it may be built by "
                    "JavaScript): look for another source",
                    shown));
  }

  EvidenceDraft d;
  d.subject = subject;
  d.kind = "page";
  d.value = page.title;
  d.source_url = page.url;
  d.title = page.title;
  d.body = page.text;
  d.tool = "fetch_page";
  Result<std::string> id = ctx.ledger.Record(d);
  if (!id) {
    return ToolResult::Error("could not record the page in the evidence ledger: " + id.message());
  }

  std::string indexed = "not indexed (no document index)";
  if (indexer_ != nullptr) {
    Status status = indexer_->Index(page);
    indexed = status ? "indexed for doc_search" : "not indexed: " + status.message();
  }
  ToolResult out;
  out.content = fmt::format("{} ({}): {} bytes of text [{}]; {}\n\n{}", page.title, page.url,
                            page.text.size(), *id, indexed, Head(page.text, options_.head_chars));
  out.evidence_ids.push_back(*id);
  return out;
}

std::unique_ptr<Tool> MakeFetchPageTool(const config::Config& cfg, HttpClient& http,
                                        HtmlToText html_to_text, PageIndexer* indexer) {
  FetchPageOptions options;
  options.head_chars = std::min<std::size_t>(
      options.head_chars, static_cast<std::size_t>(std::max(200, cfg.tools.max_result_chars / 4)));
  return std::make_unique<FetchPageTool>(http, std::move(html_to_text), indexer, options);
}

}  // namespace intern::tools
