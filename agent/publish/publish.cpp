#include "agent/publish/publish.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>

#include "agent/comparison_json.h"
#include "agent/comparison_markdown.h"
#include "agent/loop_state.h"
#include "agent/publish/approval_gate.h"
#include "agent/publish/comparison_html.h"
#include "agent/publish/site_index.h"
#include "sessions/store.h"
#include "tools/repo/git_handle.h"
#include "tools/repo/libgit2_init.h"

namespace intern::agent::publish {
namespace {

constexpr std::string_view kCommitterName = "intern";
constexpr std::string_view kCommitterEmail = "intern@users.noreply.intern";

// `text` on one line, trimmed: line breaks and tabs become spaces.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char ch : text) out += (ch == '\n' || ch == '\r' || ch == '\t') ? ' ' : ch;
  size_t begin = out.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  size_t end = out.find_last_not_of(' ');
  return out.substr(begin, end - begin + 1);
}

struct GitIdentity {
  std::string name;
  std::string email;
};

// git's user.name and user.email from the user's global and system config ("" when unset).
GitIdentity DefaultGitIdentity() {
  tools::git::LibGit2 libgit2;
  GitIdentity identity;
  git_config* raw = nullptr;
  if (git_config_open_default(&raw) < 0) return identity;
  tools::git::Config config(raw);
  tools::git::Buf name;
  if (git_config_get_string_buf(name.get(), config.get(), "user.name") == 0)
    identity.name = name.str();
  tools::git::Buf email;
  if (git_config_get_string_buf(email.get(), config.get(), "user.email") == 0)
    identity.email = email.str();
  return identity;
}

std::string ShortCommit(const std::string& commit) { return commit.substr(0, 12); }

Result<PublishOutcome> PushOnly(const config::Config& config, const ApprovedDraft& approved,
                                const PublishOptions& options, PublishOutcome outcome);

Status PushSite(SiteRepo& site, const config::Config& config, const PublishOptions& options) {
  if (config.publish.remote.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "publish.remote is not set; set it to the URL or path the site is pushed to "
                "(`intern -c publish.remote=URL publish ID --push`)");
  }
  return site.Push(config.publish.remote, PushCredentialsFromEnv(options.env));
}

// The commit an interrupted publish of `draft_id` made (publish.h): its "Draft:" trailer names
// the draft and its `document_path` holds `document` exactly; nullopt when there is none.
Result<std::optional<std::string>> FindEarlierCommit(const SiteRepo& site,
                                                     const std::string& draft_id,
                                                     const std::string& document_path,
                                                     const std::string& document) {
  Result<std::optional<std::string>> found = site.FindByTrailer("Draft", draft_id);
  if (!found.ok() || !found.value()) return found;
  Result<std::optional<std::string>> stored = site.ReadAt(*found.value(), document_path);
  if (!stored.ok()) return stored.failure();
  if (stored.value() != document) return std::optional<std::string>();
  return found;
}

// Steps 4 and 5 (publish.h) once outcome.commit is on the branch.
Result<PublishOutcome> Finish(sessions::Store& store, SiteRepo& site,
                              const config::Config& config, const PublishOptions& options,
                              PublishOutcome outcome) {
  store.MarkDraftPublished(outcome.draft_id, outcome.commit);
  if (options.push) {
    Status pushed = PushSite(site, config, options);
    if (!pushed.ok()) {
      return Fail(pushed.code(),
                  fmt::format("draft {} is published as commit {} in {}, but the push failed "
                              "({}); `intern publish {} --push` pushes it again",
                              outcome.draft_id, ShortCommit(outcome.commit),
                              outcome.repo.string(), pushed.message(), outcome.draft_id));
    }
    outcome.pushed = true;
    outcome.remote = config.publish.remote;
  }
  return outcome;
}

}  // namespace

std::string AuthorEmail(const std::string& reviewer, const std::string& configured,
                        const std::string& git_user_name, const std::string& git_user_email) {
  if (!configured.empty()) return configured;
  if (!git_user_email.empty() && !reviewer.empty() && OneLine(git_user_name) == OneLine(reviewer))
    return git_user_email;
  std::string local;
  bool dash = false;
  for (unsigned char ch : reviewer) {
    bool keep = ch < 0x80 && (std::isalnum(ch) || ch == '.' || ch == '_' || ch == '-');
    if (!keep) {
      dash = true;
      continue;
    }
    if (dash && !local.empty()) local += '-';
    dash = false;
    local += static_cast<char>(std::tolower(ch));
  }
  while (!local.empty() && (local.back() == '.' || local.back() == '-')) local.pop_back();
  while (!local.empty() && (local.front() == '.' || local.front() == '-')) local.erase(0, 1);
  if (local.empty()) local = "reviewer";
  return local + "@users.noreply.intern";
}

std::string CommitMessage(const std::string& first_subject, const std::string& second_subject,
                          const std::string& reviewer, const std::string& draft_id,
                          const std::string& session_id) {
  return fmt::format("Publish {} vs {}\n\nApproved-by: {}\nDraft: {}\nSession: {}\n",
                     OneLine(first_subject), OneLine(second_subject), OneLine(reviewer),
                     OneLine(draft_id), OneLine(session_id));
}

std::string DescribeOutcome(const PublishOutcome& o) {
  std::vector<std::string> parts;
  for (const std::string& lock : o.removed_locks)
    parts.push_back(fmt::format("Removed the stale lock file {} an interrupted publish left.", lock));
  if (o.committed)
    parts.push_back(fmt::format("Published draft {} as comparisons/{}.html in {} (commit {}, {}{}).",
                                o.draft_id, o.slug, o.repo.string(), ShortCommit(o.commit),
                                o.branch,
                                o.adopted ? "; an interrupted publish had made the commit" : ""));
  if (o.pushed) parts.push_back(fmt::format("Pushed {} to {}.", o.branch, o.remote));
  return fmt::format("{}", fmt::join(parts, " "));
}

