#include "agent/toolbox.h"

#include "agent/providers/factory.h"
#include "sandbox/sandbox.h"
#include "tools/docs/doc_index.h"
#include "tools/docs/doc_search_tool.h"
#include "tools/docs/html_text.h"
#include "tools/github/github_lookup_tool.h"
#include "tools/github/store_http_cache.h"
#include "tools/hub/hub_lookup_tool.h"
#include "tools/mcp/mcp_servers.h"
#include "tools/read_evidence_tool.h"
#include "tools/repo/repo_inspect_tool.h"
#include "tools/web/fetch_page_tool.h"
#include "tools/web/lookup_credentials.h"

namespace intern::agent {
namespace {

// fetch_page's HTML extraction is the document index's, so a fetched page reads the same as an
// indexed one.
tools::PageText ExtractPage(std::string_view html) {
  tools::HtmlText extracted = tools::ExtractHtmlText(html);
  tools::PageText page{extracted.title, {}};
  for (const tools::TextBlock& block : extracted.blocks) {
    if (!page.text.empty()) page.text += "\n\n";
    page.text += block.text;
  }
  return page;
}

// Fetched pages go into the document index, so later doc_search calls find them.
class DocIndexPageIndexer final : public tools::PageIndexer {
 public:
  explicit DocIndexPageIndexer(tools::DocIndex& index) : index_(index) {}
  Status Index(const tools::FetchedPage& page) override {
    try {
      index_.AddText(page.url, page.is_html ? page.raw : page.text,
                     page.is_html ? tools::DocKind::kHtml : tools::DocKind::kText, page.subject,
                     page.title);
      return Status::Ok();
    } catch (const std::exception& e) {
      return Fail(ErrorCode::kIo, e.what());
    }
  }

 private:
  tools::DocIndex& index_;
};

tools::BenchApprovalPolicy BenchPolicy(const config::Config& cfg, bool is_tty) {
  tools::BenchApprovalPolicy policy;
  if (cfg.bench.approval == "auto") policy.mode = tools::BenchApprovalMode::kAuto;
  if (cfg.bench.approval == "deny") policy.mode = tools::BenchApprovalMode::kDeny;
  if (cfg.bench.approval == "ask") policy.mode = tools::BenchApprovalMode::kAsk;
  policy.allow = cfg.bench.allow;
  policy.is_tty = is_tty;
  return policy;
}

sandbox::SandboxOptions SandboxOptionsFor(const config::Config& cfg) {
  sandbox::SandboxOptions options;
  if (cfg.sandbox.backend == "native") options.backend = sandbox::Backend::kNative;
  if (cfg.sandbox.backend == "bwrap") options.backend = sandbox::Backend::kBubblewrap;
  options.allow_unsafe = cfg.sandbox.unsafe_no_sandbox;
  options.use_cgroup = cfg.sandbox.cgroup != "none";
  return options;
}

tools::BenchDefaults BenchDefaultsFor(const config::Config& cfg) {
  tools::BenchDefaults d;
  d.timeout_seconds = std::chrono::duration<double>(cfg.bench.wall_limit).count();
  d.memory_mb = static_cast<std::uint64_t>(cfg.bench.memory_limit_mb);
  d.processes = cfg.bench.pids_limit;
  d.tmpfs_mb = static_cast<std::uint64_t>(cfg.bench.tmpfs_mb);
  d.output_bytes = static_cast<std::uint64_t>(cfg.bench.output_limit_kb) * 1024;
  d.repetitions = cfg.bench.repetitions;
  return d;
}

}  // namespace

tools::HttpClientOptions HttpOptionsFromConfig(const config::Config& cfg) {
  tools::HttpClientOptions options;
  options.ca_file = cfg.http.ca_file.string();
  options.max_redirects = cfg.http.max_redirects;
  options.default_timeouts = {cfg.http.connect_timeout, cfg.http.first_byte_timeout,
                              cfg.http.idle_timeout, cfg.http.total_timeout};
  Result<tools::ProxyConfig> proxy = tools::ProxyConfig::FromProcessEnvironment();
  if (!proxy) throw Error(proxy.message());
  options.proxy = *proxy;
  AddProviderCredentials(cfg, options.credentials);
  tools::AddLookupCredentials(cfg, options.credentials);
  return options;
}

Toolbox::Toolbox(const config::Config& cfg, sessions::Store& store, ToolboxOptions options)
    : http_(options.http) {
  if (http_ == nullptr) {
    owned_http_ = std::make_unique<tools::BeastHttpClient>(HttpOptionsFromConfig(cfg));
    http_ = owned_http_.get();
  }
  docs_ = std::make_unique<tools::DocIndex>(options.docs_index_path.empty()
                                                ? config::DocsIndexPath(cfg).string()
                                                : options.docs_index_path);
  page_indexer_ = std::make_unique<DocIndexPageIndexer>(*docs_);
  http_cache_ = std::make_unique<tools::StoreHttpCache>(store);
  sandbox_ = sandbox::MakeSandbox(SandboxOptionsFor(cfg));

  tools::RepoInspectOptions repo;
  repo.cache_dir = config::ReposCachePath(cfg);
  repo.cache.source.allow_local = options.allow_local_repos;

  registry_.Register(std::make_unique<tools::DocSearchTool>(*docs_));
  registry_.Register(tools::MakeFetchPageTool(cfg, *http_, ExtractPage, page_indexer_.get()));
  registry_.Register(tools::MakeGithubLookupTool(cfg, *http_, *http_cache_,
                                                 SystemClock::Instance()));
  registry_.Register(tools::MakeHubLookupTool(cfg, *http_));
  registry_.Register(std::make_unique<tools::RepoInspectTool>(std::move(repo)));
  registry_.Register(std::make_unique<tools::RunBenchmarkTool>(
      *sandbox_, BenchPolicy(cfg, options.is_tty), options.asker, BenchDefaultsFor(cfg)));
  registry_.Register(std::make_unique<tools::ReadEvidenceTool>(
      static_cast<size_t>(cfg.tools.max_result_chars)));
  // Tools of the configured MCP servers ("server.tool"); none when no server is configured.
  tools::AddMcpTools(cfg, *http_, registry_, docs_.get());
}

Toolbox::~Toolbox() = default;

}  // namespace intern::agent
