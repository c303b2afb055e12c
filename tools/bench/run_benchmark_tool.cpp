#include "tools/bench/run_benchmark_tool.h"

#include <fmt/format.h>

#include <filesystem>

#include "sandbox/sha256.h"
#include "tools/bench/bench_format.h"
#include "tools/bench/bench_runner.h"

namespace intern::tools {
namespace {

std::string Canonical(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return ec ? path : p.string();
}

bool Allowed(const BenchApprovalPolicy& policy, const BenchSpec& spec) {
  for (const std::string& entry : policy.allow) {
    if (entry.rfind("sha256:", 0) == 0) {
      if (entry.substr(7) == spec.text_sha256) return true;
    } else if (spec.source != "inline" && Canonical(entry) == Canonical(spec.source)) {
      return true;
    }
  }
  return false;
}

std::string Summary(const BenchSpec& spec) {
  return fmt::format("run benchmark `{}` in the sandbox: {} ({} warm-up, {} repetitions, "
                     "timeout {} s, memory {} MiB, network {})",
                     spec.name, CommandLine(spec.command), spec.warmups, spec.repetitions,
                     spec.limits.wall_seconds, spec.limits.memory_bytes >> 20,
                     spec.network == sandbox::Network::kLoopback ? "loopback" : "none");
}

std::string OneLine(const BenchReport& report) {
  std::string out;
  for (const BenchFigure& f : report.figures) {
    out += fmt::format("{}{} median {:.4g} {} (min {:.4g}, max {:.4g})", out.empty() ? "" : "; ",
                       f.name, f.median, f.unit, f.min, f.max);
  }
  if (report.outcome != BenchOutcome::kOk) {
    out = fmt::format("{}: {}", BenchOutcomeName(report.outcome), report.message);
  }
  return out;
}

}  // namespace

BenchApprovalDecision DecideBenchApproval(const BenchApprovalPolicy& policy, const BenchSpec& spec) {
  if (policy.mode == BenchApprovalMode::kDeny) {
    return {BenchApproval::kDeny,
            "not run: benchmarks are disabled (bench.approval = deny); the operator can set "
            "bench.approval to ask or auto"};
  }
  if (Allowed(policy, spec)) return {BenchApproval::kRun, ""};
  if (policy.mode == BenchApprovalMode::kAuto) return {BenchApproval::kRun, ""};
  if (policy.is_tty) return {BenchApproval::kAsk, ""};
  return {BenchApproval::kDeny,
          "not run: there is no terminal to ask for approval; the operator can list this spec in "
          "bench.allow or set bench.approval = auto"};
}

RunBenchmarkTool::RunBenchmarkTool(sandbox::Sandbox& sandbox, BenchApprovalPolicy policy,
                                   Asker asker, BenchDefaults defaults)
    : sandbox_(sandbox),
      policy_(std::move(policy)),
      asker_(std::move(asker)),
      defaults_(defaults),
      schema_({{"type", "object"},
               {"properties",
                {{"spec_path", {{"type", "string"}, {"description", "Path of a benchmark spec (TOML) on this machine"}}},
                 {"spec_toml", {{"type", "string"}, {"description", "The text of a benchmark spec (TOML)"}}},
                 {"subject", {{"type", "string"}, {"description", "Catalog name of the tool this benchmark measures"}}}}},
               {"additionalProperties", false}}) {}

std::string RunBenchmarkTool::description() const {
  return "Run a benchmark in an isolated sandbox on this machine (no network, read-only system, "
         "limits on time, CPU, memory and processes). Give exactly one of spec_path or spec_toml. "
         "A spec (TOML) has name, command (string for /bin/sh -c, or an argv array), optional "
         "setup commands, env table, files to copy into the scratch directory, warmups, "
         "repetitions, timeout (s), network (\"none\" or \"loopback\"), [limits] (cpu_seconds, "
         "memory_mb, processes, output_bytes, file_size_mb, tmpfs_mb, open_files), [[metrics]] "
         "(name, regex with one capture group, unit, stream) and [versions] (name = command). "
         "Returns median/min/max of wall time, CPU, peak memory and each metric, with a receipt.";
}

Result<BenchSpec> RunBenchmarkTool::LoadSpec(const nlohmann::json& args) const {
  bool has_path = args.contains("spec_path"), has_toml = args.contains("spec_toml");
  if (has_path == has_toml) {
    return Fail(ErrorCode::kInvalidArgument, "give exactly one of spec_path or spec_toml");
  }
  if (has_path) return LoadBenchSpec(args["spec_path"].get<std::string>(), defaults_);
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  return ParseBenchSpec(args["spec_toml"].get<std::string>(), "inline", cwd, defaults_);
}

std::string RunBenchmarkTool::Describe(const nlohmann::json& args) const {
  auto spec = LoadSpec(args);
  return spec ? Summary(*spec) : Tool::Describe(args);
}

ToolResult RunBenchmarkTool::Run(const nlohmann::json& args, ToolContext& ctx) {
  auto spec = LoadSpec(args);
  if (!spec) return ToolResult::Error(spec.message());

  BenchApprovalDecision decision = DecideBenchApproval(policy_, *spec);
  if (decision.action == BenchApproval::kAsk) {
    if (!asker_ || !asker_(Summary(*spec))) {
      return ToolResult::Error("not run: the operator declined the benchmark `" + spec->name + "`");
    }
  } else if (decision.action == BenchApproval::kDeny) {
    return ToolResult::Error(decision.reason);
  }

  BenchRunner runner(sandbox_, ctx.clock);
  auto report = runner.Run(*spec, ctx.cancel);
  if (!report) return ToolResult::Error("benchmark `" + spec->name + "`: " + report.message());

  nlohmann::json body = BenchReportToJson(*report);
  std::string body_text = body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  ToolResult result;
  result.is_error = report->outcome != BenchOutcome::kOk;
  // Only measured outcomes are evidence about the tool; a setup failure says nothing about it.
  if (report->outcome == BenchOutcome::kOk || report->outcome == BenchOutcome::kBenchmarkFailed) {
    EvidenceDraft draft;
    draft.subject = args.value("subject", std::string());
    draft.kind = "benchmark";
    draft.field = spec->name;
    draft.value = OneLine(*report);
    draft.source_url = "sandbox-receipt:sha256:" +
                       sandbox::Sha256Hex(body["receipt"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    draft.title = "Benchmark " + spec->name + " (" + report->receipt.started_at + ")";
    draft.body = body_text;
    draft.tool = name();
    auto id = ctx.ledger.Record(draft);
    if (!id) {
      body["ledger_error"] = id.message();
    } else {
      result.evidence_ids.push_back(*id);
      body["evidence_id"] = *id;
    }
  }
  result.content = body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  return result;
}

}  // namespace intern::tools
