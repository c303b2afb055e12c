// `intern sessions list|show ID|export ID` — reading the session store (DESIGN §11). `resume`
// belongs to the agent loop: agent/cli/sessions_resume.cpp.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "agent/cli/cli.h"
#include "agent/loop_lock.h"
#include "config/error.h"
#include "sessions/export.h"
#include "sessions/store.h"

namespace intern::agent {
namespace {

using sessions::Session;
using sessions::SessionHistory;
using sessions::Store;

struct ListOptions {
  bool json = false;
  std::string status;
  std::string kind;
  int64_t limit = 0;
};

struct ShowOptions {
  std::string id;
  bool json = false;
};

struct ExportOptions {
  std::string id;
  std::string format = "jsonl";
};

// Reading commands do not create a store that is not there.
std::optional<Store> OpenExisting(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  return Store::Open(path);
}

SessionHistory LoadOrExplain(const std::filesystem::path& path, const std::string& id) {
  std::optional<Store> store = OpenExisting(path);
  if (store) {
    if (std::optional<SessionHistory> history = store->LoadHistory(id)) return std::move(*history);
    // A unique prefix is enough, as with git commits.
    std::vector<std::string> matches = store->SessionIdsWithPrefix(id, 4);
    if (matches.size() == 1 && !id.empty()) {
      if (std::optional<SessionHistory> history = store->LoadHistory(matches[0])) {
        return std::move(*history);
      }
    }
    if (matches.size() > 1 && !id.empty()) {
      std::string listed;
      for (size_t i = 0; i < matches.size() && i < 3; ++i) listed += (i ? ", " : "") + matches[i];
      throw Error(fmt::format("\"{}\" matches several sessions ({}{}); give more of the id", id,
                              listed, matches.size() > 3 ? ", ..." : ""));
    }
  }
  throw Error(
      fmt::format("no session \"{}\" in {} (see `intern sessions list`)", id, path.string()));
}

// Cuts `text` to at most `width` bytes on a UTF-8 character boundary, marking the cut with "…".
std::string Clip(std::string text, size_t width) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() <= width) return text;
  size_t cut = width - 3;  // room for the 3-byte ellipsis
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

std::string Tokens(int64_t n) {
  if (n < 1000) return std::to_string(n);
  if (n < 1000000) return fmt::format("{:.1f}k", static_cast<double>(n) / 1e3);
  return fmt::format("{:.1f}M", static_cast<double>(n) / 1e6);
}

std::string Dollars(double usd) { return fmt::format("${:.4f}", usd); }

// "2026-01-01T10:00:00.000Z" -> "2026-01-01 10:00:00"
std::string Readable(const std::string& time) {
  std::string t = time.substr(0, 19);
  if (t.size() > 10 && t[10] == 'T') t[10] = ' ';
  return t;
}

std::string Subjects(const std::string& subjects_json) {
  nlohmann::json parsed = nlohmann::json::parse(subjects_json, nullptr, false);
  if (!parsed.is_array()) return subjects_json;
  std::string out;
  for (const auto& s : parsed) {
    if (!out.empty()) out += ", ";
    out += s.is_string() ? s.get<std::string>() : s.dump();
  }
  return out;
}

std::string StatusNames() {
  std::string names;
  for (sessions::SessionStatus status : sessions::kAllSessionStatuses) {
    if (!names.empty()) names += ", ";
    names += sessions::SessionStatusName(status);
  }
  return names;
}

// A session the loop ran, still marked running, that no process runs now was killed (or its
// machine stopped): say so, since `intern sessions resume` continues it.
bool Interrupted(const std::string& store_path, const Session& s) {
  return s.status == sessions::SessionStatus::kRunning &&
         SessionRunState(store_path, s.id) == RunLockState::kFree;
}

std::string StatusText(const std::string& store_path, const Session& s) {
  return Interrupted(store_path, s) ? "interrupted?" : sessions::SessionStatusName(s.status);
}

void RunList(CliContext& ctx, const ListOptions& options) {
  sessions::SessionFilter filter;
  if (!options.status.empty()) {
    filter.status = sessions::ParseSessionStatus(options.status);
    if (!filter.status) {
      throw UsageError(fmt::format("unknown status \"{}\" for --status; use one of {}",
                                   options.status, StatusNames()));
    }
  }
  filter.kind = options.kind;
  filter.limit = options.limit;
  const std::filesystem::path path = config::StorePath(LoadConfig(ctx));
  std::optional<Store> store = OpenExisting(path);
  std::vector<Session> found = store ? store->ListSessions(filter) : std::vector<Session>{};
  if (options.json) {
    ctx.out << sessions::SessionsToJson(found) << "\n";
    return;
  }
  if (found.empty()) {
    if (!store) {
      ctx.out << fmt::format("No sessions yet (there is no store at {}).\n", path.string());
    } else {
      ctx.out << fmt::format(
          "No sessions{} in {}.\n",
          options.status.empty() && options.kind.empty() ? "" : " match the filter", path.string());
    }
    return;
  }
  ctx.out << fmt::format("{:<10}  {:<17}  {:<8}  {:>9}  {:>7}  {:>9}  {:<19}  {}\n", "ID", "STATUS",
                         "KIND", "ITER", "TOKENS", "COST", "UPDATED", "TITLE");
  for (const Session& s : found) {
    std::string iterations = s.caps.max_iterations > 0
                                 ? fmt::format("{}/{}", s.iterations, s.caps.max_iterations)
                                 : std::to_string(s.iterations);
    ctx.out << fmt::format("{:<10}  {:<17}  {:<8}  {:>9}  {:>7}  {:>9}  {:<19}  {}\n", s.id,
                           StatusText(store->path(), s), s.kind, iterations,
                           Tokens(s.usage.total()), Dollars(s.cost_usd), Readable(s.updated_at),
                           Clip(s.title, 60));
  }
}

void PrintSession(std::ostream& out, const SessionHistory& h, const std::string& store_path) {
  const Session& s = h.session;
  auto row = [&out](const char* label, const std::string& value) {
    if (!value.empty()) out << fmt::format("  {:<11} {}\n", label, value);
  };
  out << fmt::format("Session {}: {}\n", s.id, s.title.empty() ? "(untitled)" : s.title);
  row("kind", s.kind);
  row("status", Interrupted(store_path, s)
                    ? fmt::format("running, but no intern process runs it: interrupted? `intern "
                                  "sessions resume {}` continues it",
                                  s.id)
                    : sessions::SessionStatusName(s.status));
  row("phase", s.phase);
  row("subjects", Subjects(s.subjects));
  row("model", s.provider.empty() ? s.model : fmt::format("{} / {}", s.provider, s.model));
  row("created", Readable(s.created_at));
  row("updated", Readable(s.updated_at));
  row("iterations", s.caps.max_iterations > 0
                        ? fmt::format("{} of {}", s.iterations, s.caps.max_iterations)
                        : std::to_string(s.iterations));
  std::string tokens = fmt::format("{} in, {} out, {} cache read, {} cache write", s.usage.input,
                                   s.usage.output, s.usage.cache_read, s.usage.cache_write);
  if (s.caps.budget_tokens > 0) {
    tokens += fmt::format(" ({} of {})", s.usage.total(), s.caps.budget_tokens);
  }
  row("tokens", tokens);
  row("cost", s.caps.budget_usd > 0
                  ? fmt::format("{} of {}", Dollars(s.cost_usd), Dollars(s.caps.budget_usd))
                  : Dollars(s.cost_usd));
  row("evidence", fmt::format("{} items", h.evidence.size()));
  row("last error", s.last_error);

  if (!h.steps.empty()) out << "\nSteps\n";
  for (const sessions::StepRecord& step : h.steps) {
    out << fmt::format("  #{:<4} {:<10} {}  in {} out {} cache {}/{}  {}  {}\n", step.n,
                       step.phase.empty() ? "-" : step.phase, Readable(step.started_at),
                       step.usage.input, step.usage.output, step.usage.cache_read,
                       step.usage.cache_write, Dollars(step.cost_usd),
                       step.stop_reason.empty() ? "-" : step.stop_reason);
    for (const sessions::ToolCallRecord& call : step.tool_calls) {
      std::string evidence;
      for (const std::string& id : call.evidence_ids) {
        evidence += evidence.empty() ? "  " : ", ";
        evidence += id;
      }
      out << fmt::format("        {} {}  {}  {} ms{}\n", call.tool, Clip(call.args, 60),
                         call.is_error ? "error" : "ok", call.duration_ms, evidence);
    }
    for (const sessions::EventRecord& event : step.events) {
      out << fmt::format("        [{}] {} {}\n", event.level, event.kind, Clip(event.message, 80));
    }
  }
  if (!h.drafts.empty()) out << "\nDrafts\n";
  for (const sessions::DraftRecord& draft : h.drafts) {
    out << fmt::format("  {}  v{}  {:<14}  {}  {}\n", draft.id, draft.version,
                       sessions::DraftStatusName(draft.status), Readable(draft.created_at),
                       Clip(draft.title, 60));
  }
  if (!h.events.empty()) out << "\nEvents\n";
  for (const sessions::EventRecord& event : h.events) {
    out << fmt::format("  {}  [{}] {} {}\n", Readable(event.at), event.level, event.kind,
                       Clip(event.message, 80));
  }
}

void RunShow(CliContext& ctx, const ShowOptions& options) {
  const std::filesystem::path path = config::StorePath(LoadConfig(ctx));
  SessionHistory history = LoadOrExplain(path, options.id);
  if (options.json) {
    ctx.out << sessions::SessionShowJson(history) << "\n";
  } else {
    PrintSession(ctx.out, history, path.string());
  }
}

void RunExport(CliContext& ctx, const ExportOptions& options) {
  SessionHistory history = LoadOrExplain(config::StorePath(LoadConfig(ctx)), options.id);
  sessions::WriteSessionJsonl(history, ctx.out);
}

}  // namespace

