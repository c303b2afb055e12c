#pragma once
// Benchmark specs (TOML): what to set up, what to run, how often, under which limits, and which
// figures to pull out of the output. Example:
//
//   name = "sort-1m"
//   setup = ["seq 1000000 | shuf > input.txt"]      # strings run with /bin/sh -c
//   command = ["sort", "-n", "input.txt"]            # or a string for /bin/sh -c
//   files = ["data/extra.txt"]                       # copied into scratch, relative to the spec
//   warmups = 1
//   repetitions = 5
//   timeout = 30                                     # seconds, per run (the wall limit)
//   network = "none"                                 # or "loopback"
//   [env]
//   LC_ALL = "C"
//   [limits]                                         # cpu_seconds, memory_mb, processes,
//   memory_mb = 512                                  # output_bytes, file_size_mb, tmpfs_mb,
//                                                    # open_files
//   [[metrics]]
//   name = "throughput"
//   regex = 'throughput: ([0-9.]+)'                  # the first group is the number
//   unit = "ops/s"
//   stream = "stdout"                                # or "stderr"
//   [versions]
//   sort = ["sort", "--version"]                     # first line goes into the receipt
//
// Parsing never runs anything. Errors name the spec and the offending key in one sentence.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/result.h"
#include "sandbox/run_spec.h"

namespace intern::tools {

// Defaults and ceilings for benchmark runs (config keys bench.*; see the report).
struct BenchDefaults {
  double timeout_seconds = 60;
  double max_timeout_seconds = 3600;
  std::uint64_t memory_mb = 2048;
  int processes = 256;
  std::uint64_t output_bytes = 16 << 20;
  std::uint64_t file_size_mb = 1024;
  std::uint64_t tmpfs_mb = 256;
  int open_files = 1024;
  int repetitions = 5;
  int max_repetitions = 100;
};

struct BenchMetric {
  std::string name;
  std::string regex;
  std::string unit;
  bool from_stderr = false;
};

struct BenchSpec {
  std::string name;
  std::string source;       // the spec file's path, or "inline"
  std::string base_dir;     // where relative `files` are found
  std::string text_sha256;  // hex SHA-256 of the spec text (allow-listing, receipts)
  std::vector<std::vector<std::string>> setup;
  std::vector<std::string> command;
  std::vector<std::string> env;    // KEY=VALUE, on top of the runner's base environment
  std::vector<std::string> files;
  int warmups = 0;
  int repetitions = 5;
  sandbox::Limits limits;          // wall_seconds is the spec's timeout
  sandbox::Network network = sandbox::Network::kNone;
  std::vector<BenchMetric> metrics;
  std::vector<std::pair<std::string, std::vector<std::string>>> versions;
};

// Parses spec text. `source` names it in errors; `base_dir` resolves `files`.
// Failure (kInvalidArgument): "bench spec SOURCE: <what is wrong>".
Result<BenchSpec> ParseBenchSpec(std::string_view text, const std::string& source,
                                 const std::string& base_dir, const BenchDefaults& defaults = {});

// Reads and parses a spec file. Failure: kNotFound when it cannot be read, else as ParseBenchSpec.
Result<BenchSpec> LoadBenchSpec(const std::string& path, const BenchDefaults& defaults = {});

// A command as people read it: arguments joined by spaces, quoted where needed.
std::string CommandLine(const std::vector<std::string>& argv);

}  // namespace intern::tools
