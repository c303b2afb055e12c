#include "agent/sweep/configured_sweep.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <memory>

#include "agent/models.h"
#include "agent/sweep/compare_job.h"
#include "agent/toolbox.h"
#include "tools/github/store_http_cache.h"
#include "tools/http/beast_http_client.h"

namespace intern::agent {

std::string WorkerOwnerName() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  // The steady clock tells apart two sweeps of one process (the daemon's).
  const auto tick = std::chrono::steady_clock::now().time_since_epoch().count() % 1'000'000'000;
  return fmt::format("{}-{}-{}", host[0] != '\0' ? host : "host", ::getpid(), tick);
}

SweepReport RunConfiguredSweep(const config::Config& cfg, sessions::Store& store, Clock& clock,
                               const ConfiguredSweepOptions& options) {
  std::unique_ptr<tools::HttpClient> owned_http;
  tools::HttpClient* http = options.http;
  if (http == nullptr) {
    owned_http = std::make_unique<tools::BeastHttpClient>(HttpOptionsFromConfig(cfg));
    http = owned_http.get();
  }
  tools::MemoryHttpCache memory_cache;
  tools::StoreHttpCache store_cache(store);
  tools::HttpCache& cache = options.sweep.dry_run ? static_cast<tools::HttpCache&>(memory_cache)
                                                  : static_cast<tools::HttpCache&>(store_cache);
  const ModelCatalog models = ModelCatalog::Embedded();
  ToolboxOptions toolbox_options;
  toolbox_options.http = options.http;
  CompareJobServices job_services{cfg, store, clock, models, toolbox_options, nullptr};
  SweepServices services{store,
                         *http,
                         cache,
                         clock,
                         MakeCompareJobHandler(job_services),
                         WorkerOwnerName(),
                         options.interrupt,
                         std::chrono::minutes(10),
                         options.log};
  return RunSweep(cfg, options.sweep, services);
}

}  // namespace intern::agent
