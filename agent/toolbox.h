#pragma once
// Toolbox — every research tool wired from configuration, with what they share: one HTTP client
// (system CAs, proxies from the environment, tokens bound to their own hosts), the document
// index, the sandbox, and the session store (evidence ledger, HTTP cache).
//
// Used by `intern tools` and by the agent's workflows; both see the same tools. Construction
// opens the document index (<home>/docs.db); nothing touches the network until a tool runs.
// Thread safety: the registry's tools may run concurrently (read-only ones do in the loop).

#include <memory>

#include "config/config.h"
#include "sessions/store.h"
#include "tools/bench/run_benchmark_tool.h"
#include "tools/http/beast_http_client.h"
#include "tools/registry.h"

namespace intern::tools {
class HttpClient;
class DocIndex;
class HttpCache;
class PageIndexer;
}  // namespace intern::tools
namespace intern::sandbox {
class Sandbox;
}

namespace intern::agent {

struct ToolboxOptions {
  // Whether an operator is at a terminal to be asked (benchmark approval).
  bool is_tty = false;
  // Asks the operator to approve a benchmark; only called when is_tty.
  tools::Asker asker;
  // Overrides the HTTP client (tests); null: a BeastHttpClient built from the config.
  tools::HttpClient* http = nullptr;
  // Whether repo_inspect may read local paths and file:// URLs. On for an operator's own
  // `intern tools run`; off for the agent, so a model cannot read this machine's repositories.
  bool allow_local_repos = false;
  // Where the document index lives; empty: <home>/docs.db. ":memory:" keeps it in memory (for
  // commands that only describe the tools and must create no files).
  std::string docs_index_path;
};

class Toolbox {
 public:
  // `store` must outlive the toolbox. Throws intern::Error when the document index or a
  // configured CA file cannot be opened.
  Toolbox(const config::Config& cfg, sessions::Store& store, ToolboxOptions options);
  ~Toolbox();
  Toolbox(const Toolbox&) = delete;
  Toolbox& operator=(const Toolbox&) = delete;

  tools::ToolRegistry& registry() { return registry_; }
  tools::HttpClient& http() { return *http_; }

 private:
  std::unique_ptr<tools::HttpClient> owned_http_;
  tools::HttpClient* http_;
  std::unique_ptr<tools::DocIndex> docs_;
  std::unique_ptr<tools::PageIndexer> page_indexer_;
  std::unique_ptr<tools::HttpCache> http_cache_;
  std::unique_ptr<sandbox::Sandbox> sandbox_;
  tools::ToolRegistry registry_;
};

// The HTTP client options of a config: timeouts, redirects, CA file, proxies from the process
// environment, and every token (providers, GitHub, hub) bound to its own host. Throws
// intern::Error when a proxy variable is malformed.
tools::HttpClientOptions HttpOptionsFromConfig(const config::Config& cfg);

}  // namespace intern::agent
