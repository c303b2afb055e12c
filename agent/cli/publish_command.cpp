// `intern publish ID [--push] [--json]` (DESIGN §7): writes an approved comparison to the site
// repository and commits it; refuses, in one sentence and without touching the site, anything
// not approved as it stands.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "agent/cli/cli.h"
#include "agent/publish/publish.h"
#include "config/error.h"
#include "sessions/store.h"

namespace intern::agent {
namespace {

struct PublishArgs {
  std::string id;
  bool push = false;
  bool json = false;
};

// The draft whose id is `id` or starts with it (a person may type a unique prefix).
std::string ResolveDraftId(const sessions::Store& store, const std::string& id) {
  if (store.GetDraft(id)) return id;
  std::vector<std::string> matches;
  if (!id.empty()) {
    for (const auto& d : store.ListDrafts())
      if (d.id.rfind(id, 0) == 0) matches.push_back(d.id);
  }
  if (matches.size() == 1) return matches[0];
  if (matches.size() > 1)
    throw Error(fmt::format("\"{}\" matches several drafts; give more of the id", id));
  throw Error(fmt::format("there is no draft \"{}\"; `intern drafts list --all` shows them", id));
}

void Publish(CliContext& ctx, const PublishArgs& args) {
  const config::Config& cfg = LoadConfig(ctx);
  std::filesystem::path store_path = config::StorePath(cfg);
  if (!std::filesystem::exists(store_path)) {
    throw Error(
        fmt::format("there is no store at {} yet; `intern compare A B` makes the first draft",
                    store_path.string()));
  }
  sessions::Store store = sessions::Store::Open(store_path);
  std::string id = ResolveDraftId(store, args.id);

  publish::PublishOptions options;
  options.push = args.push;
  options.env = ctx.load_options ? ctx.load_options->env : config::LoadOptions::FromProcess({}).env;
  Result<publish::PublishOutcome> result = publish::PublishDraft(store, cfg, id, options);
  if (!result.ok()) throw Error(result.message());
  const publish::PublishOutcome& o = result.value();

  if (args.json) {
    nlohmann::json out = {{"draft", o.draft_id},
                          {"slug", o.slug},
                          {"repo", o.repo.string()},
                          {"branch", o.branch},
                          {"commit", o.commit},
                          {"committed", o.committed},
                          {"adopted", o.adopted},
                          {"removed_locks", o.removed_locks},
                          {"files", o.files},
                          {"approved_by", o.approved_by},
                          {"author_email", o.author_email},
                          {"pushed", o.pushed},
                          {"remote", o.remote}};
    ctx.out << out.dump(2) << "\n";
    return;
  }
  ctx.out << publish::DescribeOutcome(o) << "\n";
}

}  // namespace

void AttachPublishCommand(CLI::App& cmd, CliContext& ctx) {
  auto args = std::make_shared<PublishArgs>();
  cmd.add_option("id", args->id, "Draft id or a unique prefix (it must be approved)")->required();
  cmd.add_flag("--push", args->push,
               "Push the site branch to publish.remote (credentials: INTERN_PUBLISH_TOKEN, or "
               "GIT_USERNAME and GIT_PASSWORD, for https; ssh-agent for ssh)");
  cmd.add_flag("--json", args->json, "Print the outcome as JSON");
  cmd.callback([&ctx, args] { Publish(ctx, *args); });
}

}  // namespace intern::agent