std::function<Result<std::string>(const std::string& draft_id)> MakeAutoPublisher(
    sessions::Store& store, config::Config config, PublishOptions options) {
  return [&store, config = std::move(config),
          options = std::move(options)](const std::string& draft_id) -> Result<std::string> {
    Result<PublishOutcome> outcome = PublishDraft(store, config, draft_id, options);
    if (!outcome.ok()) return outcome.failure();
    return DescribeOutcome(outcome.value());
  };
}

PushCredentials PushCredentialsFromEnv(const std::map<std::string, std::string, std::less<>>& env) {
  auto get = [&](std::string_view name) {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  };
  PushCredentials c;
  c.token = get("INTERN_PUBLISH_TOKEN");
  c.username = get("GIT_USERNAME");
  c.password = get("GIT_PASSWORD");
  return c;
}

Result<PublishOutcome> PublishDraft(sessions::Store& store, const config::Config& config,
                                    const std::string& draft_id, const PublishOptions& options) {
  Result<ApprovedDraft> gate = CheckPublishable(store, draft_id);
  if (!gate.ok()) return gate.failure();
  const ApprovedDraft& approved = gate.value();
  const Comparison& comparison = approved.comparison;
  const std::string& reviewer = approved.approval.reviewer;

  PublishOutcome outcome;
  outcome.draft_id = approved.draft.id;
  outcome.slug = ComparisonSlug(comparison);
  outcome.repo = config.publish.repo.empty() ? config.home / "site" : config.publish.repo;
  outcome.branch = config.publish.branch;
  outcome.approved_by = reviewer;

  if (approved.draft.status == sessions::DraftStatus::kPublished) {
    outcome.commit = approved.draft.published_commit;
    if (!options.push) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("draft {} is already published (commit {}); `intern publish {} "
                              "--push` pushes the site again",
                              draft_id, ShortCommit(outcome.commit), draft_id));
    }
    return PushOnly(config, approved, options, std::move(outcome));
  }

  Result<SiteRepo> site = SiteRepo::OpenOrCreate(outcome.repo, outcome.branch);
  if (!site.ok()) return site.failure();
  for (const auto& lock : site.value().removed_locks()) outcome.removed_locks.push_back(lock);

  const std::string stem = "comparisons/" + outcome.slug;
  const std::string document = ComparisonToJson(comparison) + "\n";
  outcome.files = {stem + ".md", stem + ".json", stem + ".html", "index.json", "index.html"};
  Result<std::optional<std::string>> earlier =
      FindEarlierCommit(site.value(), approved.draft.id, stem + ".json", document);
  if (!earlier.ok()) return earlier.failure();
  if (earlier.value()) {
    Status checked_out = site.value().CheckOutTip();
    if (!checked_out.ok()) return checked_out.failure();
    outcome.commit = *earlier.value();
    outcome.committed = true;
    outcome.adopted = true;
    return Finish(store, site.value(), config, options, std::move(outcome));
  }

  const Clock& clock = options.clock != nullptr ? *options.clock : SystemClock::Instance();
  const auto now = clock.Now();
  const std::string published_at = Rfc3339Utc(now);

  Result<std::optional<std::string>> old_index = site.value().ReadAtTip("index.json");
  if (!old_index.ok()) return old_index.failure();
  std::vector<IndexEntry> entries =
      UpsertEntry(ParseSiteIndex(old_index.value().value_or("")),
                  EntryFor(comparison, outcome.slug, published_at, reviewer, approved.draft.id));

  PageInfo page;
  page.draft_id = approved.draft.id;
  page.approved_by = reviewer;
  page.approved_at = approved.approval.decided_at;
  page.published_at = published_at;

  std::vector<SiteFile> files = {
      {stem + ".md", RenderMarkdown(comparison)},
      {stem + ".json", document},
      {stem + ".html", RenderComparisonHtml(comparison, page)},
      {"index.json", RenderSiteIndexJson(entries)},
      {"index.html", RenderSiteIndexHtml(entries)},
  };

  GitIdentity git_identity;
  if (config.publish.author_email.empty()) git_identity = DefaultGitIdentity();
  outcome.author_email =
      AuthorEmail(reviewer, config.publish.author_email, git_identity.name, git_identity.email);
  GitPerson author{OneLine(reviewer), outcome.author_email, now};
  GitPerson committer{std::string(kCommitterName), std::string(kCommitterEmail), now};
  std::string message = CommitMessage(comparison.subjects[0].name, comparison.subjects[1].name,
                                      reviewer, approved.draft.id, approved.draft.session_id);

  Result<std::string> commit = site.value().Commit(files, author, committer, message,
                                                   options.before_ref_update,
                                                   options.after_ref_update);
  if (!commit.ok()) return commit.failure();
  outcome.commit = commit.value();
  outcome.committed = true;
  return Finish(store, site.value(), config, options, std::move(outcome));
}

namespace {

Result<PublishOutcome> PushOnly(const config::Config& config, const ApprovedDraft& approved,
                                const PublishOptions& options, PublishOutcome outcome) {
  Result<SiteRepo> site = SiteRepo::Open(outcome.repo, outcome.branch);
  if (!site.ok()) {
    return Fail(site.code(), fmt::format("draft {} is published, but its site repository cannot "
                                         "be opened: {}",
                                         approved.draft.id, site.message()));
  }
  Status pushed = PushSite(site.value(), config, options);
  if (!pushed.ok()) return pushed.failure();
  outcome.pushed = true;
  outcome.remote = config.publish.remote;
  return outcome;
}

}  // namespace

}  // namespace intern::agent::publish
