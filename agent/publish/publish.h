#pragma once
// Publishing an approved comparison to the site repository (DESIGN §7). What `intern publish`
// runs, and what the review gate calls when `publish.auto` is on.
//
// PublishDraft, in order:
//  1. the gate (agent/publish/approval_gate.h): the draft must be approved as it is stored now;
//     otherwise it fails with that one sentence and nothing at all is written — the site
//     repository is not even created;
//  2. renders comparisons/<slug>.md (agent/comparison_markdown.h), .json (the stored form) and
//     .html (agent/publish/comparison_html.h), and regenerates index.json and index.html from the
//     index.json at the branch tip plus this comparison (site_index.h: same slug replaced, newest
//     first);
//  3. commits them to `publish.branch` of the site repository (`publish.repo`, created when
//     missing) in one step (agent/publish/site_repo.h):
//       author    = the approving reviewer, email `publish.author_email` or AuthorEmail()
//       committer = intern <intern@users.noreply.intern>
//       message   = "Publish A vs B", a blank line, then git trailers
//                   "Approved-by: REVIEWER", "Draft: ID", "Session: ID";
//  4. marks the draft published with the commit id (Store::MarkDraftPublished);
//  5. with `push`, pushes the branch to `publish.remote` (PushCredentialsFromEnv).
// A draft that is already published is not committed again; with `push` its site is pushed.
// Nor is a draft an interrupted publish already committed (killed after the branch moved and
// before step 4): a commit of the branch whose "Draft: ID" trailer names it and whose
// comparisons/<slug>.json is the draft's document as stored now is adopted — checked out, and
// the draft marked published with it (outcome.adopted) — instead of committing it a second time.
// A draft edited since that commit is committed anew. Stale git lock files the interrupted run
// left are removed on the way (site_repo.h; outcome.removed_locks).
//
// Failures (Result): the gate's sentences (kNotFound, kForbidden, kInvalidArgument); an already
// published draft without `push` (kInvalidArgument); site repository and push errors (kIo,
// kUnauthorized, kConnection, kForbidden), a push failure after a successful commit saying that
// the comparison is published and how to push again. Store failures throw intern::Error.
//
// Thread safety: one publish at a time per site repository (a concurrent one fails cleanly: the
// branch only moves if it is still where the commit started from).

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "agent/publish/site_repo.h"
#include "config/clock.h"
#include "config/config.h"
#include "config/result.h"

namespace intern::sessions {
class Store;
}

namespace intern::agent::publish {

struct PublishOptions {
  // Push the branch to publish.remote after committing.
  bool push = false;
  // Stamps published_at and the commit times. Not owned; nullptr = the system clock.
  const Clock* clock = nullptr;
  // The environment push credentials are read from (PushCredentialsFromEnv); kept in memory only.
  std::map<std::string, std::string, std::less<>> env;
  // Test hooks: run after the commit object is written and before the branch moves, and after
  // the branch moved and before the working tree is checked out.
  std::function<void()> before_ref_update = nullptr;
  std::function<void()> after_ref_update = nullptr;
};

struct PublishOutcome {
  std::string draft_id;
  std::string slug;
  std::filesystem::path repo;
  std::string branch;
  std::string commit;              // the publish commit (the earlier one when already published)
  bool committed = false;          // false when the draft was already published
  bool adopted = false;  // committed by an interrupted publish and adopted now (no new commit)
  std::vector<std::string> removed_locks;  // stale git lock files removed (absolute paths)
  std::vector<std::string> files;  // paths written, relative to the repository
  std::string approved_by;
  std::string author_email;
  bool pushed = false;
  std::string remote;  // where it was pushed ("" when not pushed)
};

Result<PublishOutcome> PublishDraft(sessions::Store& store, const config::Config& config,
                                    const std::string& draft_id,
                                    const PublishOptions& options = {});

// What happened, for a person: "Removed the stale lock file F an interrupted publish left." per
// removed lock, then "Published draft D as comparisons/SLUG.html in REPO (commit C12, BRANCH)."
// (when committed; "…, BRANCH; an interrupted publish had made the commit)." when adopted), then
// "Pushed BRANCH to REMOTE." (when pushed), joined by a space.
std::string DescribeOutcome(const PublishOutcome& outcome);

// The review gate's auto-publish seam (publish.auto = true): a function that publishes a draft
// with PublishDraft(store, config, draft_id, options) and returns DescribeOutcome's sentence, or
// PublishDraft's failure. `config` is copied; `store` (and options.clock) must outlive the
// function. Call it from one thread at a time, like the store's other writers.
std::function<Result<std::string>(const std::string& draft_id)> MakeAutoPublisher(
    sessions::Store& store, config::Config config, PublishOptions options = {});

// The commit author's email for `reviewer`: `configured` when set; else `git_user_email` when
// `git_user_name` (git's user.name) is the reviewer; else "<local>@users.noreply.intern" with
// local = the reviewer's name lower-cased, every run of characters other than ASCII letters,
// digits, '.', '_' and '-' turned into '-' ("Ada Lovelace" -> "ada-lovelace"; "reviewer" when
// nothing is left).
std::string AuthorEmail(const std::string& reviewer, const std::string& configured,
                        const std::string& git_user_name, const std::string& git_user_email);

// "Publish A vs B\n\nApproved-by: R\nDraft: D\nSession: S\n" — every value folded onto one line
// so no value can end the trailer block or add a trailer of its own.
std::string CommitMessage(const std::string& first_subject, const std::string& second_subject,
                          const std::string& reviewer, const std::string& draft_id,
                          const std::string& session_id);

// Push credentials from the environment: INTERN_PUBLISH_TOKEN (an https token), else
// GIT_USERNAME with GIT_PASSWORD; ssh remotes use the ssh-agent (SSH_AUTH_SOCK) instead.
PushCredentials PushCredentialsFromEnv(const std::map<std::string, std::string, std::less<>>& env);

}  // namespace intern::agent::publish
