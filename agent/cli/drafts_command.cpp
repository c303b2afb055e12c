// `intern drafts list|show` (DESIGN §11): the drafts waiting at the review gate, and one draft
// rendered as Markdown or as its stored JSON.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <ctime>
#include <iomanip>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/cli/cli.h"
#include "agent/comparison.h"
#include "agent/comparison_json.h"
#include "agent/comparison_markdown.h"
#include "config/clock.h"
#include "config/error.h"
#include "sessions/store.h"

namespace intern::agent {
namespace {

struct DraftsArgs {
  bool all = false;
  bool json = false;
  std::string id;
  std::string format = "md";
};

double CostOf(const sessions::DraftRecord& d) {
  nlohmann::json doc = nlohmann::json::parse(d.document, nullptr, false);
  if (!doc.is_object() || !doc.contains("cost") || !doc["cost"].is_object()) return 0.0;
  return doc["cost"].value("usd", 0.0);
}

sessions::Store OpenExisting(CliContext& ctx) {
  const config::Config& cfg = LoadConfig(ctx);
  std::filesystem::path path = config::StorePath(cfg);
  if (!std::filesystem::exists(path)) {
    throw Error(
        fmt::format("there is no store at {} yet; `intern compare A B` makes the first "
                    "draft",
                    path.string()));
  }
  return sessions::Store::Open(path);
}

sessions::DraftRecord FindDraft(const sessions::Store& store, const std::string& id) {
  if (auto d = store.GetDraft(id)) return *d;
  std::vector<sessions::DraftRecord> matches;
  if (!id.empty()) {
    for (const auto& d : store.ListDrafts()) {
      if (d.id.rfind(id, 0) == 0) matches.push_back(d);
    }
  }
  if (matches.size() == 1) return matches[0];
  if (matches.size() > 1) {
    throw Error(fmt::format("\"{}\" matches several drafts; give more of the id", id));
  }
  throw Error(fmt::format("there is no draft \"{}\"; `intern drafts list --all` shows them", id));
}

void List(CliContext& ctx, const DraftsArgs& args) {
  sessions::Store store = OpenExisting(ctx);
  std::vector<sessions::DraftRecord> drafts =
      args.all ? store.ListDrafts() : store.ListDrafts(sessions::DraftStatus::kPendingReview);
  const auto now = SystemClock::Instance().Now();
  if (args.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : drafts) {
      out.push_back({{"id", d.id},
                     {"session", d.session_id},
                     {"status", sessions::DraftStatusName(d.status)},
                     {"title", d.title},
                     {"created_at", d.created_at},
                     {"cost_usd", CostOf(d)},
                     {"flags", d.flags}});
    }
    ctx.out << out.dump(2) << "\n";
    return;
  }
  if (drafts.empty()) {
    ctx.out << (args.all ? "No drafts yet.\n" : "No drafts are waiting for review.\n");
    return;
  }
  ctx.out << fmt::format("{:<11}  {:<14}  {:<5}  {:>8}  {:<20}  {}\n", "ID", "STATUS", "AGE",
                         "COST", "FLAGS", "TITLE");
  for (const auto& d : drafts) {
    std::string flags;
    for (const auto& f : d.flags) flags += (flags.empty() ? "" : ",") + f;
    ctx.out << fmt::format("{:<11}  {:<14}  {:<5}  {:>8}  {:<20}  {}\n", d.id,
                           sessions::DraftStatusName(d.status), FormatAge(d.created_at, now),
                           fmt::format("${:.4f}", CostOf(d)), flags.empty() ? "-" : flags, d.title);
  }
}

void Show(CliContext& ctx, const DraftsArgs& args) {
  sessions::Store store = OpenExisting(ctx);
  sessions::DraftRecord d = FindDraft(store, args.id);
  if (args.format == "json") {
    ctx.out << d.document << "\n";
    return;
  }
  Result<Comparison> doc = ComparisonFromJson(d.document);
  if (!doc.ok()) {
    throw Error(
        fmt::format("draft {} does not read as a comparison ({}); show it with --format "
                    "json",
                    d.id, doc.message()));
  }
  ctx.out << RenderMarkdown(doc.value());
}

}  // namespace

void AttachDraftsCommand(CLI::App& cmd, CliContext& ctx) {
  auto args = std::make_shared<DraftsArgs>();
  cmd.require_subcommand(1);
  CLI::App* list =
      cmd.add_subcommand("list", "List drafts waiting for review (--all: every draft)");
  list->add_flag("--all", args->all, "Every draft, whatever its status");
  list->add_flag("--json", args->json, "Print the list as JSON");
  list->callback([&ctx, args] { List(ctx, *args); });
  CLI::App* show = cmd.add_subcommand("show", "Show one draft as Markdown or JSON");
  show->add_option("id", args->id, "Draft id or a unique prefix")->required();
  show->add_option("--format", args->format, "md (default) or json")
      ->check(CLI::IsMember({"md", "json"}));
  show->callback([&ctx, args] { Show(ctx, *args); });
}

}  // namespace intern::agent
