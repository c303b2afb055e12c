#include "tools/bench/bench_format.h"

#include <fmt/format.h>

namespace intern::tools {
namespace {

using nlohmann::json;

json CaptureToJson(const sandbox::Capture& c) {
  return {{"head", c.head}, {"tail", c.tail}, {"bytes", c.bytes}, {"sha256", c.sha256},
          {"truncated", c.truncated}};
}


}  // namespace

json BenchReportToJson(const BenchReport& report) {
  json figures = json::array();
  for (const BenchFigure& f : report.figures) {
    figures.push_back({{"name", f.name}, {"unit", f.unit}, {"median", f.median}, {"min", f.min},
                       {"max", f.max}, {"samples", f.samples}, {"source", f.source}});
  }
  const BenchReceipt& r = report.receipt;
  json versions = json::object();
  for (const auto& [name, version] : r.tool_versions) versions[name] = version;
  json receipt = {{"spec", {{"name", r.spec_name}, {"source", r.spec_source}, {"sha256", r.spec_sha256}}},
                  {"started_at", r.started_at},
                  {"host", r.host},
                  {"kernel", r.kernel},
                  {"cpu_model", r.cpu_model},
                  {"isolation", r.isolation},
                  {"cgroup", r.cgroup},
                  {"tool_versions", versions},
                  {"command", r.command},
                  {"exit_code", r.exit_code},
                  {"signal", r.signal},
                  {"limit", r.limit},
                  {"stdout_sha256", r.stdout_sha256},
                  {"stderr_sha256", r.stderr_sha256},
                  {"degraded", r.degraded}};
  json out = {{"outcome", BenchOutcomeName(report.outcome)},
              {"figures", figures},
              {"receipt", receipt}};
  if (!report.message.empty()) {
    out["message"] = report.message;
    out["stdout_tail"] = report.stdout_tail;
    out["stderr_tail"] = report.stderr_tail;
  }
  return out;
}

json RunResultToJson(const sandbox::RunResult& r) {
  json j = {{"isolation", sandbox::IsolationName(r.isolation)},
            {"cgroup", sandbox::CgroupKindName(r.cgroup)},
            {"limit", sandbox::LimitHitName(r.limit)},
            {"process_limit_reached", r.process_limit_reached},
            {"wall_seconds", r.wall_seconds},
            {"user_seconds", r.user_seconds},
            {"system_seconds", r.system_seconds},
            {"cpu_source", r.cpu_source},
            {"peak_memory_bytes", r.peak_memory_bytes},
            {"memory_source", r.memory_source},
            {"leftover_processes", r.leftover_processes},
            {"stdout", CaptureToJson(r.out)},
            {"stderr", CaptureToJson(r.err)},
            {"degraded", r.degraded}};
  j["exit_code"] = r.exit_code >= 0 ? json(r.exit_code) : json(nullptr);
  j["signal"] = r.signal != 0 ? json(r.signal) : json(nullptr);
  return j;
}

std::string BenchReportText(const BenchReport& report) {
  std::string out;
  if (!report.figures.empty()) {
    out += fmt::format("{:<16} {:>12} {:>12} {:>12}  {}\n", "figure", "median", "min", "max", "unit");
    for (const BenchFigure& f : report.figures) {
      out += fmt::format("{:<16} {:>12.4g} {:>12.4g} {:>12.4g}  {}\n", f.name, f.median, f.min,
                         f.max, f.unit);
    }
  }
  const BenchReceipt& r = report.receipt;
  out += fmt::format("outcome: {}{}\n", BenchOutcomeName(report.outcome),
                     report.message.empty() ? "" : " — " + report.message);
  out += fmt::format("spec: {} ({}, sha256 {})\n", r.spec_name, r.spec_source, r.spec_sha256);
  out += fmt::format("host: {}; kernel: {}; cpu: {}\n", r.host, r.kernel, r.cpu_model);
  out += fmt::format("sandbox: {}, cgroup {}; started {}\n", r.isolation, r.cgroup, r.started_at);
  out += fmt::format("command: {}\n", r.command);
  for (const auto& [name, version] : r.tool_versions) out += fmt::format("version {}: {}\n", name, version);
  for (const BenchFigure& f : report.figures) out += fmt::format("source of {}: {}\n", f.name, f.source);
  for (const std::string& d : r.degraded) out += fmt::format("degraded: {}\n", d);
  if (!report.message.empty() && !report.stderr_tail.empty()) {
    out += "stderr (tail):\n" + report.stderr_tail + (report.stderr_tail.back() == '\n' ? "" : "\n");
  }
  return out;
}

std::string RunResultText(const sandbox::RunResult& r) {
  std::string out;
  std::string ended = r.limit != sandbox::LimitHit::kNone
                          ? fmt::format("stopped by the {} limit", sandbox::LimitHitName(r.limit))
                      : r.signal != 0 ? fmt::format("killed by signal {}", r.signal)
                                      : fmt::format("exit status {}", r.exit_code);
  out += fmt::format("ended: {}\n", ended);
  out += fmt::format("sandbox: {}, cgroup {}\n", sandbox::IsolationName(r.isolation),
                     sandbox::CgroupKindName(r.cgroup));
  out += fmt::format("wall: {:.4f} s (monotonic, exec to exit)\n", r.wall_seconds);
  out += fmt::format("cpu: {:.4f} s user + {:.4f} s system ({})\n", r.user_seconds,
                     r.system_seconds, r.cpu_source);
  out += fmt::format("peak memory: {:.1f} MiB ({})\n", r.peak_memory_bytes / 1048576.0, r.memory_source);
  out += fmt::format("stdout: {} bytes{}, sha256 {}\n", r.out.bytes, r.out.truncated ? " (cut)" : "", r.out.sha256);
  out += fmt::format("stderr: {} bytes{}, sha256 {}\n", r.err.bytes, r.err.truncated ? " (cut)" : "", r.err.sha256);
  if (r.process_limit_reached) out += "the process limit refused at least one fork\n";
  for (const std::string& d : r.degraded) out += fmt::format("degraded: {}\n", d);
  return out;
}

}  // namespace intern::tools
