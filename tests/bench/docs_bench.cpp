// docs_bench — ingest throughput and query latency of the document index, side by side with
// ripgrep answering the same queries over the same files.
//
//   docs_bench CORPUS_DIR QUERIES_FILE [DB_PATH]
//
// Steps: a fresh index at DB_PATH (default CORPUS_DIR/../docs-bench.db) is filled from
// CORPUS_DIR exactly as `intern docs add` does (AddPath), then optimised; each query runs once to
// warm caches and once timed through DocIndex::Search (k = 5); then `rg -l -i -F` with the same
// words (those the index searched, as alternatives) runs over the same folder, once to warm and
// once timed. Prints MB, MB/s, p50/p99 of both and the ratio.
#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "tools/docs/doc_index.h"

extern char** environ;

namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// CPU seconds (user + system) this process has used so far.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU time of the calling thread, in milliseconds: query cost without the wait for a core.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// The terms of the index's OR query, unquoted: the words rg is given as alternatives.
std::vector<std::string> Terms(const std::string& query) {
  std::string fts = intern::tools::FtsQuery(query, false);
  std::vector<std::string> terms;
  size_t i = 0;
  while ((i = fts.find('"', i)) != std::string::npos) {
    size_t j = fts.find('"', i + 1);
    terms.push_back(fts.substr(i + 1, j - i - 1));
    i = j + 1;
  }
  return terms;
}