void AttachSessionsCommand(CLI::App& cmd, CliContext& ctx) {
  cmd.require_subcommand(1);

  auto list_options = std::make_shared<ListOptions>();
  CLI::App* list = cmd.add_subcommand("list", "List sessions, newest first");
  list->add_flag("--json", list_options->json, "Print a JSON array instead of a table");
  list->add_option("--status", list_options->status,
                   "Only sessions with this status (running, done, capped, over_budget, stuck, "
                   "context_exhausted, failed, interrupted)");
  list->add_option("--kind", list_options->kind,
                   "Only sessions of this kind (compare, sweep, ...)");
  list->add_option("--limit", list_options->limit, "Show at most N sessions")
      ->check(CLI::NonNegativeNumber);
  list->callback([&ctx, list_options] { RunList(ctx, *list_options); });

  auto show_options = std::make_shared<ShowOptions>();
  CLI::App* show =
      cmd.add_subcommand("show", "Show a session: totals, steps with usage and cost, tool calls");
  show->add_option("id", show_options->id, "Session id (see `intern sessions list`)")->required();
  show->add_flag("--json", show_options->json, "Print one JSON object");
  show->callback([&ctx, show_options] { RunShow(ctx, *show_options); });

  auto export_options = std::make_shared<ExportOptions>();
  CLI::App* exporter = cmd.add_subcommand(
      "export", "Write a session's whole record (steps, messages, tool calls, evidence, events)");
  exporter->add_option("id", export_options->id, "Session id (see `intern sessions list`)")
      ->required();
  exporter->add_option("--format", export_options->format, "Output format (one JSON object a line)")
      ->check(CLI::IsMember({"jsonl"}))
      ->capture_default_str();
  exporter->callback([&ctx, export_options] { RunExport(ctx, *export_options); });

  AttachSessionsResume(cmd, ctx);
}

}  // namespace intern::agent
