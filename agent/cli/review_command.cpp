// `intern review [ID]` (DESIGN §7, §11): the gate between a draft and publishing.
//
//   intern review [--json]                      drafts waiting for review
//   intern review ID                            show it (pager on a terminal), then ask
//                                               approve / reject / edit / send back / skip
//   intern review ID --approve [--comment C] [--reviewer NAME] [--override REASON]
//   intern review ID --reject REASON [--reviewer NAME]
//   intern review ID --send-back FEEDBACK [--reviewer NAME]
//
// The reviewer is --reviewer, else git's user.name, else $USER (agent/review/reviewer.h). A
// send-back runs the draft's session again with the feedback (agent/session_runner.h
// ReviseSession) through the CliContext seams main() fills; without them it is refused before
// anything is recorded, since the feedback would reach nobody.

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "agent/approval.h"
#include "agent/cli/cli.h"
#include "agent/cli/loop_terminal.h"
#include "agent/compare_panel.h"
#include "agent/compare_workflow.h"
#include "agent/models.h"
#include "agent/progress.h"
#include "agent/publish/publish.h"
#include "agent/review/review_actions.h"
#include "agent/review/review_prompt.h"
#include "agent/review/reviewer.h"
#include "agent/review/terminal.h"
#include "agent/session_runner.h"
#include "agent/signals.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tools/read_evidence_tool.h"
#include "tools/registry.h"

namespace intern::agent {
namespace {

struct ReviewArgs {
  std::string id;
  bool json = false;
  bool approve = false;
  std::string reject;
  std::string send_back;
  std::string comment;
  std::string reviewer;
  std::string override_reason;
};

using Publisher = std::function<Result<std::string>(const std::string& draft_id)>;

// The auto-publish seam (publish.auto = true): what an approval calls to publish the draft.
// Publishing lives in agent/publish (PublishDraft); this returns nullptr until that is wired in
// here, and an approval then says so instead of publishing.
// publish.auto: an approval commits the draft to the site (never pushes; `intern publish ID
// --push` does). The store outlives the returned function: both live for the command's run.
Publisher AutoPublisher(CliContext& ctx, const config::Config& cfg, sessions::Store& store) {
  if (!cfg.publish.auto_publish) return nullptr;
  publish::PublishOptions options;
  options.env = ctx.load_options ? ctx.load_options->env : config::LoadOptions::FromProcess({}).env;
  return publish::MakeAutoPublisher(store, cfg, options);
}

sessions::Store OpenExisting(const config::Config& cfg) {
  std::filesystem::path path = config::StorePath(cfg);
  if (!std::filesystem::exists(path)) {
    throw Error(fmt::format(
        "there is no store at {} yet; `intern compare A B` makes the first draft", path.string()));
  }
  return sessions::Store::Open(path);
}

void List(CliContext& ctx, sessions::Store& store, bool json) {
  std::vector<PendingDraft> pending = ListPending(store, SystemClock::Instance().Now());
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const PendingDraft& p : pending) {
      out.push_back({{"id", p.id},
                     {"session", p.session_id},
                     {"version", p.version},
                     {"title", p.title},
                     {"created_at", p.created_at},
                     {"age", p.age},
                     {"cost_usd", p.cost_usd},
                     {"tokens", p.tokens},
                     {"flags", p.flags}});
    }
    ctx.out << out.dump(2) << "\n";
    return;
  }
  if (pending.empty()) {
    ctx.out << "No drafts are waiting for review.\n";
    return;
  }
  ctx.out << fmt::format("{:<11}  {:>3}  {:<5}  {:>9}  {:<24}  {}\n", "ID", "V", "AGE", "COST",
                         "FLAGS", "TITLE");
  for (const PendingDraft& p : pending) {
    std::string flags;
    for (const auto& f : p.flags) flags += (flags.empty() ? "" : ",") + f;
    ctx.out << fmt::format("{:<11}  {:>3}  {:<5}  {:>9}  {:<24}  {}\n", p.id, p.version, p.age,
                           fmt::format("${:.4f}", p.cost_usd), flags.empty() ? "-" : flags,
                           p.title);
  }
  ctx.out << "Review one with `intern review ID`.\n";
}

