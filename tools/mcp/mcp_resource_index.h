#pragma once
// Text resources of an MCP server into the document index, so doc_search finds them (for a
// server configured with `index_resources = true`). Each resource is indexed under its own URI
// (the server's, e.g. "demo://resource/..."), which is what doc_search results then cite.
// Binary resources are skipped; so are resources once `max_resources` have been indexed.
// Never throws: problems are counted and the first one is kept as a sentence.

#include <cstddef>
#include <string>

#include "tools/mcp/mcp_client.h"

namespace intern::tools {

class DocIndex;

struct McpIndexReport {
  std::size_t indexed = 0;
  std::size_t skipped = 0;  // binary, over the limit, or unreadable
  std::string problem;      // the first failure, or ""
};

McpIndexReport IndexMcpResources(McpClient& client, DocIndex& index,
                                 std::size_t max_resources = 100);

}  // namespace intern::tools