// Runs rg with stdout and stderr to /dev/null; returns its exit status.
int RunRg(const std::vector<std::string>& terms, const std::string& dir) {
  std::vector<std::string> args = {"rg", "-l", "-i", "-F"};
  for (const std::string& t : terms) {
    args.push_back("-e");
    args.push_back(t);
  }
  args.push_back(dir);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, "rg", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    std::cerr << "docs_bench: cannot run rg: " << std::strerror(rc) << "\n";
    std::exit(1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void PrintLatency(const char* name, const std::vector<double>& ms) {
  double total = 0;
  for (double v : ms) total += v;
  std::cout << fmt::format(
      "{:<10} p50 {:8.2f} ms   p99 {:8.2f} ms   mean {:8.2f} ms   max {:8.2f} ms\n", name,
      Percentile(ms, 50), Percentile(ms, 99), total / static_cast<double>(ms.size()),
      *std::max_element(ms.begin(), ms.end()));
}

// One tab-separated line for tests/bench/run's table: figure, value, target, PASS|FAIL|-.
void Result(const std::string& figure, const std::string& value, const std::string& target,
            const char* status) {
  std::cout << fmt::format("RESULT\tdocs\t{}\t{}\t{}\t{}\n", figure, value, target, status);
}

// The full corpus's ingest target; a quick corpus (DOCS_BENCH_QUICK set) has none.
bool QuickCorpus() { return std::getenv("DOCS_BENCH_QUICK") != nullptr; }

void Ingest(intern::tools::DocIndex& index, const fs::path& corpus, const std::string& db) {
  auto t0 = Clock::now();
  double cpu0 = CpuSeconds();
  size_t last_report = 0;
  intern::tools::AddPathOptions options;
  options.progress = [&](const intern::tools::AddProgress& p) {
    if (p.files_done - last_report >= 5000) {
      last_report = p.files_done;
      std::cerr << fmt::format("  {} files, {:.0f} MB, {:.1f} s\n", p.files_done,
                               static_cast<double>(p.bytes_done) / 1e6,
                               Ms(Clock::now() - t0) / 1e3);
    }
  };
  intern::Result<intern::tools::AddSummary> added = index.AddPath(corpus, options);
  if (!added) {
    std::cerr << "docs_bench: " << added.message() << "\n";
    std::exit(1);
  }
  double ingest_s = Ms(Clock::now() - t0) / 1e3;
  auto t1 = Clock::now();
  index.Optimize();
  double optimize_s = Ms(Clock::now() - t1) / 1e3;
  double cpu_s = CpuSeconds() - cpu0;
  double mb = static_cast<double>(added->bytes) / 1e6;
  std::cout << fmt::format(
      "corpus     {} ({} files indexed, {} skipped)\n"
      "ingest     {:.1f} MB, {} chunks in {:.1f} s = {:.1f} MB/s; optimize {:.1f} s; "
      "total {:.1f} s ({:.1f} s of CPU)\n",
      corpus.string(), added->files(), added->skipped.size(), mb, added->chunks, ingest_s,
      mb / ingest_s, optimize_s, ingest_s + optimize_s, cpu_s);
  std::cout << fmt::format("index      {:.1f} MB on disk\n",
                           static_cast<double>(fs::file_size(db)) / 1e6);
  double total_s = ingest_s + optimize_s;
  Result(fmt::format("ingest of {:.1f} MB{}", mb, QuickCorpus() ? " (quick corpus)" : ""),
         fmt::format("{:.1f} s ({:.1f} MB/s, {:.1f} s CPU)", total_s, mb / total_s, cpu_s),
         QuickCorpus() ? "-" : "< 120 s", QuickCorpus() ? "-" : (total_s < 120 ? "PASS" : "FAIL"));
}

}  // namespace

int main(int argc, char** argv) {
  // --queries-only: reuse the index at DB_PATH instead of rebuilding it.
  bool queries_only = false;
  if (argc > 1 && std::string(argv[1]) == "--queries-only") {
    queries_only = true;
    ++argv;
    --argc;
  }
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: docs_bench CORPUS_DIR QUERIES_FILE [DB_PATH]\n";
    return 2;
  }
  fs::path corpus = fs::absolute(argv[1]);
  std::string db = argc == 4 ? argv[3] : (corpus.parent_path() / "docs-bench.db").string();
  std::vector<std::string> queries;
  {
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line[0] != '#') queries.push_back(line);
    }
  }
  if (queries.empty()) {
    std::cerr << "docs_bench: no queries in " << argv[2] << "\n";
    return 2;
  }
  if (!queries_only) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
  }
  intern::tools::DocIndex index(db);
  if (!queries_only) Ingest(index, corpus, db);
  std::vector<double> index_ms;
  std::vector<double> index_cpu_ms;
  size_t answered = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& q : queries) {
      auto s = Clock::now();
      double cpu = ThreadCpuMs();
      auto hits = index.Search(q, "", 5);
      double ms = Ms(Clock::now() - s);
      if (pass == 1) {
        index_ms.push_back(ms);
        index_cpu_ms.push_back(ThreadCpuMs() - cpu);
        if (hits && !hits->empty()) ++answered;
      }
    }
  }
  std::cout << fmt::format("queries    {} (index answered {})\n", queries.size(), answered);
  PrintLatency("doc_index", index_ms);
  PrintLatency("  (CPU)", index_cpu_ms);
  std::vector<size_t> order(queries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return index_ms[a] > index_ms[b]; });
  for (size_t i = 0; i < 5 && i < order.size(); ++i) {
    std::cout << fmt::format("  slowest {:8.2f} ms  {}\n", index_ms[order[i]], queries[order[i]]);
  }
  const double p99 = Percentile(index_ms, 99);
  Result(fmt::format("query latency, {} queries", queries.size()),
         fmt::format("p50 {:.2f} ms, p99 {:.2f} ms", Percentile(index_ms, 50), p99), "p99 < 20 ms",
         p99 < 20 ? "PASS" : "FAIL");
  // DOCS_BENCH_NO_RG=1 skips the ripgrep half (for tuning the index alone).
  if (std::getenv("DOCS_BENCH_NO_RG") != nullptr) return 0;
  std::vector<double> rg_ms;
  size_t rg_answered = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < queries.size(); ++i) {
      if (pass == 0 && i >= 3) break;  // warming the page cache needs only a few full scans
      std::vector<std::string> terms = Terms(queries[i]);
      auto s = Clock::now();
      int rc = RunRg(terms, corpus.string());
      double ms = Ms(Clock::now() - s);
      if (pass == 1) {
        rg_ms.push_back(ms);
        if (rc == 0) ++rg_answered;
      }
    }
  }
  std::cout << fmt::format("rg         matched files for {} of {} queries\n", rg_answered,
                           queries.size());
  PrintLatency("rg -l -i", rg_ms);
  std::cout << fmt::format("ratio      rg/index at p50 {:.0f}x, at p99 {:.0f}x\n",
                           Percentile(rg_ms, 50) / Percentile(index_ms, 50),
                           Percentile(rg_ms, 99) / Percentile(index_ms, 99));
  const double ratio = Percentile(rg_ms, 50) / Percentile(index_ms, 50);
  Result("the same queries with `rg -l -i -F`",
         fmt::format("p50 {:.0f} ms, p99 {:.0f} ms (index {:.0f}x faster at p50)",
                     Percentile(rg_ms, 50), Percentile(rg_ms, 99), ratio),
         ">= 20x", ratio >= 20 ? "PASS" : "FAIL");
  return 0;
}