void CheckFlags(const ReviewArgs& args) {
  int actions =
      (args.approve ? 1 : 0) + (args.reject.empty() ? 0 : 1) + (args.send_back.empty() ? 0 : 1);
  if (actions > 1) {
    throw UsageError("give one of --approve, --reject and --send-back, not several");
  }
  if (actions > 0 && args.id.empty()) {
    throw UsageError("--approve, --reject and --send-back need a draft id: intern review ID ...");
  }
  if ((!args.comment.empty() || !args.override_reason.empty()) && !args.approve) {
    throw UsageError("--comment and --override go with --approve");
  }
  if (args.json && !args.id.empty()) {
    throw UsageError("--json lists the pending drafts; leave out the draft id");
  }
}

std::int64_t LatestVersion(const sessions::Store& store, const std::string& session_id) {
  std::vector<sessions::DraftRecord> drafts = store.ListDrafts(std::nullopt, session_id);
  std::int64_t version = 0;
  for (const auto& d : drafts) version = std::max(version, d.version);
  return version;
}

// Runs the draft's session again with the reviewer's feedback, then (for a language model) the
// panel phase on the revised draft.
LoopOutcome Revise(CliContext& ctx, const config::Config& cfg, sessions::Store& store,
                   const std::string& session_id, const std::string& message) {
  tools::ToolRegistry registry;
  registry.Register(std::make_unique<tools::ReadEvidenceTool>());
  if (ctx.register_tools) ctx.register_tools(cfg, registry, store, session_id);
  LoopTerminal terminal(ctx, /*json=*/false, /*yes=*/false);
  RunnerServices services = terminal.Services(ctx, cfg, registry, store);
  LoopOptions defaults = LoopDefaultsFrom(cfg);
  const std::int64_t last_version = LatestVersion(store, session_id);
  LoopOutcome outcome = ReviseSession(services, session_id, message, defaults);
  // As `intern compare` does: with a language model, the personas judge the revised draft
  // independently from the ledger (the offline researcher's rubric already did).
  std::optional<sessions::Session> session = store.GetSession(session_id);
  if (outcome.status != sessions::SessionStatus::kDone || !session ||
      session->provider == kOfflineProvider) {
    return outcome;
  }
  std::vector<sessions::DraftRecord> drafts =
      store.ListDrafts(sessions::DraftStatus::kPendingReview, session_id);
  if (drafts.empty() || drafts.front().version <= last_version) return outcome;
  std::unique_ptr<LlmProvider> llm = ctx.provider_factory(cfg, session->provider, session->model);
  if (!llm) return outcome;
  PanelPhaseOutcome panel = RunPanelPhase(
      *llm, store, cfg, terminal.models(), SystemClock::Instance(), session_id, drafts.front().id,
      session->provider, session->model, defaults.max_iterations, &terminal.progress());
  for (const std::string& note : panel.notes) ctx.err << note << "\n";
  if (std::optional<sessions::Session> after = store.GetSession(session_id)) {
    outcome.iterations = after->iterations;
    outcome.cost_usd = after->cost_usd;
  }
  return outcome;
}

