#pragma once
// A sweep wired from the configuration, as `intern sweep` and `intern daemon` run it: one
// HTTP client (tokens bound to their hosts), the HTTP cache in the store (in memory for a dry
// run, so a dry run writes nothing), and compare jobs through RunCompare with the configured
// provider — the offline researcher when none is configured.
//
// Throws intern::Error when the HTTP client cannot be built (a malformed proxy variable) or the
// store fails.

#include <atomic>
#include <functional>
#include <string>

#include "agent/sweep/sweep.h"
#include "config/config.h"
#include "sessions/store.h"

namespace intern::agent {

struct ConfiguredSweepOptions {
  SweepOptions sweep;
  const std::atomic<int>* interrupt = nullptr;
  std::function<void(const std::string& line)> log = nullptr;
  // Test seam: the HTTP client to use instead of one built from the config.
  tools::HttpClient* http = nullptr;
};

SweepReport RunConfiguredSweep(const config::Config& cfg, sessions::Store& store, Clock& clock,
                               const ConfiguredSweepOptions& options);

// A lease owner unique to this process and moment: "HOST-PID-N".
std::string WorkerOwnerName();

}  // namespace intern::agent
