#include "tools/mcp/mcp_resource_index.h"

#include "tools/docs/doc_index.h"

namespace intern::tools {
namespace {

bool IsText(const std::string& mime) {
  return mime.empty() || mime.starts_with("text/") || mime == "application/json" ||
         mime.ends_with("+json") || mime == "application/xml";
}

DocKind KindFor(const std::string& mime) {
  if (mime == "text/markdown") return DocKind::kMarkdown;
  if (mime == "text/html") return DocKind::kHtml;
  return DocKind::kText;
}

}  // namespace

McpIndexReport IndexMcpResources(McpClient& client, DocIndex& index, std::size_t max_resources) {
  McpIndexReport report;
  auto problem = [&](std::string sentence) {
    ++report.skipped;
    if (report.problem.empty()) report.problem = std::move(sentence);
  };
  Result<std::vector<McpResourceInfo>> listed = client.ListResources();
  if (!listed) {
    report.problem = listed.message();
    return report;
  }
  for (const McpResourceInfo& resource : *listed) {
    if (report.indexed >= max_resources || !IsText(resource.mime_type)) {
      ++report.skipped;
      continue;
    }
    Result<std::vector<McpResourceContent>> read = client.ReadResource(resource.uri);
    if (!read) {
      problem(read.message());
      continue;
    }
    for (const McpResourceContent& content : *read) {
      if (!content.is_text || content.text.empty()) continue;
      try {
        std::string mime = content.mime_type.empty() ? resource.mime_type : content.mime_type;
        index.AddText(content.uri.empty() ? resource.uri : content.uri, content.text,
                      KindFor(mime), "", resource.name);
        ++report.indexed;
      } catch (const std::exception& e) {
        problem(e.what());
      }
    }
  }
  return report;
}

}  // namespace intern::tools