void Run(CliContext& ctx, const ReviewArgs& args) {
  CheckFlags(args);
  const config::Config& cfg = LoadConfig(ctx);
  sessions::Store store = OpenExisting(cfg);
  if (args.id.empty()) {
    List(ctx, store, args.json);
    return;
  }
  Result<sessions::DraftRecord> found = FindDraft(store, args.id);
  if (!found.ok()) throw Error(found.message());
  const sessions::DraftRecord draft = found.value();
  const bool deciding = args.approve || !args.reject.empty() || !args.send_back.empty();
  const bool interactive = !deciding;

  ReviewServices services{store, "", nullptr, nullptr};
  services.reviewer = ResolveReviewer(args.reviewer);
  if (cfg.publish.auto_publish) {
    services.on_approved = AutoPublisher(ctx, cfg, store);
    if (!services.on_approved) {
      services.on_approved = [](const std::string& id) -> Result<std::string> {
        return Fail(ErrorCode::kUnavailable,
                    fmt::format("publish.auto is on, but this build has no publisher; run "
                                "`intern publish {}`",
                                id));
      };
    }
  }
  if (!args.send_back.empty() || interactive) {
    if (ctx.provider_factory) {
      services.revise = [&ctx, &cfg, &store](const std::string& session_id,
                                             const std::string& message) {
        return Revise(ctx, cfg, store, session_id, message);
      };
    } else if (!args.send_back.empty()) {
      throw Error(
          "sending a draft back needs the agent's provider, and none is wired into this build; "
          "reject it with the feedback as the reason instead");
    }
  }

  if (args.approve) {
    Result<sessions::ApprovalRecord> approval =
        Approve(services, draft.id, ShownSha256(draft), args.comment, args.override_reason);
    if (!approval.ok()) throw Error(approval.message());
    ReportApproval(services, approval.value(), ctx.out);
    return;
  }
  if (!args.reject.empty()) {
    Result<sessions::ApprovalRecord> rejection =
        Reject(services, draft.id, ShownSha256(draft), args.reject);
    if (!rejection.ok()) throw Error(rejection.message());
    ctx.out << fmt::format("Rejected {}: {}\n", draft.id, args.reject);
    return;
  }
  if (!args.send_back.empty()) {
    Result<SendBackOutcome> sent = SendBack(services, draft.id, ShownSha256(draft), args.send_back);
    if (!sent.ok()) throw Error(sent.message());
    ReportSendBack(sent.value(), draft.session_id, ctx.out);
    if (sent.value().revised && sent.value().new_draft_id.empty()) ctx.exit_code = kExitStopped;
    return;
  }

  GetEnv env = ProcessEnv();
  const bool tty = ::isatty(STDOUT_FILENO) == 1;
  ReviewTerminal terminal{std::cin, ctx.out,
                          [&ctx, &env, tty](const std::string& text) {
                            ctx.out.flush();
                            if (!tty || !ShowInPager(text, env)) ctx.out << text;
                          },
                          [&ctx, &env](const std::string& text) {
                            ctx.out.flush();
                            return EditInEditor(text, env);
                          }};
  ReviewInteractively(services, terminal, draft.id);
}

}  // namespace

void AttachReviewCommand(CLI::App& cmd, CliContext& ctx) {
  auto args = std::make_shared<ReviewArgs>();
  cmd.add_option("id", args->id, "Draft id or a unique prefix; without it, list pending drafts");
  cmd.add_flag("--json", args->json, "List the pending drafts as JSON");
  cmd.add_flag("--approve", args->approve, "Approve the draft as it is stored now");
  cmd.add_option("--reject", args->reject, "Reject the draft, with the reason")
      ->type_name("REASON");
  cmd.add_option("--send-back", args->send_back,
                 "Send the draft back to its session with feedback; the agent revises it within "
                 "the same cap and budget")
      ->type_name("FEEDBACK");
  cmd.add_option("--comment", args->comment, "A comment stored with the approval")
      ->type_name("TEXT");
  cmd.add_option("--reviewer", args->reviewer,
                 "Who approves (default: git's user.name, else $USER)")
      ->type_name("NAME");
  cmd.add_option("--override", args->override_reason,
                 "Why a one-sided draft is fair to approve anyway (required for one-sided drafts)")
      ->type_name("REASON");
  cmd.callback([&ctx, args] { Run(ctx, *args); });
}

}  // namespace intern::agent
